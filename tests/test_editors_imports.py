"""The editors' 导入记录 page: what each import of a manual's document did, from the items'
import records (a real import of the M09 fixture into a copy of content/)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import importer_docs as docs
import pytest
from conftest import ROOT

from builder.core.check import load_valid
from builder.importer.plan import import_file
from builder.site.markup import esc
from builder.site.pages import Site

DAY = dt.date(2027, 1, 5)


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("imports")
    shutil.copytree(ROOT / "content", tmp / "content")
    import_file(docs.m09_typed(tmp / "客服部工作手册范文.docx"), tmp / "content", on=DAY, by="王丽")
    return tmp / "content"


def test_the_import_records_page_lists_the_run_and_what_it_filled(imported: Path) -> None:
    content = load_valid(imported, ROOT / "forms")
    pages = Site(content, {}).pages()
    page = pages["editors/imports.md"]
    assert "## 2027-01-05 《客服部物业服务中心工作手册范文》" in page
    assert "- 导入人：王丽" in page and "M09" in page
    assert "<code>客服部工作手册范文.docx</code>" in page
    filled = {i.id for i in content if i.imported and i.imported.action == "filled"}
    assert {"baokan-shoufa", "wenyuan"} <= filled
    for item_id in filled:
        item = content.items[item_id]
        # each filled item is named, linked to its staff page, with the heading it came from
        row = next(line for line in page.splitlines() if f"`{item_id}`" in line)
        assert row.startswith("| 补写待编写条目 |") and f"]({'../' + {'role': 'roles', 'procedure': 'procedures', 'policy': 'policies'}[item.kind]}/{item_id}.md)" in row
        assert "草稿" in row
    unplaced = {i.id: i.imported.unplaced for i in content if i.imported and i.imported.unplaced}
    assert unplaced, "the fixture leaves text no field holds"
    for item_id, texts in unplaced.items():
        assert f"{{#unplaced-{item_id}}}" in page
        assert all(f"> {esc(t)}" in page for t in texts)
    assert "(imports.md)" in pages["editors/index.md"]
    assert '<a href="/editors/drafts">' in pages["editors/index.md"] and "handbook serve" in pages["editors/index.md"]


def test_nothing_imported_says_so() -> None:
    from conftest import FIXTURES

    content = load_valid(FIXTURES / "good_content", FIXTURES / "good_forms")
    page = Site(content, {}).pages()["editors/imports.md"]
    assert "共 0 次导入" in page and "还没有导入过" in page
