"""The catalogue of forms (forms/): every form the issue names exists under its fixed id,
loads clean, keeps the code the manuals give it, links to procedures that exist, and the
packs really share their answers."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from ruamel.yaml import YAML

from builder.core.formspec import PLACEHOLDER, load_packs, load_specs

FORMS = ROOT / "forms"
PROCEDURES = ROOT / "content" / "procedures"

#: id → the code M04's table of contents gives (line 187 of the manuals), for the QW-DXC set.
QW_DXC = {
    "ruhuo-liuzhuan-a": "QR-DXC-01-A",
    "ruhuo-liuzhuan-b": "QR-DXC-01-B",
    "fangwu-yanshou": "QR-DXC-02",
    "fangwu-weixiu": "QR-DXC-03",
    "yehu-ziliao-a": "QR-DXC-04-A",
    "yehu-ziliao-b": "QR-DXC-04-B",
    "yezhu-xuqiu-diaocha": "QR-DXC-05",
    "jiaofang-manyidu": "QR-DXC-06",
    "ruhuo-tongzhi": "QR-DXC-07",
    "fanghuo-zerenshu": "QR-DXC-08",
    "gongcheng-yijiao-yanshou": "QR-DXC-08-A",  # M04 also lists -B and -C; see the form's description
    "shouhou-dengji": "QR-DXC-09",
    "baoxiu-yaoqiu-chuli": "QR-DXC-10",
    "shigong-baoxiu-yichang": "QR-DXC-11",
    "xietiao-chuli": "QR-DXC-12-A",  # M04 also lists -B
    "zhenggai-feiyong": "QR-DXC-13",
}
#: the forms whose codes the manuals do not give: the code is ours, so the form is a draft.
OTHERS = ["zhuangxiu-beian", "yezhu-baoxiu-dan", "wupin-fangxing-tiao", "fangke-dengji", "jiaojieban-jilu"]
ALL_IDS = [*QW_DXC, *OTHERS]

MANUALS_TEXT = (ROOT.parent / "shared" / "manuals" / "customer-service-manuals.txt")


@pytest.fixture(scope="module")
def specs():
    specs, problems = load_specs(FORMS)
    assert problems == [], "\n".join(str(p) for p in problems)
    return specs


def test_all_21_forms_exist_and_load(specs):
    assert len(ALL_IDS) == 21
    missing = [i for i in ALL_IDS if i not in specs]
    assert missing == []
    assert set(specs) == set(ALL_IDS), f"forms not in the catalogue list: {set(specs) - set(ALL_IDS)}"


def test_codes_are_unique(specs):
    codes = [s.code for s in specs.values()]
    assert None not in codes, [i for i, s in specs.items() if not s.code]
    dupes = {c for c in codes if codes.count(c) > 1}
    assert dupes == set()


@pytest.mark.parametrize("form_id", list(QW_DXC))
def test_qw_dxc_forms_keep_m04_code(specs, form_id):
    spec = specs[form_id]
    assert spec.code == QW_DXC[form_id]
    assert any(s.manual == "M04" for s in spec.source), "a QW-DXC form cites M04's table of contents"


def test_m04_codes_are_those_of_the_manual():
    """The expected codes above are not invented: each title(code) pair is in M04's TOC."""
    if not MANUALS_TEXT.exists():
        pytest.skip("the manuals are not next to the repository")
    toc = MANUALS_TEXT.read_text(encoding="utf-8").splitlines()[186]
    for form_id, code in QW_DXC.items():
        assert f"({code})" in toc, (form_id, code)


@pytest.mark.parametrize("form_id", OTHERS)
def test_invented_codes_are_drafts_that_say_so(specs, form_id):
    spec = specs[form_id]
    assert not spec.code.startswith("QR-DXC"), "QR-DXC numbers are M04's; ours must not look like them"
    assert spec.status == "draft"
    assert "本库拟的编号" in (spec.description or "")
    assert spec.source, "even a draft says where the manuals name the form"


def test_decoration_form_keeps_m18_names(specs):
    labels = {f.label for f in specs["zhuangxiu-beian"].fields}
    for name in ["房间号码", "业主姓名", "填表时间", "申办人", "身份证号", "联系电话", "装修负责人",
                 "主要装修项目", "装修声明", "顾客对以上意见确认", "业主承诺签字"]:
        assert name in labels, name
    materials = specs["zhuangxiu-beian"].field("materials")
    assert len(materials.items) == 10, "M18 lists ten kinds of material"
    assert "三个月" in str([b.text for b in specs["zhuangxiu-beian"].layout])


def test_layout_draws_every_field(specs):
    for form_id, spec in specs.items():
        drawn = {n for b in spec.layout for n in b.names()}
        undrawn = [f.name for f in spec.fields if f.name not in drawn]
        assert undrawn == [], f"{form_id}: fields never drawn: {undrawn}"


def test_blocks_the_issue_asks_for(specs):
    kinds = {i: {b.block for b in s.layout} for i, s in specs.items()}
    assert "checklist" in kinds["fangwu-yanshou"] and "checklist" in kinds["gongcheng-yijiao-yanshou"]
    for form_id in ("fangwu-yanshou", "gongcheng-yijiao-yanshou"):
        checklist = next(f for f in specs[form_id].fields if f.type == "checklist")
        assert checklist.options == ["合格", "不合格"]
    for form_id, field in [("fangwu-yanshou", "defects"), ("wupin-fangxing-tiao", "items"),
                           ("fangke-dengji", "visitors"), ("zhenggai-feiyong", "lines")]:
        assert specs[form_id].field(field).type == "table"
    assert any(c.type == "money" for c in specs["zhenggai-feiyong"].field("lines").columns)
    for form_id in ("fanghuo-zerenshu", "ruhuo-tongzhi"):
        pledges = [b for b in specs[form_id].layout if b.block == "pledge"]
        assert pledges and PLACEHOLDER.search(pledges[0].text), f"{form_id}: pledge text with {{field}} blanks"
        assert specs[form_id].status == "draft", "the pledge wording is ours, not the manuals'"


def test_every_pack_shares_owner_and_room(specs):
    packs, problems = load_packs(FORMS, set(specs))
    assert problems == []
    assert {"ruhuo", "zhuangxiu"} <= set(packs)
    assert {"ruhuo-liuzhuan-a", "yehu-ziliao-a", "fanghuo-zerenshu", "ruhuo-tongzhi"} <= set(packs["ruhuo"].forms)
    assert {"zhuangxiu-beian", "fanghuo-zerenshu"} <= set(packs["zhuangxiu"].forms)
    for name, pack in packs.items():
        for form_id in pack.forms:
            names = {f.name for f in specs[form_id].fields}
            assert {"owner_name", "room"} <= names, f"pack {name}: {form_id} lacks owner_name/room"


def test_shared_fields_come_from_the_library(specs):
    """A field named like a library field has the library's type, so one answer fits every form."""
    lib = {f["name"]: f for f in YAML(typ="safe").load((FORMS / "fields.yaml").read_text(encoding="utf-8"))["fields"]}
    for form_id, spec in specs.items():
        for f in spec.fields:
            if f.name in lib:
                assert f.type == lib[f.name].get("type", "text"), f"{form_id}.{f.name}"


def _raw(form_id: str) -> tuple[dict, str]:
    text = (FORMS / form_id / "form.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text), text


@pytest.mark.parametrize("form_id", ALL_IDS)
def test_links_to_a_procedure_or_says_why_not(form_id):
    data, text = _raw(form_id)
    procedures = data.get("procedures") or []
    if not procedures:
        m = re.search(r"^# 无关联流程: (.+)$", text, re.M)
        assert m and len(m.group(1)) > 10, f"{form_id}: no procedure and no '# 无关联流程: why' line"
        return
    missing = [p for p in procedures if not (PROCEDURES / f"{p}.yaml").exists()]
    assert missing == [], f"{form_id}: procedures not in content/procedures/: {missing}"

