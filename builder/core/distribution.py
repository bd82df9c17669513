"""The distribution record of the printed handbook (分发记录): which numbered copy (分发号) of
which version went to whom, on which day.

It lives beside ``handbook-control.yaml`` as ``handbook-distribution.yaml``::

    distribution:
    - {copy: '003', holder: 前台, date: 2027-01-05, edition: staff, version: A/0}

``handbook export --copy 003 --holder 前台`` checks the number is free for that version
(:func:`check_copy`) before it renders, and records the copy (:func:`record_copy`) once the files
are written: under a lock, re-read, checked again, appended and written atomically, so two
exports at once cannot issue one number twice.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML

from builder.core.atomic import write_text
from builder.core.control import ExportError
from builder.core.load import read_yaml, to_plain, validation_problems

DISTRIBUTION_NAME = "handbook-distribution.yaml"
HEADER = """\
# 分发记录: one line per numbered printed copy of the handbook (分发号, 持有人, 日期, 版本).
# Written by `handbook export --copy N --holder WHO`; a number is issued once per version.
"""
COPY_PATTERN = re.compile(r"^[0-9]{1,6}$")

Edition = Literal["staff", "editors"]


class IssuedCopy(BaseModel):
    """One numbered copy as it went out."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    copy_no: str = Field(alias="copy", description="分发号, digits as printed (003)")
    holder: str = Field(min_length=1, max_length=40, description="持有人/部门 the copy went to")
    date: dt.date = Field(description="the day it was printed")
    edition: Edition = Field("staff", description="staff (员工版) or editors (编辑版)")
    version: str = Field(min_length=1, max_length=20, description="the handbook's 版本 (A/0 …)")
    role: str | None = Field(None, description="the post's booklet, if it was one")

    @field_validator("copy_no", mode="before")
    @classmethod
    def _copy(cls, value: object) -> object:
        return valid_copy_number(str(value)) if isinstance(value, (str, int)) else value


class DistributionRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    distribution: list[IssuedCopy] = Field(default_factory=list)

    def issued(self, copy_no: str, version: str) -> IssuedCopy | None:
        return next((c for c in self.distribution if c.copy_no == copy_no and c.version == version), None)


def valid_copy_number(text: str) -> str:
    text = text.strip()
    if not COPY_PATTERN.match(text):
        raise ValueError(f"'{text}' is not a copy number (分发号): give 1–6 digits, e.g. 003")
    return text


def distribution_file(control_file: Path | str) -> Path:
    """The record beside the control settings."""
    return Path(control_file).parent / DISTRIBUTION_NAME


def load_distribution(path: Path | str) -> DistributionRecord:
    """The record (empty when the file does not exist yet); :class:`ExportError` naming file:line: key."""
    path = Path(path)
    if not path.is_file():
        return DistributionRecord()
    data, problems = read_yaml(path, str(path))
    if problems:
        raise ExportError([str(p) for p in problems])
    if data is None:
        return DistributionRecord()
    if not isinstance(data, dict):
        raise ExportError([f"{path}:1: (file): the record is a mapping with one key, distribution"])
    try:
        return DistributionRecord.model_validate(to_plain(data))
    except ValidationError as e:
        raise ExportError([str(p) for p in validation_problems(str(path), data, e)]) from None


def check_copy(path: Path | str, copy_no: str, version: str) -> None:
    """:class:`ExportError` if ``copy_no`` was issued already for ``version``."""
    found = load_distribution(path).issued(copy_no, version)
    if found is not None:
        raise ExportError([f"--copy: 分发号 {copy_no} of version {version} was issued already "
                           f"(to {found.holder} on {found.date}); give the next free number"])


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def record_copy(path: Path | str, copy: IssuedCopy) -> DistributionRecord:
    """Append ``copy`` to the record, refusing a number already issued for its version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.parent):
        record = load_distribution(path)
        check_copy(path, copy.copy_no, copy.version)
        record.distribution.append(copy)
        rows = [c.model_dump(by_alias=True, exclude_none=True, mode="json") for c in record.distribution]
        out = StringIO()
        y = YAML()
        y.default_flow_style = None
        y.allow_unicode = True
        y.width = 200
        y.dump({"distribution": [{**r, "date": dt.date.fromisoformat(r["date"])} for r in rows]}, out)
        write_text(path, HEADER + out.getvalue())
    return record
