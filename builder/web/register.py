"""The register's pages on the web app (a Flask Blueprint; only with the register on).

Routes (all need a logged-in account, :mod:`builder.web.auth`)
    ``GET  /register``                     search by number, room, owner, phone, form, dates
    ``GET  /register/<number>``            one record: values (ID numbers masked), 回访, history
    ``GET  /register/<number>/reprint.pdf``  the document as issued (also ``.docx``)
    ``POST /register/<number>/visit``      record a 回访 result (前台)
    ``POST /register/<number>/close``      消单 (前台)
    ``POST /register/<number>/void``       作废 with a reason (主管)
    ``GET|POST /register/<number>/correct``  更正: the record on its own form, a new number (主管)
    ``GET  /register/followups``           今日回访 / 已逾期 (``?due=overdue``)
    ``GET  /register/ledger.xlsx``         the 台帐 of a form for a month (主管)

Lists show owners and phones masked (the register masks them); the record page shows the
values a clerk needs to call back, ID numbers masked. Nothing typed is logged; the register's
audit log keeps who did what to which number, and when.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from builder.core.paths import TEMPLATES_DIR
from builder.web.auth import need, register_of

bp = Blueprint("register", __name__, template_folder=str(TEMPLATES_DIR))

#: a record's history in plain Chinese
ACTIONS = {"issued": "开单", "voided": "作废", "superseded": "已更正为", "supersedes": "更正自", "visited": "登记回访",
           "closed": "消单", "purged": "清除个人信息"}


def _reg() -> Any:
    reg = register_of()
    if reg is None:
        abort(404)
    return reg


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _forms() -> dict[str, str]:
    from builder.web.forms import catalogue

    return {s.id: s.title for s in sorted(catalogue().specs.values(), key=lambda s: (s.code or "~", s.id))}


@bp.after_request
def _no_store(resp: Response) -> Response:
    if request.path.startswith("/register"):
        resp.headers["Cache-Control"] = "no-store"
        resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp


@bp.get("/register")
@bp.get("/register/")
def search() -> Any:
    from builder.register import RegisterError

    user = need("view")
    reg = _reg()
    q = {k: (request.args.get(k) or "").strip()[:80] for k in ("number", "room", "name", "phone", "form", "from", "to")}
    asked = any(q.values())
    found: list[Any] = []
    error = None
    if asked:
        try:
            found = reg.search(number=q["number"] or None, room=q["room"] or None, name=q["name"] or None,
                               phone=q["phone"] or None, form=q["form"] or None, date_from=_date(q["from"]),
                               date_to=_date(q["to"]), limit=200, by=user.name)
        except RegisterError as e:
            error = str(e)
    else:
        found = reg.search(limit=30)
    return render_template("web/register_search.html", q=q, asked=asked, found=found, error=error,
                           forms=_forms(), due_today=len(reg.followups("today")), overdue=len(reg.followups("overdue")))


@bp.get("/register/followups")
def followups() -> Any:
    need("view")
    due = request.args.get("due", "today")
    due = due if due in ("today", "overdue") else "today"
    reg = _reg()
    items = reg.followups(due)
    other = len(reg.followups("overdue" if due == "today" else "today"))
    return render_template("web/register_followups.html", due=due, items=items, other=other, today=reg.today(),
                           done=request.args.get("done", ""))


@bp.get("/register/ledger.xlsx")
def ledger() -> Any:
    from builder.register import RegisterError

    user = need("export")
    form, month = request.args.get("form", ""), request.args.get("month", "")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ledger.xlsx"
        try:
            result = _reg().export_ledger(form, month, out, by=user.name)
        except RegisterError as e:
            return render_template("web/register_refused.html", message=str(e)), 400
        body = out.read_bytes()
    from builder.web.forms import content_disposition

    title = _forms().get(form, form)
    resp = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = content_disposition(f"{title}台帐-{month}.xlsx", "ledger.xlsx")
    resp.headers["X-Rows"] = str(result.rows)
    return resp


@bp.get("/register/<number>")
def record(number: str) -> Any:
    from builder.register import RegisterError

    user = need("view")
    try:
        d = _reg().show(number, by=user.name)
    except RegisterError:
        abort(404)
    from builder.web.forms import catalogue

    spec = catalogue().specs.get(d.summary.form_id)
    labels = {f.name: f.label for f in spec.fields} if spec is not None else {}
    tz = _reg().tz
    return render_template("web/register_record.html", d=d, s=d.summary, labels=labels, actions=ACTIONS,
                           when=lambda at: at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                           done=request.args.get("done", ""), error=request.args.get("error", ""))


@bp.get("/register/<number>/reprint.<ext>")
def reprint(number: str, ext: str) -> Any:
    from builder.web.forms import FORMATS, _reprints

    if ext not in FORMATS:
        abort(404)
    return _reprints([number], ext)


def _act(number: str, action: str, do: Any, done: str) -> Any:
    from builder.register import RegisterError

    user = need(action)
    try:
        do(_reg(), user.name)
    except RegisterError as e:
        return redirect(url_for("register.record", number=number, error=str(e)))
    back = request.form.get("_back")
    if back == "followups":
        return redirect(url_for("register.followups", due=request.form.get("_due", "today"), done=number))
    return redirect(url_for("register.record", number=number, done=done))


@bp.post("/register/<number>/visit")
def visit(number: str) -> Any:
    result = (request.form.get("result") or "").strip()
    close = bool(request.form.get("close"))

    def do(reg: Any, by: str) -> None:
        reg.visit(number, result=result, by=by, label=request.form.get("label") or None)
        if close:
            reg.close(number, by=by)
    return _act(number, "followup", do, "已登记回访并消单" if close else "已登记回访")


@bp.post("/register/<number>/close")
def close(number: str) -> Any:
    return _act(number, "followup", lambda reg, by: reg.close(number, by=by, note=request.form.get("note") or None),
                "已消单")


@bp.post("/register/<number>/void")
def void(number: str) -> Any:
    return _act(number, "void", lambda reg, by: reg.void(number, reason=request.form.get("reason") or "", by=by),
                "已作废")


@bp.route("/register/<number>/correct", methods=["GET", "POST"])
def correct(number: str) -> Any:
    """A 主管 corrects a record on its own form (the template it was issued with): a new
    number, the old record marked 已更正 with the reason."""
    from builder.forms.registering import due_of, spec_of_snapshot
    from builder.forms.validate import FormInputError, validate, values_from_form
    from builder.register import RegisterError
    from builder.web.forms import FORMATS, _document, _fill_row_gaps, _not_issued, _page, as_inputs

    user = need("supersede")
    try:
        r = _reg().reprint_data(number, by=user.name)
    except RegisterError:
        abort(404)
    spec = spec_of_snapshot(r.spec)
    if request.method == "GET":
        return _page(spec, as_inputs(spec, r.values), errors=[], correcting=r)
    fmt = request.form.get("_format", "pdf")
    fmt = fmt if fmt in FORMATS else "pdf"
    try:
        values = validate(spec, values_from_form(spec, _fill_row_gaps(spec, request.form)))
    except FormInputError as e:
        return _page(spec, request.form, errors=e.errors, fmt=fmt, correcting=r), 400
    if request.form.get("_preview"):
        return _document(spec, values, fmt, preview=True)
    try:
        new = _reg().supersede(number, values, reason=request.form.get("_reason") or "", by=user.name,
                               due=due_of(values))
    except Exception as e:  # noqa: BLE001 - see builder.web.forms._not_issued
        return _not_issued(spec, e)
    resp = _document(spec, values, fmt, number=new.number)
    resp.headers["X-Register-Number"] = new.number
    return resp
