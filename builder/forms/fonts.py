"""Fonts for the PDF forms, prepared once at setup (``python -m builder.forms.fonts``).

WeasyPrint subsets every font it embeds, on every render, and HarfBuzz's time grows with
the glyphs in the font: Noto Sans CJK SC (65,535 glyphs) costs about 40 ms a render per
weight. So setup cuts from it a small "Form Sans" (regular and bold, about 4,800 glyphs:
ASCII, Latin-1, punctuation, GB 2312's symbols and its 3,755 level-1 characters, which
cover nearly all running text), without layout tables and desubroutinised. It subsets in a
few milliseconds. The CSS font stack is ``"Form Sans", "Noto Sans CJK SC", …``: any other
character (GB 2312 level 2, Ext-A, Ext-B names such as 𡃁 U+210C1) falls back to the full
Noto Sans CJK SC from Debian's fonts-noto-cjk, which covers them — correct, a little
slower. Without the prepared fonts the forms still print, from Noto directly.

The fonts are made under ``.cache/fonts/`` (not committed: derived from the installed
Noto fonts, SIL OFL 1.1, renamed as the licence asks of a modified version).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from builder.core.paths import CACHE_DIR

FONT_DIR = CACHE_DIR / "fonts"
FAMILY = "Form Sans"
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
#: the face index of "Noto Sans CJK SC" inside Debian's NotoSansCJK-*.ttc
NOTO_SC_INDEX = 2
WEIGHTS = {"Regular": "normal", "Bold": "bold"}
VERSION = "1"


def font_path(weight: str) -> Path:
    return FONT_DIR / f"FormSans-{weight}-v{VERSION}.otf"


def prepared() -> dict[str, Path]:
    """The prepared fonts that exist, by CSS weight."""
    return {css: font_path(w) for w, css in WEIGHTS.items() if font_path(w).exists()}


def _gb2312(rows: range) -> set[int]:
    out = set()
    for a in rows:
        for b in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(ord(bytes([a, b]).decode("gb2312")))
    return out


def common_codepoints() -> set[int]:
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    cps |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    cps |= _gb2312(range(0xA1, 0xB0))   # symbols, punctuation, numerals
    cps |= _gb2312(range(0xB0, 0xD8))   # level-1 characters (3,755)
    return cps


def build(weight: str, source: Path | None = None) -> Path:
    """Cut ``Form Sans <weight>`` from Noto Sans CJK SC; written atomically."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = source or NOTO_DIR / f"NotoSansCJK-{weight}.ttc"
    font = TTFont(str(source), fontNumber=NOTO_SC_INDEX)
    opts = subset.Options()
    opts.desubroutinize = True
    opts.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx", "GDEF"]
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=common_codepoints())
    sub.subset(font)
    full = f"{FAMILY} Bold" if weight == "Bold" else FAMILY
    for rec in font["name"].names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID in (2, 17):
            rec.string = weight
        elif rec.nameID in (3, 4):
            rec.string = full
        elif rec.nameID == 6:
            rec.string = f"FormSans-{weight}"
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    out = font_path(weight)
    fd, tmp = tempfile.mkstemp(dir=FONT_DIR, suffix=".otf.tmp")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def font_face_css() -> str:
    """``@font-face`` rules for the prepared fonts (empty when none is prepared)."""
    return "".join(
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{p.as_uri()}"); font-weight: {css}; }}\n'
        for css, p in prepared().items())


def main(argv: list[str] | None = None) -> int:
    missing = [w for w in WEIGHTS if not font_path(w).exists()]
    if "--force" in (argv or sys.argv[1:]):
        missing = list(WEIGHTS)
    for w in missing:
        src = NOTO_DIR / f"NotoSansCJK-{w}.ttc"
        if not src.exists():
            print(f"form fonts: {src} is missing; install Debian's fonts-noto-cjk", file=sys.stderr)
            return 1
        print(f"form fonts: making {font_path(w)} from {src.name} …", file=sys.stderr)
        build(w, src)
    return 0


if __name__ == "__main__":
    sys.exit(main())
