"""Our analyzer (:mod:`search.analyzer`) as whoosh Tokenizers, so that the index is analysed
exactly as queries are. Not jieba's ``ChineseAnalyzer``: that one stems English, drops
digits and single letters (``A栋 1单元`` → ``栋``, ``单元``) and costs a second at import.

One field holds a section's title, heading, other names and text, separated by ``SECTION``;
each token carries the weight of its part (whoosh sums token boosts into the term's weight,
which BM25 reads as its frequency). So a title word counts three times a body word, with one
document frequency and one length for the whole section — BM25F, rather than whoosh's sum of
per-field scores, where a common word in a short title outweighs a rare one in the body.
"""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from search.analyzer import Vocabulary, grams, tokenize

SECTION = "\x1e"
#: title, heading (the item's title above a part), keywords (aliases, tags, codes), text.
SECTION_WEIGHTS = (3.0, 1.5, 1.5, 1.0)
#: an index-time sub-word (装修 inside 装修备案表) is worth less than a word of its own.
SUB_WEIGHT = 0.5


def sections(title: str, heading: str, keywords: str, text: str) -> str:
    return SECTION.join(x.replace(SECTION, " ") for x in (title, heading, keywords, text))


class HandbookTokenizer(Tokenizer):
    """Words, sub-words and codes of :func:`search.analyzer.tokenize`, stop words removed,
    weighted by the section they are in.

    The vocabulary is not pickled with the index's schema (it is stored beside it, see
    :mod:`search.index`); an analyzer unpickled from an index must be given one with
    :meth:`bind` before it can analyse text."""

    def __init__(self, vocab: Vocabulary | None = None):
        self.vocab = vocab

    def bind(self, vocab: Vocabulary) -> HandbookTokenizer:
        self.vocab = vocab
        return self

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.vocab = None

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def _tokens(self, value: str):
        if self.vocab is None:
            raise RuntimeError("the handbook analyzer has no vocabulary: open the index with search.index.open_index")
        for tok in tokenize(value, self.vocab):
            yield tok, (SUB_WEIGHT if tok.sub else 1.0)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        parts = value.split(SECTION)
        pos = start_pos
        offset = start_char
        for i, part in enumerate(parts):
            weight = SECTION_WEIGHTS[i] if len(parts) > 1 and i < len(SECTION_WEIGHTS) else 1.0
            last = pos
            for tok, w in self._tokens(part):
                t.text = tok.text
                t.boost = weight * w
                t.stopped = False
                if keeporiginal:
                    t.original = tok.text
                if positions:
                    t.pos = pos + tok.pos
                    last = max(last, t.pos + 1)
                if chars:
                    t.startchar = offset + tok.start
                    t.endchar = offset + tok.end
                yield t
            pos = last
            offset += len(part) + 1


class GramTokenizer(HandbookTokenizer):
    """Han character bigrams and codes (:func:`search.analyzer.grams`): the fallback field."""

    def _tokens(self, value: str):
        for tok in grams(value):
            yield tok, 1.0


def handbook_analyzer(vocab: Vocabulary | None = None) -> HandbookTokenizer:
    return HandbookTokenizer(vocab)
