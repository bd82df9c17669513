"""Approving drafts: the item becomes approved text, the changelog gets a Chinese revision entry,
and the printed 修订记录 and the editors' page read them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import importer_docs as docs
import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.check import check
from builder.core.load import load_content, to_plain
from builder.importer.approve import ApprovalError, approve
from builder.importer.changelog import editors_work, revision_record
from builder.importer.write import load_map

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2027, 1, 5)


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A copy of content/ with the M09 fixture imported into it (three real gaps filled)."""
    return docs.content_with_m09(tmp_path)


def test_approval_makes_approved_text_and_a_revision_entry(imported: Path) -> None:
    entry = approve(imported, ["baokan-shoufa", "wenyuan"], by="李经理", reviewed_by="张主管", note="据2027年版手册",
                    on=DAY + dt.timedelta(days=2))
    assert entry.version == "A/0" and entry.date == dt.date(2027, 1, 7)
    assert entry.items == ["baokan-shoufa", "wenyuan"]
    assert entry.prepared_by == ["王丽"] and entry.reviewed_by == "张主管" and entry.approved_by == "李经理"
    assert entry.summary == (
        "审核通过2项：《杂志、报刊等收发工作程序及流程图》（工作流程，补写待编写条目，据《客服部物业服务中心工作手册范文》"
        "“十四、杂志、报刊等收发工作程序及流程图”）；《文员》（岗位职责，补写待编写条目，据《客服部物业服务中心工作手册范文》"
        "“四、客服部文员岗位职责”）。说明：据2027年版手册")

    role = to_plain(load_map(imported / "roles" / "wenyuan.yaml"))
    assert role["status"] == "sourced" and role["approved_by"] == "李经理" and role["approved_on"] == dt.date(2027, 1, 7)
    log = to_plain(load_map(imported / "changelog.yaml"))
    assert log["entries"] == [entry.model_dump(exclude_none=True)]
    assert (imported / "changelog.yaml").read_text(encoding="utf-8").startswith("# 修订记录")  # the header comment kept

    second = approve(imported, ["bangong-zhidu"], by="李经理", on=dt.date(2027, 2, 1))
    assert second.version == "A/1" and second.reviewed_by is None

    content, problems = check(imported, ROOT / "forms")
    assert problems == []
    assert content.items["wenyuan"].approved and content.items["bangong-zhidu"].status != "draft"
    rows = revision_record(content)
    assert [(r.version, r.date, r.items, r.prepared_by, r.reviewed_by, r.approved_by) for r in rows] == [
        ("A/0", dt.date(2027, 1, 7), [("baokan-shoufa", "杂志、报刊等收发工作程序及流程图"), ("wenyuan", "文员")],
         "王丽", "张主管", "李经理"),
        ("A/1", dt.date(2027, 2, 1), [("bangong-zhidu", "客服部办公制度")], "王丽", None, "李经理"),
    ]


def test_what_cannot_be_approved_is_named_every_time(imported: Path) -> None:
    approve(imported, ["bangong-zhidu"], by="李经理", on=DAY)
    with pytest.raises(ApprovalError) as e:
        approve(imported, ["nope", "jiankong-yuan", "bangong-zhidu", "anli-dianti-kunren"], by=" ", on=DAY)
    assert e.value.problems == [
        "--by: give the approver's name (批准)",
        f"nope: unknown item id: no such file in {imported}",
        "jiankong-yuan: a gap (status: outline): there is no text to approve",
        "bangong-zhidu: approved already (status: sourced by 李经理 on 2027-01-05)",
        "anli-dianti-kunren: who wrote it is not recorded: give --prepared-by NAME (编制)",
    ]
    with pytest.raises(ApprovalError, match="is before the last revision"):
        approve(imported, ["wenyuan"], by="李经理", on=DAY - dt.timedelta(days=1))
    # a draft written by hand names its writer with --prepared-by
    entry = approve(imported, ["anli-dianti-kunren"], by="李经理", prepared_by="赵培训", on=DAY)
    assert entry.prepared_by == ["赵培训"] and "《夜间电梯困人》（案例，审核通过草稿）" in entry.summary
    assert check(imported, ROOT / "forms")[1] == []


def test_cli_approve(imported: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["approve", "wenyuan", "--by", "李经理", "--content", str(imported), "--date", "2027-01-06"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("A/0 2027-01-06: approved wenyuan (批准 李经理)\n审核通过1项：《文员》")
    bad = runner.invoke(cli, ["approve", "wenyuan", "nope", "--by", "李经理", "--content", str(imported)])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert bad.output.splitlines() == ["wenyuan: approved already (status: sourced by 李经理 on 2027-01-06)",
                                       f"nope: unknown item id: no such file in {imported}"]
    date = runner.invoke(cli, ["approve", "baokan-shoufa", "--by", "李经理", "--date", "6/1/2027"])
    assert date.exit_code == 2 and "is not a date: write it as YYYY-MM-DD" in date.output


def test_editors_work_lists_gaps_drafts_and_imports(imported: Path) -> None:
    content, _ = load_content(imported)
    work = editors_work(content)
    gaps = sum(len(v) for v in work.gaps_by_manual.values())
    assert gaps >= 200 - 3 and "wenyuan" not in {i.id for v in work.gaps_by_manual.values() for i in v}
    assert "jiankong-yuan" in {i.id for i in work.gaps_by_manual["M10"]}
    assert work.gaps_by_post["jiankong-yuan"][0].id == "jiankong-yuan"  # an outline post heads its own list
    assert {"wenyuan", "baokan-shoufa", "bangong-zhidu"} <= {i.id for i in work.drafts}
    (run,) = work.imports
    assert (run.manual, run.document, run.file, run.on, run.by) == (
        "M09", "客服部物业服务中心工作手册范文", "客服部工作手册范文.docx", DAY, "王丽")
    assert sorted(i.id for i in run.items["filled"]) == ["bangong-zhidu", "baokan-shoufa", "wenyuan"]
    assert work.unplaced["baokan-shoufa"] == ["第1步 使用表格：《报刊收发登记表》", "第3步 使用表格：《报刊收发登记表》"]


def test_the_changelog_is_checked_like_any_content_file(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    entry = {"date": "2027-01-05", "items": ["wenyuan"], "summary": "审核通过", "prepared_by": ["王丽"], "approved_by": "李经理"}
    (tmp_path / "content" / "changelog.yaml").write_text(
        "entries:\n"
        + "".join(f"  - version: {v}\n" + "".join(f"    {k}: {val}\n" for k, val in entry.items()) for v in ("A/1", "A/0"))
        + "  - version: A1\n    date: 2027-01-05\n    items: []\n    summary: x\n    prepared_by: [王丽]\n    approved_by: 李经理\n",
        encoding="utf-8")
    _, problems = load_content(tmp_path / "content")
    messages = [str(p) for p in problems]
    assert any(m.startswith("content/changelog.yaml:") and "entries[2].version" in m for m in messages), messages
    assert any("entries[2].items" in m for m in messages), messages


def test_the_real_changelog_is_valid_and_empty() -> None:
    content, problems = load_content(ROOT / "content")
    assert problems == [] and content.changelog.entries == [] and content.changelog.next_version() == "A/0"


def test_an_approved_import_is_on_the_printed_revision_record(imported: Path, tmp_path: Path) -> None:
    """The issue's whole path: a fixture fills real gaps, an editor approves, the printed booklet
    shows the approved text with its 出处 and the revision entry on its 修订记录 page."""
    import re

    from pypdf import PdfReader

    from builder.cli.main import main

    assert main(["approve", "wenyuan", "baokan-shoufa", "--by", "李经理", "--reviewed-by", "张主管",
                 "--content", str(imported), "--date", "2027-01-07"]) == 0
    out = tmp_path / "out"
    assert main(["export", "--format", "pdf", "--role", "wenyuan", "--content", str(imported),
                 "--out", str(out)]) == 0
    pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(out / "handbook-wenyuan.pdf").pages]
    role_page = next(t for t in pages[2:] if "1.1文员" in t)
    assert "出处《客服部物业服务中心工作手册范文》" in role_page and "待审核" not in role_page
    revisions = pages[-1]
    assert revisions.startswith("修订记录版本日期修订内容编制审核批准A/02027-01-07审核通过2项：《文员》（岗位职责，补写待编写条目")
    assert "）。王丽张主管李经理" in revisions and not re.search(r"[0-9a-f]{7}", revisions)
    assert not any("待编写" in t for t in pages[:-1])  # the staff booklet leaves the gaps out
