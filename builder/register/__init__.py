"""The register: every issued form numbered, stored, findable, reprinted and followed up.

Self-contained: it imports nothing else from ``builder`` and takes plain data (a form's
id, code, title, its spec as JSON data, the validated values, a due date, who issued it).

Wiring (the forms, the CLI and the web app)::

    from builder.register import open_register, require

    reg = open_register()                      # HANDBOOK_DATABASE_URL or SQLite in HANDBOOK_DATA_DIR
    values = validate(spec, data)              # forms: errors → no number taken
    issued = reg.issue(spec.id, spec.code, spec.title, spec.model_dump(mode="json"), values,
                       issued_by=user.name, due=due)  # due: the 回访 date the form's rules computed
    pdf = render(spec, values | {"register_number": issued.number}, "pdf")   # print the number

    r = reg.reprint_data("BX-2026-000123", by=user.name)                    # the same document
    pdf = render(FormSpec.model_validate(r.spec), r.values | {"register_number": r.number}, "pdf")

A preview is rendered without calling the register (the number's place shows 预览).
Errors are :class:`RegisterError` subclasses whose ``str()`` is one line to show.
See ``README.md`` (the register) for the data folder, keys and backups.
"""

from __future__ import annotations

from .accounts import PERMISSIONS, ROLES, permits, require
from .errors import ConfigError, Conflict, InvalidInput, NotFound, PermissionDenied, RegisterError
from .issuing import IssueRequest
from .masking import mask_id, mask_name, mask_phone
from .numbers import form_prefix, parse_number
from .results import (
    AuditEntry,
    BackupResult,
    Due,
    Event,
    FollowUp,
    Issued,
    LedgerResult,
    PurgeResult,
    RecordDetail,
    RecordSummary,
    Reprint,
    User,
)
from .schema import STATUS_LABELS
from .store import Register, open_register

PREVIEW_MARK = "预览"

__all__ = [
    "open_register", "Register", "IssueRequest",
    "Issued", "RecordSummary", "RecordDetail", "Reprint", "Due", "Event", "FollowUp", "User",
    "AuditEntry", "LedgerResult", "BackupResult", "PurgeResult",
    "RegisterError", "InvalidInput", "NotFound", "Conflict", "PermissionDenied", "ConfigError",
    "ROLES", "PERMISSIONS", "permits", "require",
    "mask_id", "mask_phone", "mask_name", "form_prefix", "parse_number",
    "STATUS_LABELS", "PREVIEW_MARK",
]
