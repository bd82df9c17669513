"""The register's one family of errors: each message is one line a clerk can act on.

Messages name the record (its number) or the input field, never a personal value (a name,
phone or ID number typed by a clerk is not repeated back, so it cannot reach a log).
The CLI (``builder.cli.main``) turns any :class:`RegisterError` into that line and exit code 2; the web app shows
it beside the form.
"""

from __future__ import annotations

from builder.core.errors import HandbookError


class RegisterError(HandbookError):
    """Base: something the caller asked for cannot be done; ``str(e)`` is the message.

    A :class:`~builder.core.errors.HandbookError` (exit code 2), so the main CLI prints it as
    one line like any other user mistake."""


class InvalidInput(RegisterError):
    """An argument is malformed (a number, a month, a role, an empty reason …)."""


class NotFound(RegisterError):
    """No record, user or due date matches."""


class Conflict(RegisterError):
    """The record's state does not allow this (already voided, open 回访 before 消单 …)."""


class PermissionDenied(RegisterError):
    """The role may not do this (see :data:`builder.register.accounts.PERMISSIONS`)."""


class ConfigError(RegisterError):
    """The data folder, database URL or key file cannot be used as configured."""
