"""Reprint equality with the real forms: a record issued from a real FormSpec reprints as the
same document (DOCX text and values) after the form's template has changed.

This is the one register test that uses the rest of ``builder`` (the forms, to render): it
shows the wiring the forms will use — ``spec.model_dump(mode="json")`` in, and
``FormSpec.model_validate(reprint.spec)`` out.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from register_fixtures import ID_A

ROOT = Path(__file__).resolve().parent.parent

try:  # the restructured package, else the flat modules of today
    from builder.core.formspec import FormSpec, load_specs  # type: ignore[import-not-found]
    from builder.forms.output import render  # type: ignore[import-not-found]
    from builder.forms.validate import validate  # type: ignore[import-not-found]
except ImportError:
    from builder.form_output import render
    from builder.formspec import FormSpec, load_specs

    from builder.forms import validate


def docx_text(data: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    return re.sub(r"\s+", " ", " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def test_reprint_is_the_document_first_issued(reg):
    specs, _ = load_specs(ROOT / "forms")
    spec = specs["yezhu-baoxiu-dan"]
    values = validate(spec, {"room": "5栋1单元802", "owner_name": "张三丰", "phone": "13812345678",
                             "report_time": "2026-04-21 09:30", "category": "房屋渗漏水",
                             "description": "卫生间天花板渗水",
                             "materials": [{"item": "水管", "qty": "2", "price": "35.5"}],
                             "done_date": "2026-04-23"})
    first_doc = docx_text(render(spec, values, "docx"))
    issued = reg.issue(spec.id, spec.code, spec.title, spec.model_dump(mode="json"), values,
                       issued_by="前台小王", due=dt.date(2026, 4, 30))

    # the template changes: a new title, and a field relabelled
    changed = spec.model_copy(update={"title": "业主报修单(2027版)"}, deep=True)
    changed.fields[changed.fields.index(changed.field("description"))] = changed.field("description").model_copy(
        update={"label": "故障描述"})
    assert docx_text(render(changed, values, "docx")) != first_doc

    r = reg.reprint_data(issued.number, by="前台小王")
    again = FormSpec.model_validate(r.spec)
    assert again == spec and r.values == values
    assert docx_text(render(again, r.values, "docx")) == first_doc


def test_id_numbers_from_a_real_form_are_sealed(reg):
    specs, _ = load_specs(ROOT / "forms")
    spec = specs["yehu-ziliao-a"]
    snapshot = spec.model_dump(mode="json")
    id_fields = [f["name"] for f in snapshot["fields"] if f["type"] == "id_number"]
    id_fields += [f"{f['name']}/0/{c['name']}" for f in snapshot["fields"] for c in f.get("columns") or []
                  if c["type"] == "id_number"]
    assert id_fields  # the form has ID numbers, top-level or in its family table
    values = {f.name: None for f in spec.fields}
    for path in id_fields:
        name, *rest = path.split("/")
        if rest:
            values[name] = [{rest[1]: ID_A}]
        else:
            values[name] = ID_A
    n = reg.issue(spec.id, spec.code, spec.title, snapshot, values, issued_by="x").number
    with reg.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT data FROM records").scalar_one()
    assert ID_A not in str(raw)
    assert reg.reprint_data(n, by="x").values == values
