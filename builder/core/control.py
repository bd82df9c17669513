"""The document control block of the printed handbook's cover (手册编号, 版本, 生效日期,
受控状态, 编制/审核/批准), read from ``handbook-control.yaml`` at the repo root (content/ holds
items only).

While the file still holds the example values it was shipped with (``example: true``, or a
company named 示例…), the cover says so plainly instead of passing them off as real. The
分发号 is not a setting: each printed copy gets its own (``builder.core.distribution``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from builder.core.errors import HandbookError
from builder.core.load import display_path, read_yaml, to_plain, validation_problems
from builder.core.paths import ROOT

CONTROL_FILE = ROOT / "handbook-control.yaml"


class ExportError(HandbookError):
    """A problem with the user's input to an export (role, format, settings file)."""


class ControlSettings(BaseModel):
    """The document control block of the cover, read from ``handbook-control.yaml``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company: str = Field(min_length=1, description="公司名称, printed at the top of the cover")
    title: str = Field("物业客服部工作手册", min_length=1, description="手册名称")
    number: str = Field(min_length=1, description="手册编号, e.g. KF-SC-001")
    version: str = Field(min_length=1, description="版本, e.g. A/0")
    effective_date: dt.date = Field(description="生效日期, YYYY-MM-DD")
    controlled: Literal["受控", "非受控"] = Field(description="受控状态: 受控 or 非受控")
    example: bool = Field(False, description="true while these are example values, not the company's own: "
                                             "the cover then carries a 示例 mark")
    copy_number: None = Field(None, description="not a setting: each printed copy gets its own 分发号")
    holder: None = Field(None, description="not a setting: the holder is recorded with each copy")
    prepared_by: str = Field(min_length=1, description="编制")
    reviewed_by: str = Field(min_length=1, description="审核")
    approved_by: str = Field(min_length=1, description="批准")
    prepared_date: dt.date | None = None
    reviewed_date: dt.date | None = None
    approved_date: dt.date | None = None

    @field_validator("copy_number", "holder", mode="before")
    @classmethod
    def _per_copy(cls, value: object) -> object:
        if value not in (None, ""):
            raise ValueError("not a setting: each printed copy gets its own 分发号 and holder, "
                             "recorded when it is printed (handbook export --copy 003 --holder 前台)")
        return None

    @property
    def is_example(self) -> bool:
        """The values are placeholders: the cover must not pass them off as the company's."""
        return self.example or "示例" in self.company

    @field_validator("effective_date", "prepared_date", "reviewed_date", "approved_date", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-01-01") from None
        return value


def load_control(path: Path | str = CONTROL_FILE) -> ControlSettings:
    """The settings, or :class:`ExportError` naming ``file:line: key: message`` for each mistake."""
    path = Path(path)
    display = display_path(path, ROOT) if path.is_absolute() else str(path)
    if not path.is_file():
        raise ExportError([f"{display}:1: (file): settings file not found; create it with the document "
                           "control block (company, number, version, effective_date, controlled, "
                           "prepared_by, reviewed_by, approved_by)"])
    data, problems = read_yaml(path, display)
    if problems:
        raise ExportError([str(p) for p in problems])
    if not isinstance(data, dict):
        raise ExportError([f"{display}:1: (file): the settings are a mapping of keys (company, number, …)"])
    try:
        return ControlSettings.model_validate(to_plain(data))
    except ValidationError as e:
        raise ExportError([str(p) for p in validation_problems(display, data, e)]) from None
