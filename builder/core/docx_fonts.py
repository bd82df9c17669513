"""The fonts every DOCX we write asks for, and the one way to set them.

Office PCs at a Chinese property company have 宋体 (SimSun) and 黑体 (SimHei), not the Noto
fonts the PDFs embed; Word and WPS substitute silently and badly for a font they lack. So the
forms, the exam papers and the printed handbook's DOCX all name these. python-docx's
``font.name`` sets only ``w:ascii``/``w:hAnsi``: Chinese needs ``w:eastAsia`` too, and a theme
font attribute left in place would override both.
"""

from __future__ import annotations

from typing import Any

SONG = "宋体"  #: body text (SimSun)
HEI = "黑体"  #: headings and labels (SimHei)
LATIN = "Times New Roman"  #: Latin letters and digits beside the Chinese
SYMBOL = "Segoe UI Symbol"  #: ☐ ☑ on Windows

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def set_fonts(element: Any, east_asia: str = SONG, latin: str = LATIN) -> None:
    """Set the fonts of a style's or run's ``w:rPr`` (``style.element`` / ``run.element``):
    ``east_asia`` for Chinese, ``latin`` for the rest; theme fonts removed."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(f"{_W}rFonts")
    if rfonts is None:
        rfonts = rpr.makeelement(f"{_W}rFonts", {})
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(f"{_W}{attr}", None)
    for attr in ("ascii", "hAnsi", "cs"):
        rfonts.set(f"{_W}{attr}", latin)
    rfonts.set(f"{_W}eastAsia", east_asia)
