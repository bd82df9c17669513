"""The SVG flowchart of a procedure: every step drawn, in order, lines wrapped without a
punctuation mark at a line start, long procedures cut into pieces that continue."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from builder.core.model import Procedure
from builder.handbook.flowchart import char_width, flowchart_svgs, text_width, wrap

SVG = "{http://www.w3.org/2000/svg}"


def proc(n: int, action: str = "审核业主和装修单位提供的资料, 并登记。") -> Procedure:
    return Procedure(id="p", title="测试流程", status="draft", trigger="业主申请",
                     steps=[{"actor": f"岗位{i}", "action": f"第{i}步: {action}", "time_limit": "两天内" if i == 2 else None,
                             "form": "yezhu-baoxiu-dan" if i == 1 else None} for i in range(1, n + 1)])


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_every_step_in_order_with_actor_time_limit_and_form():
    (svg,) = flowchart_svgs(proc(3), {"yezhu-baoxiu-dan": "业主报修单"})
    t = texts(svg)
    assert t[0] == "开始: 业主申请" and t[-1] == "结束"
    joined = "".join(t)
    for i in (1, 2, 3):
        assert f"第{i}步:" in joined and f"岗位{i}" in joined
    assert joined.index("第1步") < joined.index("第2步") < joined.index("第3步")
    assert "时限: 两天内" in joined and "表单: 业主报修单" in joined
    assert len(ET.fromstring(svg).findall(f"{SVG}polygon")) == 4  # an arrow into each step and into 结束


def test_wrap_keeps_width_and_never_starts_a_line_with_punctuation():
    text = "物业服务中心接待人员审核业主入伙通知书、入伙手续书及售房单位要求的相关资料,并登记。" * 3
    lines = wrap(text, 13, 200)
    assert "".join(lines) == text
    assert all(not re.match(r"^[,。、;:)]", line) for line in lines[1:])
    assert all(text_width(line, 13) <= 200 + char_width("。", 13) for line in lines)
    assert char_width("中", 10) == 10 and char_width("a", 10) < 10


def test_a_long_procedure_is_cut_into_pieces_that_continue():
    svgs = flowchart_svgs(proc(14, "办理" * 40), max_height=600)
    assert len(svgs) >= 3
    assert texts(svgs[0])[-1] == "接下页" and texts(svgs[1])[0] == "接上页" and texts(svgs[-1])[-1] == "结束"
    for svg in svgs:
        assert float(ET.fromstring(svg).get("height")) <= 600
    steps = [t for svg in svgs for t in texts(svg) if re.fullmatch(r"\d+", t)]
    assert steps == [str(i) for i in range(1, 15)]


def test_no_steps_no_chart_and_text_is_escaped():
    assert flowchart_svgs(Procedure(id="p", title="t", status="draft", trigger="x")) == []
    (svg,) = flowchart_svgs(proc(1, "<b>&"))
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
