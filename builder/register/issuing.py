"""Issuing: a validated form becomes a numbered, stored record in one transaction.

Within one write transaction (``BEGIN IMMEDIATE`` on SQLite; the counter row locked
``FOR UPDATE`` on PostgreSQL) the register takes the next number, stores the spec snapshot
once per version, the values (ID numbers sealed), the lookup digests, the due dates, the
history's first event and the audit entry, then commits. Either all of it is stored or none
of it, and the counter only moves when the record is stored: no number is lost or repeated.

A preview is not issued: render it without calling the register (the form shows 预览 where
the number goes).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.dialects import postgresql, sqlite

from .audit import write_audit
from .codec import encode_values, spec_version
from .context import RegisterBase, check_text
from .database import writing
from .errors import InvalidInput
from .numbers import MAX_PREFIX, form_prefix, format_number, next_seq
from .personal import split_values
from .results import Issued
from .schema import dues, events, form_versions, lookups, records

_FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_PREFIX = re.compile(rf"^[A-Z0-9]{{1,{MAX_PREFIX}}}$")
DEFAULT_DUE_LABEL = "回访"

Dues = dt.date | Mapping[str, dt.date] | None


@dataclass(frozen=True)
class IssueRequest:
    """One form to issue; the arguments of :meth:`Issuing.issue` as data (for batches and packs)."""

    form_id: str
    form_code: str | None
    form_title: str
    spec: Mapping[str, Any]
    values: Mapping[str, Any]
    due: Dues = None
    prefix: str | None = None


def check_dues(due: Dues) -> dict[str, dt.date]:
    """``date`` means ``{"回访": date}``; labels up to 20 characters."""
    if due is None:
        return {}
    if isinstance(due, dt.date) and not isinstance(due, dt.datetime):
        return {DEFAULT_DUE_LABEL: due}
    if not isinstance(due, Mapping):
        raise InvalidInput("due: a date, or a mapping of label to date")
    out: dict[str, dt.date] = {}
    for label, when in due.items():
        label = check_text(label, "due label", 20) or DEFAULT_DUE_LABEL
        if not isinstance(when, dt.date) or isinstance(when, dt.datetime):
            raise InvalidInput(f"due {label}: expected a date")
        out[label] = when
    return out


@dataclass
class _Prepared:
    req: IssueRequest
    prefix: str
    version: str
    spec: dict[str, Any]
    clear: dict[str, Any]
    secrets: dict[str, str]
    keys: set[tuple[str, str]]
    room: str | None
    name_masked: str | None
    phone_masked: str | None
    dues: dict[str, dt.date]


def _prepare(req: IssueRequest) -> _Prepared:
    if not isinstance(req.form_id, str) or not _FORM_ID.match(req.form_id):
        raise InvalidInput("form_id: lower-case letters, digits and '-' (at most 80)")
    check_text(req.form_title, "form_title", 100)
    if req.form_code is not None:
        check_text(req.form_code, "form_code", 40)
    if not isinstance(req.spec, Mapping):
        raise InvalidInput("spec: expected the form's spec as a JSON-able mapping")
    prefix = req.prefix or form_prefix(req.form_code, req.form_id)
    if not _PREFIX.match(prefix):
        raise InvalidInput(f"prefix: 1–{MAX_PREFIX} upper-case letters or digits")
    spec = json.loads(json.dumps(req.spec, ensure_ascii=False))  # a private copy, proven JSON-able
    split = split_values(spec, encode_values(req.values))
    return _Prepared(req=req, prefix=prefix, version=spec_version(spec), spec=spec, clear=split.clear,
                     secrets=split.secrets, keys=split.keys, room=split.room,
                     name_masked=split.name_masked, phone_masked=split.phone_masked, dues=check_dues(req.due))


def _insert_version(conn: Connection, version: str, form_id: str, spec: dict[str, Any], at: dt.datetime) -> None:
    values = {"version": version, "form_id": form_id, "snapshot": spec, "first_issued_at": at}
    if conn.dialect.name == "postgresql":
        conn.execute(postgresql.insert(form_versions).values(**values).on_conflict_do_nothing())
    else:
        conn.execute(sqlite.insert(form_versions).values(**values).on_conflict_do_nothing())


class Issuing(RegisterBase):
    #: Tests only: called inside the issuing transaction just before it commits.
    _hook_before_commit: Callable[[], None] | None = None

    def issue(self, form_id: str, form_code: str | None, form_title: str, spec: Mapping[str, Any],
              values: Mapping[str, Any], *, issued_by: str, due: Dues = None,
              prefix: str | None = None) -> Issued:
        """Number and store one filled form; print the returned ``number`` on it.

        ``spec`` is the form's spec as plain JSON data (``FormSpec.model_dump(mode="json")``):
        stored once per version so a reprint draws exactly this template. ``values`` are the
        validated values (strings, numbers, dates, decimals, lists, dicts). ``due`` is the
        回访 due date (or ``{label: date}`` for several). ``prefix`` overrides the one derived
        from ``form_code``.
        """
        req = IssueRequest(form_id, form_code, form_title, spec, values, due, prefix)
        return self.issue_many([req], issued_by=issued_by)[0]

    def issue_many(self, requests: Sequence[IssueRequest], *, issued_by: str) -> list[Issued]:
        """Issue several forms in one transaction (a batch, a pack): all stored, or none."""
        by = check_text(issued_by, "issued_by", 60)
        assert by is not None
        prepared = [_prepare(r) for r in requests]
        if not prepared:
            return []
        stored_versions: set[str] = set()
        with writing(self.engine) as conn:
            issued = self._store(conn, prepared, by, None, stored_versions)
            if self._hook_before_commit is not None:
                self._hook_before_commit()
        self._known_versions |= stored_versions  # committed: no insert for them next time
        return issued

    def _store(self, conn: Connection, prepared: list[_Prepared], by: str, supersedes_id: int | None,
               stored_versions: set[str]) -> list[Issued]:
        """Inside a write transaction: take numbers and insert everything for ``prepared``.

        The form versions inserted are added to ``stored_versions``; the caller remembers them
        in ``_known_versions`` once the transaction has committed.
        """
        now = self._now()  # after the lock: numbers and issue times rise together
        today = self._local_date(now)
        need: dict[str, int] = {}
        for p in prepared:
            need[p.prefix] = need.get(p.prefix, 0) + 1
        first = {prefix: next_seq(conn, prefix, today.year, n) for prefix, n in sorted(need.items())}
        out = []
        for p in prepared:
            seq = first[p.prefix]
            first[p.prefix] += 1
            number = format_number(p.prefix, today.year, seq)
            if p.version not in stored_versions and p.version not in self._known_versions:
                _insert_version(conn, p.version, p.req.form_id, p.spec, now)
                stored_versions.add(p.version)
            sealed = None
            if p.secrets:
                sealed = self.keys.seal(json.dumps(p.secrets, ensure_ascii=False).encode(), number.encode())
            record_id = conn.execute(insert(records).values(
                number=number, prefix=p.prefix, year=today.year, seq=seq, form_id=p.req.form_id,
                form_code=p.req.form_code, form_title=p.req.form_title.strip(), version=p.version,
                data=p.clear, sealed=sealed, room=p.room, name_masked=p.name_masked,
                phone_masked=p.phone_masked, issued_by=by, issued_at=now, issued_on=today,
                status="issued", supersedes_id=supersedes_id,
            ).returning(records.c.id)).scalar_one()
            if p.keys:
                conn.execute(insert(lookups), [
                    {"kind": kind, "digest": self.keys.digest(kind, norm), "record_id": record_id}
                    for kind, norm in sorted(p.keys)])
            if p.dues:
                conn.execute(insert(dues), [{"record_id": record_id, "label": label, "due_on": when}
                                            for label, when in p.dues.items()])
            conn.execute(insert(events).values(record_id=record_id, action="issued", at=now, by=by,
                                               other_id=supersedes_id))
            write_audit(conn, now, by, "issue", number, p.req.form_id)
            out.append(Issued(number=number, form_id=p.req.form_id, version=p.version, issued_at=now,
                              issued_by=by))
        return out
