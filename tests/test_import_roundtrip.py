"""The round trip: a handbook exported as DOCX by `handbook export` and imported again gives the
same items. Each item's heading carries its id (bookmark item-<id>), so the import maps it back
by id; the cover, contents, forms appendix and 修订记录 are not read as manual text.

What the import reports besides "unchanged", and why: a gap has no text to read back (skip), and
facts, laws and cases are kinds the importer does not write (skip). Nothing is created, filled,
proposed or written."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES, ROOT, enrich_fixture_content

from builder.cli.main import main
from builder.core.load import load_content
from builder.importer.plan import import_file
from builder.importer.read_docx import read_docx

CONTROL = ROOT / "handbook-control.yaml"
FORMS = FIXTURES / "good_forms"
WRITTEN_KINDS = {"role", "procedure", "policy", "etiquette"}


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "good_content", tmp_path / "content")
    enrich_fixture_content(tmp_path / "content")  # cases of a step, a 口诀, duties for 写字楼: kept
    return tmp_path / "content"


def export_docx(content: Path, out: Path, *extra: str) -> Path:
    args = ["export", "--format", "docx", "--content", str(content), "--forms", str(FORMS), "--control", str(CONTROL),
            "--out", str(out), *extra]
    assert main(args) == 0
    (path,) = out.glob("*.docx")
    return path


@pytest.mark.parametrize("edition", ["staff", "editors"])
def test_an_exported_handbook_imports_as_the_same_items(content: Path, tmp_path: Path, edition: str) -> None:
    path = export_docx(content, tmp_path / "out", "--edition", edition)
    before = digest(content)
    plan, written = import_file(path, content, manual="M17", by="王丽")
    assert written == [] and digest(content) == before
    verbs = {a.item_id: a.verb for a in plan.actions}
    items, _ = load_content(content)
    same = sum(1 for v in verbs.values() if v == "unchanged")
    assert f"  unchanged {same} item(s): the exported handbook says what the content says" in plan.report()
    shown = [i for i in items if edition == "editors" or i.status != "outline"]
    assert set(verbs) == {i.id for i in shown}  # every item mapped back by id; no cover, TOC, form or revision
    for item in shown:
        if item.status == "outline":
            assert verbs[item.id] == "skip", item.id  # a gap: no text to read back
        elif item.kind in WRITTEN_KINDS:
            assert verbs[item.id] == "unchanged", (item.id, plan.report())
        else:
            assert verbs[item.id] == "skip", item.id  # fact, legal, case: not written by the importer
    reasons = {a.reason for a in plan.actions if a.verb == "skip"}
    assert reasons <= {"no text in the document (a gap, or its text removed): kept as it is",
                       "a legal, which the importer does not write: kept as it is",
                       "a fact, which the importer does not write: kept as it is",
                       "a case, which the importer does not write: kept as it is"}


def test_the_reader_keeps_only_the_bookmarked_sections(content: Path, tmp_path: Path) -> None:
    doc = read_docx(export_docx(content, tmp_path / "out", "--edition", "editors"))
    headings = [(b.anchor, b.text) for b in doc.blocks if b.kind == "heading" and b.level <= 2]
    assert [a for a, _ in headings] == ["kefu-zhuguan", "qiantai", "yongyu", "baoxiu", "yaoshi", "tiaoli",
                                        "ling-xiang", "tingche"]
    text = "\n".join(b.text for b in doc.blocks) + "".join(c for b in doc.blocks for r in b.rows for c in r)
    for own in ("修订记录", "目  录", "附录", "示例物业服务有限公司", "出处", "来源 M17", "相关流程", "预约上门时间", "维修人签字"):
        assert own not in text, own


def test_an_edit_in_the_exported_document_is_the_only_change(content: Path, tmp_path: Path) -> None:
    path = export_docx(content, tmp_path / "out")
    d = docx.Document(str(path))
    cells = [c for t in d.tables for r in t.rows for c in r.cells if c.text == "两天内"]
    assert len(cells) == 1
    cells[0].text = "三天内"  # an editor changes the time limit in Word
    d.save(str(path))
    before = digest(content)
    plan, written = import_file(path, content, manual="M17", dry_run=True)
    assert written == [] and digest(content) == before
    moved = [a for a in plan.actions if a.verb not in ("unchanged", "skip")]
    assert [(a.verb, a.item_id, a.proposed) for a in moved] == [("propose", "baoxiu", "revise")]
    assert [str(c) for c in moved[0].changes] == ["~ steps[3].time_limit: 两天内 → 三天内"]
    # nothing is forced: only --accept writes it, as a draft of the same item
    plan, written = import_file(path, content, manual="M17", accept=True, by="王丽")
    assert [p.name for p in written] == ["baoxiu.yaml"]
    items, problems = load_content(content)
    assert problems == []
    step = items.items["baoxiu"].steps[2]
    assert step.time_limit == "三天内" and items.items["baoxiu"].status == "draft"
    assert items.items["baoxiu"].steps[0].form == "yezhu-baoxiu-dan"  # the form link kept
    assert [b.when for b in items.items["baoxiu"].steps[1].branches] == ["有偿服务", "无偿服务"]  # the cases kept
    assert items.items["baoxiu"].rhyme is not None


def test_the_real_content_round_trips(tmp_path: Path) -> None:
    """Every item of the real content, exported in the editors' edition (gaps included) and
    imported again: nothing created, filled or proposed; every written role, procedure, policy
    and etiquette item unchanged (measured: 82 unchanged, 169 gaps and 88 facts/laws/cases skipped)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = export_docx_real(content, tmp_path / "out")
    before = digest(content)
    plan, written = import_file(path, content, manual="M01")
    assert written == [] and digest(content) == before
    items, _ = load_content(content)
    verbs = {a.item_id: a.verb for a in plan.actions}
    assert set(verbs) == set(items.items)
    moved = [line for line in plan.report() if line.lstrip().startswith(("create", "fill", "propose", "update"))]
    assert moved == []
    for item in items:
        if item.status == "outline":  # a gap: no text (skip), or only its links, read back the same
            assert verbs[item.id] in ("skip", "unchanged"), item.id
        else:
            assert verbs[item.id] == ("unchanged" if item.kind in WRITTEN_KINDS else "skip"), item.id


def export_docx_real(content: Path, out: Path) -> Path:
    assert main(["export", "--format", "docx", "--edition", "editors", "--content", str(content),
                 "--out", str(out)]) == 0
    return out / "handbook-editors.docx"


def test_a_section_added_in_word_is_a_new_item_and_the_rest_unchanged(content: Path, tmp_path: Path) -> None:
    path = export_docx(content, tmp_path / "out")
    d = docx.Document(str(path))
    chapter4 = next(p for p in d.paragraphs if p.style.name == "Heading 1" and p.text == "四、法律法规")
    chapter4.insert_paragraph_before("3.2 钥匙借用流程", style="Heading 2")
    for line in ("业主凭身份证登记借用钥匙。", "前台接待当日收回钥匙并签字。"):
        chapter4.insert_paragraph_before(line, style="List Number")
    d.save(str(path))
    plan, _ = import_file(path, content, manual="M17", dry_run=True)
    moved = [a for a in plan.actions if a.verb not in ("unchanged", "skip")]
    assert [(a.verb, a.kind, a.title) for a in moved] == [("create", "procedure", "钥匙借用流程")]
    assert moved[0].draft.body["steps"][1] == {"actor": "前台接待", "action": "前台接待当日收回钥匙并签字。",
                                               "time_limit": "当日"}
