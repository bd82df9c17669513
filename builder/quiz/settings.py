"""The bank's editorial settings, kept beside the content in ``content/quiz.settings.json``.

* ``ordered_procedures``: the procedures whose steps are done one after another. Only these
  get order and next-step questions; a list of rules written as steps (维修回访's time limits,
  业主沟通's practices) has no order to ask about. An editor's judgement, so it is data.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from builder.core.errors import ContentError, Problem

SETTINGS_NAME = "quiz.settings.json"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    about: str = ""
    ordered_procedures: set[str] = Field(default_factory=set)


def read_settings(content_dir: Path | str) -> Settings:
    """The settings; defaults when the file is absent; :class:`ContentError` naming the key if bad."""
    path = Path(content_dir) / SETTINGS_NAME
    if not path.exists():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Settings.model_validate(data)
    except json.JSONDecodeError as e:
        raise ContentError([Problem(str(path), e.lineno, "", f"not valid JSON: {e.msg}")]) from None
    except ValidationError as e:
        raise ContentError([Problem(str(path), 1, ".".join(map(str, err["loc"])), err["msg"])
                            for err in e.errors()]) from None
