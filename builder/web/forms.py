"""The fillable forms on the local web app (``handbook serve``): a Flask Blueprint.

Routes
    ``GET  /forms``                  every form, grouped by the procedure that uses it
    ``GET  /forms/<id>``             an HTML form generated from the form's schema
    ``POST /forms/<id>``             validate; 400 with every error next to its field and
                                     everything typed kept, or the filled DOCX / PDF
    ``GET  /forms/<id>/blank.pdf``   the blank form for printing (also ``blank.docx``)

The page is drawn from the same layout blocks the renderers draw (grid, table, checklist,
pledge, signatures, notes), so a field sits where it sits on paper. Validation is
:func:`builder.forms.validate.validate`, the one every entry point uses; input names are those of
:func:`builder.forms.validate.values_from_form` (``materials-0-item``, ``checks-3``).

Privacy and safety: nothing typed is ever logged (no request bodies, no query strings,
no exception messages that could carry a value); Jinja2 autoescapes every value; a request
whose ``Origin`` header names another site is refused, and with the register on every POST
carries the session's CSRF token (:mod:`builder.web.auth`); pages with owner data are sent
``Cache-Control: no-store``.

With the register on (``create_app``), a submitted form is issued as the logged-in clerk
and its number printed on it (``X-Register-Number`` names it); ``_preview`` prints 预览 and
stores nothing; ``_reprint=NUMBER`` draws a record just issued again (the DOCX beside the PDF).

The specs are loaded once per app and reloaded when a file under ``forms/`` changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request

from builder.core.formspec import PLACEHOLDER, FieldSpec, FormSpec
from builder.core.paths import ASSETS_DIR, CONTENT_DIR, FORMS_DIR, TEMPLATES_DIR
from builder.core.project import load_project
from builder.core.urls import item_url
from builder.web.auth import need, register_of

log = logging.getLogger(__name__)

bp = Blueprint(
    "forms", __name__,
    template_folder=str(TEMPLATES_DIR),
    static_folder=str(ASSETS_DIR / "web"),
    static_url_path="/forms/_static",
)

FORMATS = {"pdf": ("application/pdf", "PDF"), "docx": (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)")}
#: table rows shown on an empty form (JS adds more; without JS these are what there is)
EMPTY_TABLE_ROWS = 3
#: rows beyond max_rows still drawn back (and gap-filled) after a post with too many rows
ROW_SLACK = 20
#: choice fields with at most this many choices are radio buttons, more are a <select>
RADIO_MAX = 6


# --- the catalogue, loaded once and reloaded when forms/ changes ---------------------
@dataclass
class Catalogue:
    specs: dict[str, FormSpec]
    problems: list[Any]                 # the form definitions' own problems
    procedures: dict[str, str]          # procedure id → title (from content/procedures)
    packs: dict[str, Any] = field(default_factory=dict)     # forms/packs.yaml
    library: dict[str, str] = field(default_factory=dict)   # shared field name → its library label
    stamp: tuple = field(default=())
    header: Any = None                  # layout.Header from content/profile.yaml: company and logo above each title


def _stamp(forms_dir: Path, content_dir: Path) -> tuple:
    paths = sorted(forms_dir.glob("*.yaml")) + sorted(forms_dir.glob("*/form.yaml"))
    paths += sorted(content_dir.glob("*.yaml")) + sorted((content_dir / "procedures").glob("*.yaml"))
    paths += sorted((content_dir / "assets").glob("*"))  # the profile's logo
    out = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


_lock = threading.Lock()


def catalogue() -> Catalogue:
    app = current_app
    forms_dir = Path(app.config.get("FORMS_DIR", FORMS_DIR))
    content_dir = Path(app.config.get("CONTENT_DIR", CONTENT_DIR))
    stamp = _stamp(forms_dir, content_dir)
    cat = app.extensions.get("handbook_forms")
    if cat is not None and (cat.stamp == stamp or not app.config.get("FORMS_RELOAD", True)):
        return cat
    with _lock:
        cat = app.extensions.get("handbook_forms")
        if cat is None or cat.stamp != stamp:
            project = load_project(content_dir, forms_dir)
            problems = [p for p in project.problems if p.path.startswith(forms_dir.name + "/")]
            from builder.forms.layout import Header

            cat = Catalogue(project.specs, problems,
                            {i.id: i.title for i in project.content.of_kind("procedure")},
                            project.complete_packs(), project.field_labels, stamp,
                            header=Header.from_profile(project.content.profile, content_dir))
            app.extensions["handbook_forms"] = cat
            if problems:  # file names and keys only: form definitions hold no owner data
                log.warning("forms/: %d problem(s) in the form definitions; run `handbook check`", len(problems))
    return cat


def _spec(form_id: str) -> FormSpec:
    spec = catalogue().specs.get(form_id)
    if spec is None:
        abort(404)
    return spec


# --- refuse foreign origins; never cache owner data -----------------------------------
@bp.before_request
def _same_origin():
    origin = request.headers.get("Origin")
    if origin is None:  # same-origin navigations and non-browser clients send none
        return None
    parts = urlsplit(origin)
    if origin == "null" or parts.netloc != request.host:
        return Response("拒绝跨站请求: 请在本机打开表单页面后提交。", status=403,
                        mimetype="text/plain")
    return None


@bp.after_request
def _no_store(resp: Response) -> Response:
    if request.method == "POST" or request.endpoint in ("forms.fill",):
        resp.headers["Cache-Control"] = "no-store"
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")  # no-referrer makes Chromium post Origin: null
    return resp


# --- the list -------------------------------------------------------------------------
@bp.get("/forms")
@bp.get("/forms/")
def index():
    """Each form once, under the procedure it lists first (the one that mainly uses it);
    the other procedures that use it are named on its line. Groups with more forms first."""
    cat = catalogue()
    groups: dict[str, list[FormSpec]] = {}
    others: list[FormSpec] = []
    for spec in sorted(cat.specs.values(), key=lambda s: (s.code or "~", s.id)):
        if spec.procedures:
            groups.setdefault(spec.procedures[0], []).append(spec)
        else:
            others.append(spec)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), cat.procedures.get(kv[0], kv[0])))
    sections = [{"id": p, "title": cat.procedures.get(p, p), "url": _proc_url(cat, p), "forms": forms}
                for p, forms in ordered]
    if others:
        sections.append({"id": "", "title": "其他表单(不属于某个流程)", "url": None, "forms": others})
    also = {spec.id: [(cat.procedures.get(p, p), _proc_url(cat, p)) for p in spec.procedures[1:]]
            for spec in cat.specs.values()}
    return render_template("web/forms_index.html", sections=sections, also=also, count=len(cat.specs),
                           problems=len(cat.problems), packs=cat.packs, specs=cat.specs)


def _proc_url(cat: Catalogue, procedure_id: str) -> str | None:
    return item_url("procedure", procedure_id) if procedure_id in cat.procedures else None


# --- one form -------------------------------------------------------------------------
@bp.get("/forms/<form_id>")
def fill(form_id: str):
    spec = _spec(form_id)
    return _page(spec, _initial(spec), errors=[])


@bp.post("/forms/<form_id>")
def submit(form_id: str):
    """Validate; the PDF (shown in the browser, ready to print) or the DOCX. The page's
    script posts here twice on success, the second time for the DOCX it offers beside the
    PDF; without the script the browser opens the PDF itself."""
    from builder.forms.validate import FormInputError, validate, values_from_form

    spec = _spec(form_id)
    fmt = request.form.get("_format", "pdf")
    if fmt not in FORMATS:
        fmt = "pdf"
    reg = register_of()
    if reg is not None and request.form.get("_reprint"):  # the DOCX beside a form just issued
        return _reprints([request.form["_reprint"]], fmt)
    data = values_from_form(spec, _fill_row_gaps(spec, request.form))
    try:
        values = validate(spec, data)
    except FormInputError as e:
        return _page(spec, request.form, errors=e.errors, fmt=fmt), 400
    if reg is None or request.form.get("_preview"):
        return _document(spec, values, fmt, preview=reg is not None)
    from builder.forms.registering import issue_args

    user = need("issue")
    try:
        issued = reg.issue(**issue_args(spec, values), issued_by=user.name)
    except Exception as e:  # noqa: BLE001 - a register error's message names no personal value; others: the type
        return _not_issued(spec, e)
    resp = _document(spec, values, fmt, number=issued.number)
    resp.headers["X-Register-Number"] = issued.number
    return resp


def _not_issued(spec: FormSpec, e: Exception) -> Response:
    """The register refused or could not be reached: nothing issued, nothing printed. A
    :class:`RegisterError`'s message is shown (it names no personal value); anything else
    (the database locked or gone) is logged by its type only and is a 503."""
    from builder.register import RegisterError

    if isinstance(e, RegisterError):
        return Response(render_template("web/register_refused.html", message=f"没有开单: {e}"), status=400,
                        mimetype="text/html")
    log.error("form %s: the register could not issue it (%s)", spec.id, type(e).__name__)
    return Response(render_template("web/register_refused.html", message="台帐数据库暂时不可用, 没有开单, 请稍后再试。"),
                    status=503, mimetype="text/html")


def _reprints(numbers: list[str], fmt: str) -> Response:
    """Records just issued, drawn again from the register (the DOCX or ZIP offered beside the
    PDF): the same numbers, never new ones."""
    import io
    import zipfile

    from builder.forms.layout import with_header
    from builder.forms.naming import output_name
    from builder.forms.registering import spec_of_snapshot
    from builder.register import RegisterError
    from builder.web.render import render_document

    user = need("reprint")
    reg = register_of()
    try:
        found = [reg.reprint_data(n.strip(), by=user.name) for n in numbers[:20] if n.strip()]
    except RegisterError:
        abort(404)
    if not found:
        abort(404)
    drawn = [(spec_of_snapshot(r.spec), with_header(r.values, _header(r.number)))
             for r in found]
    if fmt in FORMATS and len(drawn) == 1:
        spec, values = drawn[0]
        return _file(render_document(spec, values, fmt), fmt, output_name(spec, values, fmt))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (spec, values) in enumerate(drawn, start=1):
            for part in ("pdf", "docx"):
                z.writestr(f"{i:02d}-{output_name(spec, values, part)}", render_document(spec, values, part))
    resp = Response(buf.getvalue(), mimetype="application/zip")
    resp.headers["Content-Disposition"] = content_disposition(f"{found[0].number}.zip", "forms.zip")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _fill_row_gaps(spec: FormSpec, form: Any) -> Any:
    """Table rows are numbered by their input index (``materials-4-qty`` is row 5), and the
    validator numbers rows by position: a post that skips an index (row 4 missing) gets an
    empty row there, so every error lands on the row the clerk sees."""
    from werkzeug.datastructures import MultiDict

    out = None
    for f in spec.fields:
        if f.type != "table":
            continue
        pat = re.compile(re.escape(f.name) + r"-(\d+)-[a-z][a-z0-9_]*$")
        seen = {int(m.group(1)) for k in form if (m := pat.match(k))}
        if not seen:
            continue
        for i in range(min(max(seen), f.max_rows + ROW_SLACK)):
            if i not in seen:
                out = out if out is not None else MultiDict(form)
                out.add(f"{f.name}-{i}-{f.columns[0].name}", "")
    return form if out is None else out


@bp.get("/forms/<form_id>/blank.<ext>")
def blank(form_id: str, ext: str):
    spec = _spec(form_id)
    if ext not in FORMATS:
        abort(404)
    return _document(spec, None, ext)


def _header(number: str = "", preview: bool = False) -> Any:
    return dataclasses.replace(catalogue().header, number=number, preview=preview)


def _document(spec: FormSpec, values: dict[str, Any] | None, fmt: str, *, number: str = "",
              preview: bool = False) -> Response:
    from builder.forms.layout import with_header
    from builder.forms.naming import output_name
    from builder.web.render import RenderRefused, render_document

    try:
        body = render_document(spec, with_header(values, _header(number, preview)), fmt)  # in a worker, with a deadline
    except RenderRefused as e:
        return _refused(spec, fmt, e)
    except Exception as e:  # noqa: BLE001 - the message may carry owner data: log its type only
        log.error("form %s: rendering %s failed (%s)", spec.id, fmt, type(e).__name__)
        return Response(render_template("web/forms_error.html", spec=spec, fmt=FORMATS[fmt][1]),
                        status=500, mimetype="text/html")
    return _file(body, fmt, output_name(spec, values, fmt))


def _file(body: bytes, fmt: str, name: str) -> Response:
    """A PDF is shown in the browser (``inline``: the clerk prints it from there), anything
    else is downloaded; both under the Chinese file name."""
    resp = Response(body, mimetype=FORMATS[fmt][0])
    resp.headers["Content-Disposition"] = content_disposition(name, "form." + fmt, inline=fmt == "pdf")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _refused(spec: FormSpec, fmt: str, e: Any) -> Response:
    """A render stopped at its deadline, or no worker free in time: 503, said in Chinese."""
    resp = Response(render_template("web/forms_busy.html", spec=spec, fmt=FORMATS[fmt][1], reason=e.message),
                    status=e.status, mimetype="text/html")
    if e.retry_after:
        resp.headers["Retry-After"] = str(e.retry_after)
    return resp


def content_disposition(name: str, ascii_fallback: str, inline: bool = False) -> str:
    """``attachment`` (or ``inline``) with an ASCII ``filename`` for old clients and the real
    (Chinese) name as RFC 5987 / RFC 6266 ``filename*=UTF-8''…``, which every current
    browser prefers. Every byte outside RFC 5987's attr-char is percent-encoded."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_fallback) or "form"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- a pack: one set of answers for a room fills every form of it ---------------------------
@bp.get("/forms/packs/<name>")
def pack_fill(name: str):
    cat = catalogue()
    pack = cat.packs.get(name) or abort(404)
    return _pack_page(cat, name, pack, None, [], "pdf")


PACK_FORMATS = {"pdf": ("application/pdf", "一个 PDF(按顺序合并, 直接打印)"),
                "zip": ("application/zip", "各表单独的 PDF 和 Word(zip)")}


@bp.post("/forms/packs/<name>")
def pack_submit(name: str):
    """Validate the answers against every form of the pack (each form taking the fields it
    has); on success one PDF of every form in the pack's order (shown, ready to print), or
    with ``_format=zip`` the parts: each form's PDF and DOCX."""
    import io
    import zipfile

    from builder.forms.layout import with_header
    from builder.forms.naming import output_name, pack_output_name
    from builder.forms.render import merge_pdfs
    from builder.forms.validate import check, values_from_form
    from builder.web.render import RenderRefused, render_document

    cat = catalogue()
    pack = cat.packs.get(name) or abort(404)
    fmt = request.form.get("_format", "pdf")
    fmt = fmt if fmt in PACK_FORMATS else "pdf"
    if register_of() is not None and request.form.get("_reprint"):  # the ZIP beside a pack just issued
        return _reprints(request.form["_reprint"].split(","), fmt)
    specs = [cat.specs[fid] for fid in pack.forms]
    data: dict[str, Any] = {}
    for spec in specs:
        for k, v in values_from_form(spec, _fill_row_gaps(spec, request.form)).items():
            if k not in data or (data[k] in (None, "", [], {}, False) and v not in (None, "", [], {}, False)):
                data[k] = v
    cleaned: dict[str, dict[str, Any]] = {}
    errors: list = []
    for spec in specs:
        values, errs, _ = check(spec, data, unknown="ignore")
        cleaned[spec.id] = values
        errors += errs
    if errors:
        return _pack_page(cat, name, pack, request.form, errors, fmt), 400
    reg = register_of()
    headers = {spec.id: _header(preview=reg is not None) for spec in specs}
    numbers: list[str] = []
    if reg is not None and not request.form.get("_preview"):
        from builder.forms.registering import issue_args
        from builder.register import IssueRequest

        user = need("issue")
        try:
            issued = reg.issue_many([IssueRequest(**issue_args(spec, cleaned[spec.id])) for spec in specs],
                                    issued_by=user.name)
        except Exception as e:  # noqa: BLE001 - see _not_issued
            return _not_issued(specs[0], e)
        numbers = [i.number for i in issued]
        headers = {spec.id: _header(i.number) for spec, i in zip(specs, issued)}
    try:
        if fmt == "pdf":
            body = merge_pdfs([render_document(spec, with_header(cleaned[spec.id], headers[spec.id]), "pdf")
                               for spec in specs])
        else:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for i, spec in enumerate(specs, start=1):
                    for part in ("pdf", "docx"):
                        body = render_document(spec, with_header(cleaned[spec.id], headers[spec.id]), part)
                        z.writestr(f"{i:02d}-{output_name(spec, cleaned[spec.id], part)}", body)
            body = buf.getvalue()
    except RenderRefused as e:
        return _refused(specs[0], fmt if fmt == "pdf" else "pdf", e)
    except Exception as e:  # noqa: BLE001 - log the type only: the message may carry owner data
        log.error("pack %s: rendering %s failed (%s)", name, fmt, type(e).__name__)
        return Response(render_template("web/forms_error.html", spec=specs[0], fmt="PDF"),
                        status=500, mimetype="text/html")
    resp = Response(body, mimetype=PACK_FORMATS[fmt][0])
    resp.headers["Content-Disposition"] = content_disposition(
        pack_output_name(pack, cleaned, fmt), "pack." + fmt, inline=fmt == "pdf")
    resp.headers["Cache-Control"] = "no-store"
    if numbers:
        resp.headers["X-Register-Number"] = ",".join(numbers)
    return resp


def pack_layout(cat: Catalogue, pack: Any) -> tuple[list[FieldSpec], list[tuple[FormSpec, list[Section]]]]:
    """The pack's page: the fields two or more of its forms share, once, at the top (under
    the library's label, required if any form requires it); then each form with the rest."""
    specs = [cat.specs[fid] for fid in pack.forms]
    count: dict[str, int] = {}
    first: dict[str, FieldSpec] = {}
    required: dict[str, bool] = {}
    for spec in specs:
        for f in spec.fields:
            count[f.name] = count.get(f.name, 0) + 1
            first.setdefault(f.name, f)
            required[f.name] = required.get(f.name, False) or f.required
    shared = [
        first[n].model_copy(update={"label": cat.library.get(n, first[n].label), "required": required[n]})
        for n in first if count[n] > 1 and first[n].type not in ("table", "checklist")
    ]
    shown = {f.name for f in shared}
    per_form: list[tuple[FormSpec, list[Section]]] = []
    for spec in specs:
        kept: list[Section] = []
        for s in sections(spec):
            if s.kind in ("grid", "signatures", "table", "checklist"):
                fields_ = [f for f in s.fields if f.name not in shown]
                shown.update(f.name for f in fields_)
                if not fields_:
                    continue
                s = Section(s.kind, fields_, s.text, s.parts, s.columns)
            kept.append(s)
        per_form.append((spec, kept))
    return shared, per_form


def _pack_page(cat: Catalogue, name: str, pack: Any, source: Any, errors: list, fmt: str) -> str:
    shared, per_form = pack_layout(cat, pack)
    labels = {f.name: f.label for f in shared}
    by_key: dict[str, list] = {}
    summary: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    titles = {fid: cat.specs[fid].title for fid in pack.forms}
    for e in errors:
        if (e.key, e.message) in seen:  # a shared field is checked by every form that has it
            continue
        seen.add((e.key, e.message))
        by_key.setdefault(e.key, []).append(e)
        if e.row is not None and e.column is None:
            by_key.setdefault(e.field, []).append(e)
        where = labels.get(e.field) if e.key in labels else None
        if where is None:
            owner = next((fid for fid in pack.forms if e.field in {f.name for f in cat.specs[fid].fields}), "")
            where = f"{titles.get(owner, '')} · {e.where}"
        summary.append((e.key, where, e.message))
    return render_template(
        "web/form_pack.html", name=name, pack=pack, shared=shared, per_form=per_form,
        v=Values(source if source is not None else {}), summary=summary, by_key=by_key, fmt=fmt,
        formats=PACK_FORMATS, date_ok=_iso_date_ok, radio_max=RADIO_MAX, ui=_ui_of(per_form_specs(cat, pack)),
    )


# --- drawing the page -----------------------------------------------------------------
def _initial(spec: FormSpec) -> dict[str, Any]:
    """What an empty form shows: the fields' defaults."""
    out: dict[str, Any] = {}
    for f in spec.fields:
        if f.default is not None and f.type not in ("table", "checklist", "multichoice"):
            out[f.name] = str(f.default)
    return out


class Values:
    """What the page shows in each input: the raw text typed (a werkzeug MultiDict after
    a failed post), never the cleaned value, so nothing typed is lost or reformatted."""

    def __init__(self, source: Any):
        self.source = source

    def get(self, name: str) -> str:
        v = self.source.get(name) if self.source is not None else None
        return "" if v is None else str(v)

    def getlist(self, name: str) -> list[str]:
        if hasattr(self.source, "getlist"):
            return [str(v) for v in self.source.getlist(name)]
        v = self.source.get(name) if self.source is not None else None
        if v is None:
            return []
        return [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]

    def checked(self, name: str) -> bool:
        vals = self.getlist(name)
        return bool(vals) and vals[-1].strip().lower() not in ("", "0", "off", "false", "否")

    def rows(self, f: FieldSpec) -> int:
        """Rows to draw for a table field: every row posted (blank or not), at least a few."""
        pat = re.compile(re.escape(f.name) + r"-(\d+)-[a-z][a-z0-9_]*$")
        top = -1
        keys = self.source.keys() if self.source is not None else []
        for k in keys:
            m = pat.match(k)
            if m:
                top = max(top, int(m.group(1)))
        want = max(top + 1, f.min_rows, min(EMPTY_TABLE_ROWS, f.max_rows))
        return min(want, f.max_rows + ROW_SLACK)  # a crafted post (row 99999) draws no flood


@dataclass
class Section:
    kind: str                       # heading, grid, table, checklist, pledge, signatures, notes
    fields: list[FieldSpec] = field(default_factory=list)
    text: str | None = None
    parts: list[list[tuple[str, str]]] = field(default_factory=list)   # pledge: paragraphs of (text, label)
    columns: int = 2


def sections(spec: FormSpec) -> list[Section]:
    """The layout blocks as page sections; a field that appears only as a {blank} in a
    pledge gets its input right under the text; a field no block draws comes last."""
    drawn: set[str] = set()
    for b in spec.layout:
        if b.block in ("grid", "signatures"):
            drawn.update(b.fields)
        elif b.field:
            drawn.add(b.field)
    out: list[Section] = []
    for b in spec.layout:
        if b.block == "title":
            continue
        if b.block == "heading":
            out.append(Section("heading", text=b.text))
        elif b.block == "grid":
            out.append(Section("grid", [spec.field(n) for n in b.fields], columns=b.columns))
        elif b.block in ("table", "checklist"):
            out.append(Section(b.block, [spec.field(b.field)]))  # type: ignore[arg-type]
        elif b.block == "signatures":
            out.append(Section("signatures", [spec.field(n) for n in b.fields]))
        elif b.block == "notes":
            out.append(Section("notes", text=_blanks_as_labels(spec, b.text or "")))
        elif b.block == "pledge":
            text = b.text or ""
            blanks = [n for n in dict.fromkeys(PLACEHOLDER.findall(text)) if n not in drawn]
            out.append(Section("pledge", parts=_pledge_parts(spec, text)))
            if blanks:
                out.append(Section("grid", [spec.field(n) for n in blanks], columns=2))
                drawn.update(blanks)
    rest = [f for f in spec.fields if f.name not in drawn and
            not any(f.name in PLACEHOLDER.findall(b.text or "") for b in spec.layout)]
    if rest:
        out.append(Section("grid", rest, columns=1))
    return out


def _pledge_parts(spec: FormSpec, text: str) -> list[list[tuple[str, str]]]:
    """The pledge as paragraphs of (text, blank) pairs: the page shows each blank as 【label】."""
    paragraphs: list[list[tuple[str, str]]] = []
    for line in text.split("\n"):
        parts: list[tuple[str, str]] = []
        pos = 0
        for m in PLACEHOLDER.finditer(line):
            try:
                label = spec.field(m.group(1)).label
            except KeyError:
                label = m.group(1)
            parts.append((line[pos:m.start()], label))
            pos = m.end()
        parts.append((line[pos:], ""))
        paragraphs.append(parts)
    return paragraphs


def _blanks_as_labels(spec: FormSpec, text: str) -> str:
    def label(m: re.Match) -> str:
        try:
            return f"【{spec.field(m.group(1)).label}】"
        except KeyError:
            return m.group(0)

    return PLACEHOLDER.sub(label, text)


def _page(spec: FormSpec, source: Any, errors: list, fmt: str = "pdf", correcting: Any = None) -> str:
    """The form's page; ``correcting``: the record (a ``Reprint``) a 主管 is correcting, whose
    template and values the page shows, posted to ``/register/<number>/correct`` with a reason."""
    by_key: dict[str, list] = {}
    for e in errors:
        by_key.setdefault(e.key, []).append(e)
        if e.row is not None and e.column is None:  # a row-level problem: shown at the table
            by_key.setdefault(e.field, []).append(e)
    return render_template(
        "web/form_fill.html", spec=spec, sections=sections(spec), v=Values(source),
        errors=errors, summary=[(e.key, e.where, e.message) for e in errors],
        by_key=by_key, fmt=fmt, formats=FORMATS, widget=widget_kind,
        date_ok=_iso_date_ok, radio_max=RADIO_MAX, procedures=catalogue().procedures,
        proc_url=lambda p: item_url("procedure", p), ui=_ui_of([spec]), correcting=correcting,
    )


def as_inputs(spec: FormSpec, values: dict[str, Any]) -> Any:
    """Stored values → the inputs a page shows (the inverse of :func:`values_from_form`), so a
    record can be corrected on its own form."""
    import decimal

    from werkzeug.datastructures import MultiDict

    def text(v: Any) -> str:
        if isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%dT%H:%M")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, dt.time):
            return v.strftime("%H:%M")
        if isinstance(v, decimal.Decimal):
            return format(v, "f")
        return "" if v is None else str(v)

    out: MultiDict = MultiDict()
    for f in spec.fields:
        v = values.get(f.name)
        if v in (None, "", [], {}):
            continue
        if f.type == "checkbox":
            if v:
                out.add(f.name, "1")
        elif f.type == "multichoice":
            for x in v:
                out.add(f.name, text(x))
        elif f.type == "checklist":
            for i, item in enumerate(f.items):
                if item in v:
                    out.add(f"{f.name}-{i}", text(v[item]))
        elif f.type == "table":
            for r, row in enumerate(v):
                for c in f.columns:
                    x = row.get(c.name)
                    if c.type == "checkbox":
                        if x:
                            out.add(f"{f.name}-{r}-{c.name}", "1")
                    elif c.type == "multichoice":
                        for y in x or []:
                            out.add(f"{f.name}-{r}-{c.name}", text(y))
                    elif x not in (None, ""):
                        out.add(f"{f.name}-{r}-{c.name}", text(x))
        else:
            out.add(f.name, text(v))
    return out


def per_form_specs(cat: Catalogue, pack: Any) -> list[FormSpec]:
    return [cat.specs[fid] for fid in pack.forms]


def _ui_of(specs: list[FormSpec]) -> dict[str, Any]:
    """What the page's script needs per field: prefilled with now, remembered in the
    browser, computed (read-only), shown only when another field has a value."""
    from builder.forms.rules import computed_fields, conditional_fields

    prefill: set[str] = set()
    remember: set[str] = set()
    computed: dict[str, str] = {}   # field → JSON {base, by, days} for the page's script
    shown_if: dict[str, tuple[str, str]] = {}
    for spec in specs:
        for f in spec.fields:
            if f.prefill:
                prefill.add(f.name)
            if f.remember:
                remember.add(f.name)
        for name, r in computed_fields(spec).items():
            computed[name] = json.dumps({"kind": r.rule, "base": r.base, "by": r.by, "days": r.days}, ensure_ascii=False)
        for name, c in conditional_fields(spec).items():
            if isinstance(c.equals, str):
                shown_if[name] = (c.field, c.equals)
    return {"prefill": prefill, "remember": remember, "computed": computed, "shown_if": shown_if}


def widget_kind(f: FieldSpec) -> str:
    """The input drawn for a field type (the template has one macro each)."""
    if f.type == "choice":
        return "radio" if len(f.choices) <= RADIO_MAX else "select"
    return {"multichoice": "checkboxes", "checkbox": "checkbox", "textarea": "textarea",
            "checklist": "checklist", "table": "table"}.get(f.type, "input")


_ISO = {"date": re.compile(r"\d{4}-\d{2}-\d{2}"), "time": re.compile(r"\d{2}:\d{2}(:\d{2})?"),
        "datetime": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")}


def _iso_date_ok(f: FieldSpec, raw: str) -> bool:
    """A date/time input can show ``raw`` only if it is a real ISO value; otherwise the
    page draws a text input, so what was typed (2026-02-30) stays visible and editable."""
    if not raw or f.type not in _ISO:
        return True
    if not _ISO[f.type].fullmatch(raw):
        return False
    try:
        if f.type == "date":
            dt.date.fromisoformat(raw)
        elif f.type == "datetime":
            dt.datetime.fromisoformat(raw)
        else:
            dt.time.fromisoformat(raw)
    except ValueError:
        return False
    return True
