"""A procedure's flowchart drawn as SVG, for print, without a browser.

The model's steps are a linear list (actor, action, time limit, form), so the chart is a
column of boxes joined by arrows, from the trigger (开始) to 结束. Drawing it here rather than
through Mermaid keeps the export free of Chromium, fast (microseconds a chart) and
deterministic; WeasyPrint renders the SVG inline with the same CJK fonts as the text. A long
procedure is cut into several charts of at most ``max_height`` each (接下页 / 接上页), since
an SVG cannot break across pages.

``flowchart_svgs(procedure, form_titles)`` → list of SVG strings.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

from builder.core.model import Procedure

WIDTH = 600          # the drawing's width in CSS px (the page's text block is ~640 px)
BOX_W = 440
BOX_X = (WIDTH - BOX_W) / 2
PAD = 10
ACTION_SIZE = 13.0
ACTOR_SIZE = 12.5
META_SIZE = 11.0
LINE = 1.45          # line height, in font sizes
GAP = 26             # the arrow between two boxes
TERM_H = 34          # 开始 / 结束 pills
SANS = "Noto Sans CJK SC"
NO_LINE_START = set("，。、；：？！）》」』】,.;:?!)]%")


def char_width(ch: str, size: float) -> float:
    """An estimate of a glyph's advance: CJK and full-width glyphs 1 em, Latin about half."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return size
    if ch in " .,:;!|'":
        return size * 0.3
    return size * 0.58


def text_width(text: str, size: float) -> float:
    return sum(char_width(c, size) for c in text)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than ``width``; punctuation never starts a line."""
    lines: list[str] = []
    line, w = "", 0.0
    for ch in " ".join(text.split()):
        cw = char_width(ch, size)
        if line and w + cw > width and ch not in NO_LINE_START:
            lines.append(line)
            line, w = "", 0.0
            if ch == " ":
                continue
        line += ch
        w += cw
    if line:
        lines.append(line)
    return lines or [""]


@dataclass
class Node:
    number: int | None   # None: a terminal (开始 / 结束 / 接上页 / 接下页)
    actor: str
    lines: list[str]
    meta: list[str]
    height: float


def _step_nodes(proc: Procedure, form_titles: dict[str, str]) -> list[Node]:
    inner = BOX_W - 2 * PAD - 34  # the number disc takes the left of the box
    nodes = []
    for i, s in enumerate(proc.steps, 1):
        lines = wrap(s.action, ACTION_SIZE, inner)
        meta_bits = []
        if s.time_limit:
            meta_bits.append(f"时限: {s.time_limit}")
        if s.form:
            meta_bits.append(f"表单: {form_titles.get(s.form, s.form)}")
        meta = wrap(" · ".join(meta_bits), META_SIZE, inner) if meta_bits else []
        h = PAD * 2 + len(lines) * ACTION_SIZE * LINE
        if s.actor:
            h += ACTOR_SIZE * LINE
        if meta:
            h += len(meta) * META_SIZE * LINE + 2
        nodes.append(Node(i, s.actor or "", lines, meta, max(h, 44)))
    return nodes


def _terminal(text: str) -> Node:
    return Node(None, "", [text], [], TERM_H)


def _draw(nodes: list[Node]) -> str:
    out: list[str] = []
    y = 6.0
    for k, n in enumerate(nodes):
        if k:
            # the arrow from the previous node down to this one
            x = WIDTH / 2
            out.append(f'<line x1="{x}" y1="{y - GAP:.1f}" x2="{x}" y2="{y - 7:.1f}" stroke="#555" stroke-width="1.3"/>')
            out.append(f'<polygon points="{x - 5},{y - 8:.1f} {x + 5},{y - 8:.1f} {x},{y - 1:.1f}" fill="#555"/>')
        if n.number is None:
            w = max(120.0, text_width(n.lines[0], ACTION_SIZE) + 40)
            x0 = (WIDTH - w) / 2
            out.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{w:.1f}" height="{n.height}" rx="{n.height / 2}" '
                       'fill="#f3f3f3" stroke="#555" stroke-width="1.2"/>')
            out.append(f'<text x="{WIDTH / 2}" y="{y + n.height / 2 + ACTION_SIZE * 0.36:.1f}" text-anchor="middle" '
                       f'font-family="{SANS}" font-size="{ACTION_SIZE}" fill="#222">{escape(n.lines[0])}</text>')
        else:
            out.append(f'<rect x="{BOX_X}" y="{y:.1f}" width="{BOX_W}" height="{n.height:.1f}" rx="4" '
                       'fill="#fff" stroke="#333" stroke-width="1.2"/>')
            cx, cy = BOX_X + PAD + 12, y + PAD + 12
            out.append(f'<circle cx="{cx}" cy="{cy:.1f}" r="11" fill="#333"/>')
            out.append(f'<text x="{cx}" y="{cy + 4.2:.1f}" text-anchor="middle" font-family="{SANS}" '
                       f'font-size="12" font-weight="bold" fill="#fff">{n.number}</text>')
            tx = BOX_X + PAD + 34
            ty = y + PAD
            if n.actor:
                ty += ACTOR_SIZE * LINE
                out.append(f'<text x="{tx}" y="{ty - 4:.1f}" font-family="{SANS}" font-size="{ACTOR_SIZE}" '
                           f'font-weight="bold" fill="#000">{escape(n.actor)}</text>')
            for line in n.lines:
                ty += ACTION_SIZE * LINE
                out.append(f'<text x="{tx}" y="{ty - 4:.1f}" font-family="{SANS}" font-size="{ACTION_SIZE}" '
                           f'fill="#222">{escape(line)}</text>')
            if n.meta:
                ty += 2
            for line in n.meta:
                ty += META_SIZE * LINE
                out.append(f'<text x="{tx}" y="{ty - 3:.1f}" font-family="{SANS}" font-size="{META_SIZE}" '
                           f'fill="#8a1f11">{escape(line)}</text>')
        y += n.height + GAP
    height = y - GAP + 6
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" viewBox="0 0 {WIDTH} {height:.1f}" '
            f'width="{WIDTH}" height="{height:.1f}" role="img">' + "".join(out) + "</svg>")


def chunks(nodes: list[Node], max_height: float) -> list[list[Node]]:
    """Cut the column into pieces no taller than ``max_height`` (each piece keeps ≥ 1 step)."""
    pieces: list[list[Node]] = [[]]
    h = 0.0
    for n in nodes:
        if pieces[-1] and h + n.height + GAP > max_height - (TERM_H + GAP):
            pieces.append([])
            h = TERM_H + GAP
        pieces[-1].append(n)
        h += n.height + GAP
    return pieces


def flowchart_svgs(proc: Procedure, form_titles: dict[str, str] | None = None,
                   max_height: float = 820) -> list[str]:
    """The procedure's chart as one or more SVG documents; [] when it has no steps."""
    if not proc.steps:
        return []
    nodes = [_terminal("开始" + (f": {_short(proc.trigger)}" if proc.trigger else ""))]
    nodes += _step_nodes(proc, form_titles or {})
    nodes.append(_terminal("结束"))
    pieces = chunks(nodes, max_height)
    svgs = []
    for k, piece in enumerate(pieces):
        if k:
            piece = [_terminal("接上页")] + piece
        if k < len(pieces) - 1:
            piece = piece + [_terminal("接下页")]
        svgs.append(_draw(piece))
    return svgs


def _short(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
