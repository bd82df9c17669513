"""Importing Word and Markdown manuals: reading, sections, kinds, fields, matches, re-imports, errors.

Every test imports into a copy of the real content (never into the repository's own)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import importer_docs as docs
import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.check import check
from builder.importer.classify import find_units
from builder.importer.plan import apply_plan, import_file, plan_import
from builder.importer.read_docx import read_docx
from builder.importer.read_markdown import read_markdown
from builder.importer.sections import build_sections
from builder.importer.write import load_map

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2027, 1, 5)


@pytest.fixture(scope="module")
def manuals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("manuals")
    (d / "m02.md").write_text(docs.M02_MARKDOWN, encoding="utf-8")
    return {
        "m09": docs.m09_typed(d / "客服部工作手册范文.docx"),
        "m18": docs.m18_styled(d / "实务手册.docx"),
        "m18b": docs.m18_styled(d / "实务手册-修订.docx", edited=True),
        "m14": docs.chinese_styles(d / "制度手册.docx"),
        "m02": d / "m02.md",
    }


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def item(content: Path, folder: str, item_id: str) -> dict:
    from builder.core.load import to_plain

    return to_plain(load_map(content / folder / f"{item_id}.yaml"))


# --- reading -------------------------------------------------------------------
def test_word_headings_lists_toc_picture_and_tracked_change(manuals: dict[str, Path]) -> None:
    doc = read_docx(manuals["m18"])
    assert doc.title == "恒誉洋 物业客户服务工作实务手册"  # from the document properties
    headings = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert headings[:3] == [(1, "前台事务办理篇"), (2, "《客户服务前台物资放行办理流程》"), (2, "《电话接听礼仪及技巧》")]
    texts = [b.text for b in doc.blocks]
    assert not any("\t" in t or t in ("目录",) for t in texts)  # the Word table of contents is not text
    assert "放行条须在两日内使用，过期作废。" in texts  # w:ins kept, w:del dropped
    assert not any("三日" in t for t in texts)
    items = [(b.text, b.ordered) for b in doc.blocks if b.kind == "item"]
    assert ("客服员核对业主身份及搬出物品，请业主填写《物品放行条》。", True) in items  # Word numbering
    assert ("电话铃响三声之内接听。", False) in items  # Word bullets
    assert all(b.text or b.rows for b in doc.blocks)  # the picture made no block


def test_styles_named_in_chinese_are_headings(manuals: dict[str, Path]) -> None:
    doc = read_docx(manuals["m14"])
    assert doc.title == "物业公司客服管理制度手册"  # typed as the first line
    assert [(b.level, b.text) for b in doc.blocks if b.kind == "heading"] == [(1, "一、钥匙管理规定"), (2, "（一）钥匙借用登记表")]


def test_typed_numbers_nest_and_typed_lists_stay_lists(manuals: dict[str, Path]) -> None:
    root = build_sections(read_docx(manuals["m09"]))
    titles = [(len(s.path), s.title) for s in root.walk()[1:]]
    assert titles[:3] == [(1, "客服部岗位职责"), (2, "客服部文员岗位职责"), (3, "直接责任")]
    assert (2, "客服部办公制度") in titles and (3, "办公时间") in titles and (3, "办公秩序") in titles
    # （1）（2）（3） one after another are a list, not three headings
    duty = next(s for s in root.walk() if s.title == "直接责任")
    assert [b.kind for b in duty.blocks] == ["item", "item", "item"] and not duty.children


def test_markdown_reads_like_word(manuals: dict[str, Path]) -> None:
    doc = read_markdown(manuals["m02"])
    assert doc.title == "万科物业客服实务手册"
    kinds = [(b.kind, b.text) for b in doc.blocks if b.kind != "table"]
    assert ("item", "与业主沟通时面带微笑，语气平和。") in kinds  # a continued list line joins its item
    assert not any("flow.png" in t or "流程图" in t for _, t in kinds)  # the picture is not text
    assert [b.rows for b in doc.blocks if b.kind == "table"] == [[["项目", "时限", "责任人"], ["回复业主咨询", "24小时内", "客服员"]]]


def test_kinds_by_title_and_containers(manuals: dict[str, Path]) -> None:
    units = find_units(build_sections(read_docx(manuals["m09"])))
    assert [(u.section.title, u.kind) for u in units] == [
        ("客服部文员岗位职责", "role"), ("客服部办公制度", "policy"), ("杂志、报刊等收发工作程序及流程图", "procedure")]


# --- filling real gaps ---------------------------------------------------------
def test_a_typed_manual_fills_three_real_gaps_field_by_field(manuals: dict[str, Path], content: Path) -> None:
    before = load_map(content / "roles" / "wenyuan.yaml")
    assert before["status"] == "outline"
    path = content / "policies" / "bangong-zhidu.yaml"
    path.write_text("# 办公制度: M09 第四节\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    plan, written = import_file(manuals["m09"], content, on=DAY, by="王丽")
    assert plan.manual == "M09"  # guessed from the title
    assert [(a.verb, a.item_id) for a in plan.actions] == [
        ("fill", "wenyuan"), ("fill", "bangong-zhidu"), ("fill", "baokan-shoufa")]
    assert len(written) == 3

    role = item(content, "roles", "wenyuan")
    assert role["title"] == "文员" and role["aliases"] == ["客服部文员", "客服文员"]  # kept
    assert role["tags"] == ["zhize", "dangan"] and role["status"] == "draft"
    assert role["reports_to"] == "kefu-zhuguan"  # 直接上级：客服主管, a post the content knows
    assert role["summary"] == "负责客服部文件的收发、打印与档案管理。"  # the outline's 待编写 note is gone
    assert role["duties"] == ["负责部门文件的打印、收发、登记。", "负责业户档案的整理、归档与保管。", "负责部门考勤的统计与上报。"]
    assert role["source"][-1] == {"manual": "M09", "section": "第三节 客服部岗位职责 · 四、客服部文员岗位职责"}
    rec = role["imported"]
    assert rec["manual"] == "M09" and rec["document"] == "客服部物业服务中心工作手册范文"
    assert rec["heading_path"] == ["第三节 客服部岗位职责", "四、客服部文员岗位职责"]
    assert rec["paragraph"] == 3 and rec["action"] == "filled" and rec["on"] == DAY and rec["by"] == "王丽"
    assert rec["match"] == "exact alias"

    steps = item(content, "procedures", "baokan-shoufa")
    assert steps["title"] == "杂志、报刊等收发工作程序及流程图"
    assert steps["roles"] == ["qiantai-jiedai", "kefu-yuan", "libin"]
    assert steps["summary"] == "为规范杂志、报刊的收发，制定本程序。"
    assert steps["steps"] == [
        {"actor": "前台接待", "action": "收到杂志、报刊后分类登记。", "time_limit": "当日"},
        {"actor": "客服员", "action": "电话通知业主到前台领取。", "time_limit": "24小时内"},
        {"actor": "前台接待", "action": "业主领取时在登记表上签名。"}]
    assert steps["imported"]["unplaced"] == ["第1步 使用表格：《报刊收发登记表》", "第3步 使用表格：《报刊收发登记表》"]

    policy = item(content, "policies", "bangong-zhidu")
    assert policy["sections"] == [{"title": "办公时间", "rules": ["员工应按时上下班，不得迟到早退。"]},
                                  {"title": "办公秩序", "rules": ["保持办公区整洁，文件资料摆放整齐。", "办公时间不得大声喧哗。"]}]
    assert path.read_text(encoding="utf-8").startswith("# 办公制度: M09 第四节\ntitle: 客服部办公制度\n")  # comment kept

    loaded, problems = check(content, ROOT / "forms")
    assert problems == [] and loaded.items["wenyuan"].status == "draft"


def test_word_styles_numbering_and_tracked_change_become_steps_and_rules(manuals: dict[str, Path], content: Path) -> None:
    plan, _ = import_file(manuals["m18"], content, on=DAY, by="王丽")
    verbs = {(a.verb, a.item_id) for a in plan.actions}
    assert {("fill", "qiantai-wuzi-fangxing"), ("fill", "dianhua-jieting-liyi-jiqiao"),
            ("fill", "caifang-jiedai-yaoling")} <= verbs
    flow = item(content, "procedures", "qiantai-wuzi-fangxing")
    assert flow["steps"] == [
        {"actor": "客服员", "action": "客服员核对业主身份及搬出物品，请业主填写《物品放行条》。"},
        {"action": "放行条须在两日内使用，过期作废。", "time_limit": "两日内"},
        {"actor": "保安员", "action": "保安员凭放行条核对物品后放行。"}]
    manners = item(content, "etiquette", "dianhua-jieting-liyi-jiqiao")
    assert manners["rules"] == ["电话铃响三声之内接听。", "接听时先问好，再报部门名称。"]
    assert manners["phrases"] == ["您好，客服中心，请问有什么可以帮您？"] and manners["forbidden"] == ["不知道。"]
    # 要领 names no kind: the outline's kind (a procedure) is kept, its paragraphs are the steps
    visit = item(content, "procedures", "caifang-jiedai-yaoling")
    assert [s["action"] for s in visit["steps"]] == ["接到媒体采访要求时，先问清来访单位及采访目的。", "未经公司授权，任何人不得接受采访。"]
    assert check(content, ROOT / "forms")[1] == []


def test_looser_matches_are_only_proposed_until_accepted(manuals: dict[str, Path], content: Path) -> None:
    before = (content / "roles" / "kefu-yuan.yaml").read_text(encoding="utf-8")
    plan, _ = import_file(manuals["m18"], content, on=DAY, by="王丽")
    proposals = {a.item_id: a for a in plan.of("propose")}
    assert proposals["kehu-zoufang-liucheng"].how == "similar title 0.86" and proposals["kehu-zoufang-liucheng"].proposed == "fill"
    assert proposals["kefu-yuan"].proposed == "revise"  # an exact title, but the post is written already
    assert load_map(content / "procedures" / "kehu-zoufang-liucheng.yaml")["status"] == "outline"
    assert (content / "roles" / "kefu-yuan.yaml").read_text(encoding="utf-8") == before
    report = "\n".join(plan.report())
    assert "propose   procedures/kehu-zoufang-liucheng.yaml  客户走访流程 ≈ 客户走访工作流程" in report

    again = plan_import(manuals["m18"], content, on=DAY, by="王丽")
    assert {a.item_id for a in again.of("unchanged")} >= {"qiantai-wuzi-fangxing", "caifang-jiedai-yaoling"}
    apply_plan(again, accept=True)
    visit = item(content, "procedures", "kehu-zoufang-liucheng")
    assert visit["status"] == "draft" and visit["imported"]["match"] == "similar title 0.86"
    assert visit["steps"][1] == {"actor": "管家", "action": "管家按计划上门走访，两天内整理走访记录。", "time_limit": "两天内"}
    assert item(content, "roles", "kefu-yuan")["duties"] == ["负责服务台的电话接听与来访接待。", "负责受理业主的投诉与报修。"]
    assert check(content, ROOT / "forms")[1] == []


def test_markdown_manual_fills_gaps(manuals: dict[str, Path], content: Path) -> None:
    plan, _ = import_file(manuals["m02"], content, on=DAY, by="王丽")
    assert [(a.verb, a.item_id) for a in plan.actions] == [("fill", "yaoshi-guanli"), ("fill", "goutong-jiqiao")]
    keys = item(content, "procedures", "yaoshi-guanli")
    assert keys["summary"] == "钥匙由客服中心统一保管，借用须登记。"
    assert keys["steps"] == [{"actor": "客服员", "action": "客服员核对借用人身份，填写钥匙借用登记表。"},
                             # 借用人 is no post the content knows: no actor is made up
                             {"action": "借用人当日归还钥匙，客服员核对后签收。", "time_limit": "当日"}]
    talk = item(content, "etiquette", "goutong-jiqiao")
    assert talk["rules"] == ["与业主沟通时面带微笑，语气平和。", "先倾听，再解释。", "项目：回复业主咨询；时限：24小时内；责任人：客服员"]
    assert talk["imported"]["paragraph"] == 16  # a Markdown file records the heading's line


def test_new_items_get_stable_ascii_ids(tmp_path: Path) -> None:
    manual = docs.chinese_styles(tmp_path / "快递.docx", heading="一、快递代收管理规定")  # no gap has this title
    ids = []
    for n in (1, 2):
        folder = tmp_path / f"c{n}"
        shutil.copytree(ROOT / "content", folder)
        plan, _ = import_file(manual, folder, manual="M14", on=DAY, by="王丽")
        ids.append([a.item_id for a in plan.of("create")])
    assert ids[0] == ids[1] and len(ids[0]) == 1
    (new_id,) = ids[0]
    assert new_id.startswith("m14-") and len(new_id) == 12 and new_id.isascii()
    rules = item(tmp_path / "c1", "policies", new_id)
    assert rules["title"] == "快递代收管理规定" and rules["status"] == "draft"
    assert rules["rules"] == ["业主钥匙由前台统一登记保管。"]
    assert rules["sections"] == [{"title": "钥匙借用登记表", "rules": ["借用人：填写借用人姓名", "借用时间：精确到分钟"]}]


# --- re-importing --------------------------------------------------------------
def test_reimporting_an_edited_version_shows_only_the_edits(manuals: dict[str, Path], content: Path) -> None:
    import_file(manuals["m18"], content, on=DAY, by="王丽")
    files_before = sorted(p.name for p in content.rglob("*.yaml"))
    plan, _ = import_file(manuals["m18b"], content, on=DAY + dt.timedelta(days=30), by="王丽")
    changed = {a.item_id: [str(c) for c in a.changes] for a in plan.of("update")}
    assert changed == {
        "qiantai-wuzi-fangxing": ['+ steps[4]: {"actor": "客服员", "action": "客服员当日将放行条存档。", "time_limit": "当…'],
        "dianhua-jieting-liyi-jiqiao": ["~ rules[2].text: 接听时先问好，再报部门名称。 → 接听时先问好，再报部门名称和姓名。"],
    }
    assert {a.item_id for a in plan.of("unchanged")} == {"caifang-jiedai-yaoling"}
    assert not plan.of("create", "fill", "removed")
    assert sorted(p.name for p in content.rglob("*.yaml")) == files_before  # nothing duplicated
    report = "\n".join(plan.report())
    assert "unchanged 1 item(s) since the last import" in report and "采访接待工作要领" not in report
    rec = item(content, "procedures", "qiantai-wuzi-fangxing")["imported"]
    assert rec["action"] == "updated" and rec["changes"] == ["新增第4步"] and rec["file"] == "实务手册-修订.docx"


def test_a_draft_edited_here_is_not_overwritten_without_accept(manuals: dict[str, Path], content: Path) -> None:
    import_file(manuals["m18"], content, on=DAY, by="王丽")
    path = content / "etiquette" / "dianhua-jieting-liyi-jiqiao.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("电话铃响三声之内接听。", "电话铃响三声内接听。"), encoding="utf-8")
    edited = path.read_text(encoding="utf-8")
    plan, _ = import_file(manuals["m18b"], content, on=DAY, by="王丽")
    (proposal,) = [a for a in plan.of("propose") if a.item_id == "dianhua-jieting-liyi-jiqiao"]
    assert proposal.proposed == "update" and "edited here since the last import" in proposal.how
    assert path.read_text(encoding="utf-8") == edited


def test_a_section_gone_from_the_document_is_reported_not_deleted(manuals: dict[str, Path], content: Path,
                                                                   tmp_path: Path) -> None:
    import_file(manuals["m02"], content, on=DAY, by="王丽")
    shorter = tmp_path / "m02-short.md"
    shorter.write_text(docs.M02_MARKDOWN.split("## 二、沟通技巧")[0], encoding="utf-8")
    plan, _ = import_file(shorter, content, on=DAY, by="王丽")
    assert [(a.verb, a.item_id) for a in plan.actions] == [("unchanged", "yaoshi-guanli"), ("removed", "goutong-jiqiao")]
    assert (content / "etiquette" / "goutong-jiqiao.yaml").exists()


def test_approved_text_changed_by_a_newer_document_needs_approval_again(manuals: dict[str, Path], content: Path) -> None:
    from builder.importer.approve import approve

    import_file(manuals["m18"], content, on=DAY, by="王丽")
    approve(content, ["dianhua-jieting-liyi-jiqiao"], by="李经理", on=DAY)
    assert item(content, "etiquette", "dianhua-jieting-liyi-jiqiao")["status"] == "sourced"
    import_file(manuals["m18b"], content, on=DAY, by="王丽")
    again = item(content, "etiquette", "dianhua-jieting-liyi-jiqiao")
    assert again["status"] == "draft" and "approved_by" not in again and "approved_on" not in again


# --- dry run and bad input -------------------------------------------------------
def test_dry_run_writes_nothing(manuals: dict[str, Path], content: Path) -> None:
    before = tree_digest(content)
    result = CliRunner().invoke(cli, ["import", str(manuals["m09"]), "--content", str(content), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "fill      roles/wenyuan.yaml  文员" in result.output and "dry run: nothing written" in result.output
    assert tree_digest(content) == before


def test_cli_import_writes_and_says_so(manuals: dict[str, Path], content: Path) -> None:
    result = CliRunner().invoke(cli, ["import", str(manuals["m18"]), "--content", str(content), "--by", "王丽",
                                           "--date", "2027-01-05"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 file(s); 2 proposal(s) left: import again with --accept to apply them" in result.output


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    import zipfile

    (folder / "empty.docx").write_bytes(b"")
    (folder / "text.docx").write_text("这不是Word文件", encoding="utf-8")
    with zipfile.ZipFile(folder / "other.docx", "w") as z:
        z.writestr("hello.txt", "hi")
    import docx

    docx.Document().save(str(folder / "blank.docx"))
    (folder / "gbk.md").write_bytes("# 标题\n内容".encode("gbk"))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "unknown.md").write_text("# 某物业手册\n\n## 一、办公制度\n\n按时上班。\n", encoding="utf-8")
    return {
        "empty": (folder / "empty.docx", "the file is empty"),
        "text": (folder / "text.docx", "not a Word .docx file"),
        "zip": (folder / "other.docx", "not a Word .docx file"),
        "blank": (folder / "blank.docx", "the document has no text to import"),
        "gbk": (folder / "gbk.md", "not UTF-8 text"),
        "pdf": (folder / "notes.pdf", "unknown file type '.pdf'"),
        "missing": (folder / "missing.docx", "no such file"),
        "folder": (folder, "a folder, not a file"),
        "manual": (folder / "unknown.md", "cannot tell which manual 《某物业手册》 is: give --manual"),
    }


def test_bad_files_give_one_line_naming_the_file(tmp_path: Path, content: Path) -> None:
    for name, (path, message) in _bad_files(tmp_path).items():
        result = CliRunner().invoke(cli, ["import", str(path), "--content", str(content)])
        assert result.exit_code == 2, (name, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and message in lines[0], (name, lines)
        assert "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "unknown.md"), "--manual", "M99", "--content", str(content)])
    assert result.exit_code == 2 and result.output.strip() == "--manual: unknown manual 'M99': use one of M01–M18 (see manuals/INDEX.md)"


def test_content_with_problems_is_refused(manuals: dict[str, Path], content: Path) -> None:
    (content / "policies" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(manuals["m09"]), "--content", str(content)])
    assert result.exit_code == 1 and "content/policies/broken.yaml:" in result.output
