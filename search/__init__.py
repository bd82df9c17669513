"""Search: the Chinese analyzer, the whoosh index and queries with snippets.

Stages, one module each (nothing heavy is imported here, so ``handbook search`` starts fast):

- ``analyzer``   NFKC, scrape spaces out, jieba's DAG cut over a frequency table, codes kept;
                 query concepts (a word, its sub-words, its bigrams; unknown runs as bigrams)
- ``documents``  the sections a person lands on: items, their parts, forms, glossary terms
- ``index``      ``build_index(content, out_dir)``: fresh temp dir, verified, symlink swap,
                 one writer (flock); ``open_index``; the vocabulary and synonyms stored beside it
- ``query``      ``search(q, limit=10, kind=None, role=None) -> list[Result]``; ``Searcher``
- ``snippet``    escaped, ``<mark>``-highlighted windows of a section's text
- ``cli``        ``handbook search`` / ``handbook index``
- ``web``        Flask blueprint ``bp``: ``/search`` and ``/api/search``
- ``userdict``   ``write_jieba_userdict(dictionary, path)`` for the site's own search box
- ``segment``/``warm``  jieba with its cache in .cache/ (``python -m search.warm``)

Words: content/dictionary.yaml (words, synonyms), the glossary's synonyms, and staff-speak
in search/synonyms.txt.
"""
