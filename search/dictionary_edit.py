"""Add a word or a synonym to content/dictionary.yaml from the editors' page: a round trip
through ruamel.yaml, so the file's comments, order and layout stay as the editors wrote them;
written atomically. The index picks the word up when it is next built."""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

_WORD_RE = re.compile(r"^[\u3400-\u9fff0-9A-Za-z·\-]{1,20}$")


class DictionaryEditError(ValueError):
    """The word cannot be added; the message says why (in Chinese, for the editor)."""


def _check(word: str) -> str:
    w = (word or "").strip()
    if not _WORD_RE.match(w):
        raise DictionaryEditError(f"“{w[:30]}”不是一个词: 只能是 1–20 个汉字、字母或数字")
    return w


def _load(path: Path):
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: comments and layout kept
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise DictionaryEditError(f"{path}: 不是词典文件(应有 words 和 synonyms)")
    return yaml, data


def _save(yaml, data, path: Path) -> None:
    buf = io.StringIO()
    yaml.dump(data, buf)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(buf.getvalue())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_word(path: Path | str, word: str) -> str:
    """Add ``word`` to ``words`` (kept whole when text is cut). Returns what was done."""
    path = Path(path)
    w = _check(word)
    yaml, data = _load(path)
    words = data.setdefault("words", [])
    if w in words:
        return f"“{w}”已在词典中"
    words.append(w)
    _save(yaml, data, path)
    return f"已把“{w}”加入词典"


def add_synonym(path: Path | str, word: str, same_as: str) -> str:
    """Put ``word`` in the synonym group of ``same_as`` (a new group of the two if it has
    none). A word sits in one group only."""
    path = Path(path)
    w, other = _check(word), _check(same_as)
    if w == other:
        raise DictionaryEditError("同义词不能是同一个词")
    yaml, data = _load(path)
    groups = data.setdefault("synonyms", [])
    mine = next((g for g in groups if w in g), None)
    theirs = next((g for g in groups if other in g), None)
    if mine is not None and mine is theirs:
        return f"“{w}”和“{other}”已是同义词"
    if mine is not None:
        raise DictionaryEditError(f"“{w}”已在另一组同义词中: {'、'.join(mine)}")
    if theirs is not None:
        theirs.append(w)
    else:
        from ruamel.yaml.comments import CommentedSeq

        g = CommentedSeq([other, w])
        g.fa.set_flow_style()
        groups.append(g)
    _save(yaml, data, path)
    return f"已把“{w}”作为“{other}”的同义词"
