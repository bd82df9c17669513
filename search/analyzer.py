"""The one analyzer of the project's search: text → normalised text → terms.

- NFKC; control characters become spaces; whitespace *inside* Chinese (a space with a Han
  character on both sides, the manuals' scrape damage: ``装 修备案表``) is removed, while
  spaces between Latin words stay.
- Han runs are cut by jieba's own algorithm (dictionary DAG + maximum-probability route,
  no HMM) over a frequency table: at index time jieba's full dictionary plus our domain
  words; at query time the part of it that the indexed text can use, stored in the index
  (see :class:`Vocabulary`), so a search never loads jieba's 500,000 words.
- Search mode ("cut_for_search"): each word is emitted with its dictionary sub-words, so
  ``装修备案表`` also indexes ``装修``, ``备案``, ``装修备案``.
- Latin letters and digits are kept and lowercased, never stemmed: ``A栋`` → ``a``, ``栋``,
  ``a栋``; ``QR-DXC-03`` → ``qr-dxc-03``, ``qr``, ``dxc``, ``03``.

This module imports nothing heavy (no jieba, no whoosh at import), so the CLI starts fast.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

#: Han characters (CJK unified ideographs, extension A, compatibility) and 〇.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
_HAN_RE = re.compile(f"[{HAN}]+")
_CJK_SPACE_RE = re.compile(f"(?<=[{HAN}])\\s+(?=[{HAN}])")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACES_RE = re.compile(r"[ \t\r\n\f\v]+")
#: A Latin/digit code: letters and digits, joined inside by - _ . / (QR-DXC-03, 3.5, a/b).
_CODE_RE = re.compile(r"[0-9a-z]+(?:[-_./][0-9a-z]+)*")
_TOKEN_RE = re.compile(f"(?P<han>[{HAN}]+)|(?P<code>[0-9a-z]+(?:[-_./][0-9a-z]+)*)")

#: Words that carry no meaning for finding a passage: particles, pronouns, question words.
#: Kept short on purpose: 几, 多久, 内 are not here, they matter in 电话响几声 / 多久回访.
STOP_WORDS = frozenset(
    ["的", "了", "着", "过", "吗", "呢", "吧", "啊", "呀", "嘛", "哦", "哈", "么", "之", "地", "得", "所", "我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "咱们", "大家", "自己", "是", "在", "和", "与", "及", "或", "跟", "同", "把", "被", "给", "对", "向", "从", "就", "都", "也", "还", "又", "才", "很", "太", "再", "这", "那", "这个", "那个", "这些", "那些", "这样", "那样", "这种", "那种", "哪", "哪个", "哪些", "哪里", "哪儿", "什么", "怎么", "怎么办", "怎么样", "怎样", "如何", "为什么", "为何", "干什么", "干嘛", "啥", "咋", "咋办", "请问", "请教", "一下", "一些", "有些", "有没有", "是不是", "是否", "能不能", "可不可以", "要不要", "该", "应该", "应当", "需要", "要", "得要", "可以", "能", "能够", "会", "想", "去", "来", "做", "办", "弄", "搞", "有", "没有", "没", "不", "的话", "时候", "的时候", "个", "一个", "些", "事", "事情", "一件", "件事", "谁"]
)


def normalize(text: str) -> str:
    """NFKC, control characters out, scrape spaces inside Chinese removed, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text)
    text = _CJK_SPACE_RE.sub("", text)
    return text.strip()


@dataclass(frozen=True)
class Tok:
    """A term and where it is in the normalised text."""

    text: str
    start: int
    end: int
    pos: int
    sub: bool = False  # a sub-word of a longer word (search mode), not a word itself


class Vocabulary:
    """A jieba-style frequency table: word → frequency (0 for a mere prefix), and the total.

    ``cut`` is jieba's ``__cut_DAG_NO_HMM`` on one Han run: the dictionary DAG, then the route
    of maximum probability. Give it jieba's full table at index time and a subset of it at
    query time: on any text made of indexed passages both give the same words.
    """

    def __init__(self, freq: dict[str, int], total: int):
        self.freq = freq
        self.total = max(int(total), 1)
        self._logtotal = math.log(self.total)

    # jieba.Tokenizer.get_DAG
    def dag(self, s: str) -> list[list[int]]:
        freq = self.freq
        n = len(s)
        out = []
        for k in range(n):
            ends = []
            i = k
            frag = s[k]
            while i < n and frag in freq:
                if freq[frag]:
                    ends.append(i)
                i += 1
                frag = s[k : i + 1]
            out.append(ends or [k])
        return out

    def cut(self, s: str) -> list[str]:
        """The words of a Han run (jieba's cut with HMM off)."""
        if len(s) <= 1:
            return [s] if s else []
        dag = self.dag(s)
        n = len(s)
        freq = self.freq
        lt = self._logtotal
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for idx in range(n - 1, -1, -1):
            route[idx] = max((math.log(freq.get(s[idx : x + 1]) or 1) - lt + route[x + 1][0], x) for x in dag[idx])
        words = []
        x = 0
        while x < n:
            y = route[x][1] + 1
            words.append(s[x:y])
            x = y
        return words

    def subwords(self, word: str) -> Iterator[tuple[int, str]]:
        """Dictionary words inside a longer word (offset, sub-word), as cut_for_search gives them."""
        n = len(word)
        if n <= 2:
            return
        freq = self.freq
        for size in range(2, n):
            for i in range(n - size + 1):
                g = word[i : i + size]
                if freq.get(g):
                    yield i, g

    def add(self, word: str, freq: int) -> None:
        if word not in self.freq or not self.freq[word]:
            self.total += freq
            self._logtotal = math.log(self.total)
        self.freq[word] = freq
        for i in range(1, len(word)):
            self.freq.setdefault(word[:i], 0)

    def words_in(self, s: str) -> Iterator[str]:
        """Every dictionary word that occurs in a Han run (what a subset must keep to cut it alike)."""
        for k, ends in enumerate(self.dag(s)):
            for e in ends:
                yield s[k : e + 1]


def tokenize(text: str, vocab: Vocabulary, *, search: bool = True, stop: bool = True,
             normalized: bool = False) -> list[Tok]:
    """The terms of ``text``: Han words (and sub-words if ``search``), Latin/digit codes and
    their parts, and a code joined to the Han word after it (``3单元``, ``a栋``)."""
    s = text if normalized else normalize(text)
    low = s.lower()
    out: list[Tok] = []
    pos = 0
    pending_code: tuple[str, int] | None = None  # a code right before a Han run
    for m in _TOKEN_RE.finditer(low):
        if m.group("han"):
            base = m.start()
            first = True
            for w in vocab.cut(m.group()):
                wstart = base
                base += len(w)
                if pending_code and first and pending_code[1] == wstart:
                    code_start = wstart - len(pending_code[0])
                    out.append(Tok(pending_code[0] + w, code_start, base, pos))
                    pos += 1
                first = False
                if search:
                    for off, g in vocab.subwords(w):
                        if not (stop and g in STOP_WORDS):
                            out.append(Tok(g, wstart + off, wstart + off + len(g), pos, sub=True))
                if stop and w in STOP_WORDS:
                    continue
                out.append(Tok(w, wstart, base, pos))
                pos += 1
            pending_code = None
        else:
            code = m.group()
            start = m.start()
            if stop and code in STOP_WORDS:
                pending_code = None
                continue
            out.append(Tok(code, start, m.end(), pos))
            pos += 1
            pieces = re.split(r"[-_./]", code)
            if len(pieces) > 1:
                p_start = start
                for p in pieces:
                    out.append(Tok(p, p_start, p_start + len(p), pos, sub=True))
                    p_start += len(p) + 1
            # a short code touching the next Han run: A栋, 3单元, 第3步
            pending_code = (code, m.end()) if len(code) <= 4 else None
    return out


def terms(text: str, vocab: Vocabulary, **kw) -> list[str]:
    return [t.text for t in tokenize(text, vocab, **kw)]


def synonym_map(groups: Iterable[Iterable[str]]) -> dict[str, list[str]]:
    """word → the other words of every group it is in (lowercased, normalised)."""
    out: dict[str, list[str]] = {}
    for g in groups:
        words = [normalize(w).lower() for w in g if normalize(w)]
        for w in words:
            others = out.setdefault(w, [])
            for o in words:
                if o != w and o not in others:
                    others.append(o)
    return out


def grams(text: str, *, normalized: bool = False) -> list[Tok]:
    """Character bigrams of every Han run (a lone Han character stays a unigram) and the
    Latin/digit codes: a fallback field that finds a passage even where jieba cut it
    differently from the query."""
    s = text if normalized else normalize(text)
    low = s.lower()
    out: list[Tok] = []
    pos = 0
    for m in _TOKEN_RE.finditer(low):
        w = m.group()
        if m.group("han"):
            if len(w) == 1:
                if w not in STOP_WORDS:
                    out.append(Tok(w, m.start(), m.end(), pos))
                    pos += 1
                continue
            for i in range(len(w) - 1):
                out.append(Tok(w[i : i + 2], m.start() + i, m.start() + i + 2, pos))
                pos += 1
        else:
            out.append(Tok(w, m.start(), m.end(), pos))
            pos += 1
    return out


@dataclass
class Concept:
    """One thing the query asks for: a word (with its sub-words and bigrams), or a run of
    characters the dictionary does not know (searched by its bigrams)."""

    text: str
    subwords: list[str]
    bigrams: list[str]
    known: bool  # a dictionary word (or a code), not a run of unknown characters


def concepts(text: str, vocab: Vocabulary, *, normalized: bool = False) -> list[Concept]:
    """The query's concepts, stop words out: each dictionary word (and a code, with its
    parts); consecutive single characters that are not words of their own merged into one
    unknown run (周末 cut as 周 / 末 when the index has no 周末)."""
    s = text if normalized else normalize(text)
    low = s.lower()
    out: list[Concept] = []
    seen: set[str] = set()

    def add(c: Concept) -> None:
        if c.text and c.text not in seen:
            seen.add(c.text)
            out.append(c)

    def bigrams_of(w: str) -> list[str]:
        return [w[i : i + 2] for i in range(len(w) - 1)] if len(w) > 1 else [w]

    pending_code = None
    for m in _TOKEN_RE.finditer(low):
        w = m.group()
        if not m.group("han"):
            if w in STOP_WORDS:
                continue
            parts = [p for p in re.split(r"[-_./]", w) if p]
            add(Concept(w, parts if len(parts) > 1 else [], [w], True))
            pending_code = (w, m.end())
            continue
        words = vocab.cut(w)
        run = ""

        def flush() -> None:
            nonlocal run
            if not run:
                return
            if len(run) == 1:
                add(Concept(run, [], [run], True))
            else:
                add(Concept(run, [], bigrams_of(run), False))
            run = ""

        for i, word in enumerate(words):
            if word in STOP_WORDS:
                flush()
                continue
            if len(word) == 1 and not vocab.freq.get(word):
                run += word
                continue
            if len(word) == 1:
                # a single-character word: a run if its neighbours are single characters too
                prev_single = i > 0 and len(words[i - 1]) == 1 and words[i - 1] not in STOP_WORDS
                next_single = i + 1 < len(words) and len(words[i + 1]) == 1 and words[i + 1] not in STOP_WORDS
                if prev_single or next_single:
                    run += word
                    continue
            flush()
            subs = [g for _, g in vocab.subwords(word) if g not in STOP_WORDS]
            add(Concept(word, subs, bigrams_of(word), True))
        flush()
        if pending_code and pending_code[1] == m.start() and words:
            add(Concept(pending_code[0] + words[0], [], [pending_code[0] + words[0]], True))
        pending_code = None
    return out
