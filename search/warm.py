"""Build jieba's dictionary cache ahead (``python -m search.warm``), in .cache/ which the
project owns, so that a cold ``handbook search`` does not spend a second building it."""

from __future__ import annotations

from search.segment import JIEBA_CACHE, segmenter

if __name__ == "__main__":
    segmenter()
    print(f"jieba cache: {JIEBA_CACHE}")
