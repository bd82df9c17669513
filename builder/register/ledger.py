"""Ledgers (台帐): one form's records of one month as an XLSX a supervisor would file.

One sheet, a title row (``业主报修单 台帐 2026年04月``), then one row per record in number
order with Chinese headers: 编号, 开单日期, 开单人, 状态, then each field of the form by its
label (fields of every template version used that month, in the order first seen), then the
follow-up columns (回访截止, 回访日期, 回访结果, 回访人), 消单, and the notes of a void or
correction. ID numbers are masked (440305********351X); names and phones are printed as
the form printed them, since a ledger is the paper record. Written to a temporary file
beside ``out`` and renamed, so a failed export leaves no half file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from .audit import write_audit
from .codec import decode_values
from .context import RegisterBase
from .database import reading, writing
from .errors import InvalidInput, RegisterError
from .finding import PURGED_MARK
from .masking import mask_id
from .personal import merge_secrets
from .results import LedgerResult
from .schema import STATUS_LABELS, dues, events, form_versions, records

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FIXED_HEADERS = ["编号", "开单日期", "开单人", "状态"]
TAIL_HEADERS = ["回访截止", "回访日期", "回访结果", "回访人", "消单日期", "消单人", "作废/更正说明"]


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``2026-04`` → (2026-04-01, 2026-04-30)."""
    m = _MONTH.match((month or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InvalidInput("月份: 应如 2026-04")
    first = dt.date(int(m.group(1)), int(m.group(2)), 1)
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def cell(value: Any, ftype: str = "text") -> Any:
    """A stored value as an XLSX cell: dates stay dates, ticks become 是/否, lists are joined."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date, int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value) if abs(value) < Decimal(10) ** 15 else str(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, Mapping):  # a checklist: item → answer
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        if value and all(isinstance(r, Mapping) for r in value):  # a table's rows
            return "\n".join(", ".join(str(cell(v) or "") for v in r.values()) for r in value)
        return "、".join(str(cell(v)) for v in value)
    return _CONTROL.sub("", str(value))  # XLSX cannot hold control characters


def _write_atomically(out: Path, wb: Any) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Ledger(RegisterBase):
    def export_ledger(self, form: str, month: str, out: Path | str, *, by: str) -> LedgerResult:
        """Write the ledger of form ``form`` (its id) for ``month`` (``2026-04``) to ``out`` (.xlsx)."""
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        out = Path(out)
        if out.suffix.lower() != ".xlsx":
            raise InvalidInput(f"{out.name}: 台帐文件应以 .xlsx 结尾")
        first, last = month_range(month)
        with reading(self.engine) as conn:
            rows = conn.execute(select(records).where(records.c.form_id == form)
                                .where(records.c.issued_on >= first).where(records.c.issued_on <= last)
                                .order_by(records.c.prefix, records.c.year, records.c.seq)).all()
            ids = [r.id for r in rows]
            versions = {v.version: v.snapshot for v in conn.execute(
                select(form_versions.c.version, form_versions.c.snapshot)
                .where(form_versions.c.version.in_({r.version for r in rows})))}
            due_rows: dict[int, list[Any]] = {}
            event_rows: dict[int, list[Any]] = {}
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for d in conn.execute(select(dues).where(dues.c.record_id.in_(chunk)).order_by(dues.c.due_on)):
                    due_rows.setdefault(d.record_id, []).append(d)
                for e in conn.execute(select(events).where(events.c.record_id.in_(chunk)).order_by(events.c.id)):
                    event_rows.setdefault(e.record_id, []).append(e)

        # field columns: every version's fields in first-seen order, labelled by the newest version
        columns: dict[str, tuple[str, str]] = {}
        for r in rows:
            for f in (versions.get(r.version) or {}).get("fields", []):
                if isinstance(f, Mapping) and f.get("type") != "signature" and isinstance(f.get("name"), str):
                    columns[f["name"]] = (str(f.get("label") or f["name"]), str(f.get("type", "text")))
        title = rows[-1].form_title if rows else form

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = f"{first:%Y-%m}"
        headers = FIXED_HEADERS + [label for label, _ in columns.values()] + TAIL_HEADERS
        ws.append([f"{title} 台帐 {first.year}年{first.month:02d}月"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(headers)
        for c in ws[2]:
            c.font = Font(bold=True)
            c.alignment = Alignment(horizontal="center")
        for r in rows:
            secrets = {k: mask_id(v) for k, v in self._secrets(r).items()}
            values = merge_secrets(decode_values(r.data), secrets, missing=PURGED_MARK)
            rdues = due_rows.get(r.id, [])
            revents = event_rows.get(r.id, [])
            closed = next((e for e in revents if e.action == "closed"), None)
            notes = "; ".join(f"{'作废' if e.action == 'voided' else '更正'}: {e.reason or ''}"
                              for e in revents if e.action in ("voided", "superseded"))
            line = [r.number, r.issued_on, r.issued_by, STATUS_LABELS.get(r.status, r.status)]
            line += [cell(values.get(name), ftype) for name, (_, ftype) in columns.items()]
            line += ["\n".join(d.due_on.isoformat() for d in rdues) or None,
                     "\n".join(d.done_on.isoformat() for d in rdues if d.done_on) or None,
                     "\n".join(d.result for d in rdues if d.result) or None,
                     "\n".join(d.done_by for d in rdues if d.done_by) or None,
                     self._local_date(closed.at) if closed else None, closed.by if closed else None, notes or None]
            ws.append(line)
        for row in ws.iter_rows(min_row=3, max_col=2, min_col=2):
            for c in row:
                c.number_format = "yyyy-mm-dd"
        for i, h in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, 2 * len(h) + 4))
        ws.freeze_panes = "B3"
        try:
            _write_atomically(out, wb)
        except OSError as e:
            raise RegisterError(f"{out}: cannot write ({e.strerror or e})") from None
        with writing(self.engine) as conn:
            write_audit(conn, self._now(), by, "export", detail=f"{form} {month} {len(rows)} rows")
        return LedgerResult(path=out, rows=len(rows))
