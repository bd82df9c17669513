"""Highlighted snippets: the window of a section's text that holds the most query terms,
HTML-escaped, with each match wrapped in ``<mark>``."""

from __future__ import annotations

from html import escape


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _marks(low: str, terms: list[str]) -> list[tuple[int, int, str]]:
    spans = []
    for t in terms:
        if not t:
            continue
        # a Latin/digit term is a whole word (x is not marked inside QR-DXC, 3 not inside 2023)
        latin = _alnum(t[0]) or _alnum(t[-1])
        start = 0
        while True:
            i = low.find(t, start)
            if i < 0:
                break
            j = i + len(t)
            if not latin or ((i == 0 or not _alnum(low[i - 1])) and (j == len(low) or not _alnum(low[j]))):
                spans.append((i, j, t))
            start = i + 1
    return spans


def snippet(text: str, terms: list[str], width: int = 90) -> str:
    """``text`` cut to about ``width`` characters around the matches, escaped, matches marked.

    ``terms`` are lowercased; longer terms win where they overlap shorter ones."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    low = text.lower()
    spans = _marks(low, terms)
    covered = [False] * len(text)
    chosen: list[tuple[int, int, str]] = []
    for s, e, t in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if any(covered[s:e]):
            continue
        for i in range(s, e):
            covered[i] = True
        chosen.append((s, e, t))
    chosen.sort()
    # the window of `width` characters with the most distinct terms, then the most marked characters
    start = 0
    if len(text) > width and chosen:
        best = (-1, -1, 0)
        for s, _, _ in chosen:
            ws = max(0, min(s - 10, len(text) - width))
            inside = [c for c in chosen if c[0] >= ws and c[1] <= ws + width]
            key = (len({c[2] for c in inside}), sum(c[1] - c[0] for c in inside), -ws)
            if key > best:
                best, start = key, ws
    end = min(len(text), start + width)
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e, _ in chosen:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)
