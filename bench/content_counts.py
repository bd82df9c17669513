"""Counts of the knowledge base: items per kind, per status, per manual cited; the
glossary and dictionary sizes. Prints, asserts nothing.

    .venv/bin/python bench/content_counts.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.core.check import load_valid  # noqa: E402
from builder.core.formspec import load_specs  # noqa: E402
from builder.core.model import KIND_LABELS, MANUALS  # noqa: E402
from builder.core.paths import FORMS_DIR  # noqa: E402


def main() -> None:
    content = load_valid()
    by = Counter((i.kind, i.status) for i in content)
    print(f"{'kind':10} {'sourced':>8} {'outline':>8} {'draft':>6} {'total':>6}")
    for kind, label in KIND_LABELS.items():
        row = [by[(kind, s)] for s in ("sourced", "outline", "draft")]
        print(f"{kind:10} {row[0]:8} {row[1]:8} {row[2]:6} {sum(row):6}  {label}")
    totals = [sum(by[(k, s)] for k in KIND_LABELS) for s in ("sourced", "outline", "draft")]
    print(f"{'all':10} {totals[0]:8} {totals[1]:8} {totals[2]:6} {sum(totals):6}")
    cited = Counter(s.manual for i in content for s in i.source)
    print("items citing each manual:", ", ".join(f"{m} {cited.get(m, 0)}" for m in MANUALS))
    parts = sum(len(i.parts()) for i in content)
    print(f"landing sections (parts): {parts}; mends recorded: {sum(len(i.mends) for i in content)}")
    print(f"glossary terms: {len(content.glossary.terms)}; dictionary words: {len(content.dictionary.words)}, "
          f"synonym groups: {len(content.dictionary.synonyms)}")
    specs, _ = load_specs(FORMS_DIR)
    print(f"forms: {len(specs)}")


if __name__ == "__main__":
    main()
