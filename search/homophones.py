"""Homophone typos (投述 for 投诉, 报销 for 报修 typed by an IME): a word the index does not
hold is also searched as the index's words that sound alike.

"Alike" is fuzzy, toneless pinyin, as Chinese IMEs offer it: zh/z, ch/c, sh/s, n/l and the
-ng finals (ang/an, eng/en, ing/in) are merged. The keys are made at index time with pypinyin
and stored in the index — one key for every common character (GB2312) and the index's words
by key — so a search, here or in the site's header box, needs no pinyin library.
"""

from __future__ import annotations

from collections.abc import Iterable

_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))
#: Words of this many characters are matched by sound (a longer one is cut into words first).
MIN_LEN, MAX_LEN = 2, 4


def fuzzy(syllable: str) -> str:
    s = syllable.lower()
    for a, b in _INITIALS:
        if s.startswith(a):
            s = b + s[len(a):]
            break
    for a, b in _FINALS:
        if s.endswith(a):
            s = s[: -len(a)] + b
            break
    return s


def char_keys() -> dict[str, str]:
    """Every common character (GB2312) → its fuzzy toneless syllable (its usual reading)."""
    from pypinyin import Style, pinyin

    out: dict[str, str] = {}
    for code in range(0x4E00, 0xA000):
        ch = chr(code)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        py = pinyin(ch, style=Style.NORMAL, errors="ignore")
        if py and py[0] and py[0][0].isascii() and py[0][0].isalpha():
            out[ch] = fuzzy(py[0][0])
    return out


def word_key(word: str, keys: dict[str, str]) -> str | None:
    if not (MIN_LEN <= len(word) <= MAX_LEN):
        return None
    parts = [keys.get(ch) for ch in word]
    if any(p is None for p in parts):
        return None
    return " ".join(p for p in parts if p)


def words_by_key(words: Iterable[str], keys: dict[str, str]) -> dict[str, list[str]]:
    """The index's words grouped by how they sound."""
    out: dict[str, list[str]] = {}
    for w in sorted(set(words)):
        k = word_key(w, keys)
        if k is not None:
            out.setdefault(k, []).append(w)
    return out
