"""Our analyzer (:mod:`search.analyzer`) as a whoosh Tokenizer, so that the index's text
fields are analysed exactly as queries are. Not jieba's ``ChineseAnalyzer``: that one stems
English, drops digits and single letters (``A栋 1单元`` → ``栋``, ``单元``) and costs a
second at import."""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from .analyzer import Vocabulary, tokenize


class HandbookTokenizer(Tokenizer):
    """Words, sub-words and codes of :func:`search.analyzer.tokenize`, stop words removed.

    The vocabulary is not pickled with the index's schema (it is stored beside it, see
    :mod:`search.index`); an analyzer unpickled from an index must be given one with
    :meth:`bind` before it can analyse text."""

    def __init__(self, vocab: Vocabulary | None = None):
        self.vocab = vocab

    def bind(self, vocab: Vocabulary) -> "HandbookTokenizer":
        self.vocab = vocab
        return self

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.vocab = None

    def __eq__(self, other):
        return isinstance(other, HandbookTokenizer)

    def __hash__(self):
        return hash(HandbookTokenizer)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if self.vocab is None:
            raise RuntimeError("the handbook analyzer has no vocabulary: open the index with search.index.open_index")
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for tok in _tokenize(value, self.vocab):
            t.text = tok.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = tok.text
            if positions:
                t.pos = start_pos + tok.pos
            if chars:
                t.startchar = start_char + tok.start
                t.endchar = start_char + tok.end
            yield t


_tokenize = tokenize


def handbook_analyzer(vocab: Vocabulary | None = None) -> HandbookTokenizer:
    return HandbookTokenizer(vocab)
