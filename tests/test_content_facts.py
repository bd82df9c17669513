"""Facts (应知应会), the property profile, legal notes, the dictionary and the numeric coverage list.

The coverage list (tests/data/numeric_phrases.txt) holds every numeric rule and time limit of the
manuals as the phrase it appears in; each must be in the manual and in content/ after the same
normalisation the search uses (NFKC, whitespace removed).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

from builder.core.check import check
from builder.core.load import read_yaml, to_plain

CONTENT = ROOT / "content"
PHRASES = Path(__file__).parent / "data" / "numeric_phrases.txt"
MANUAL = ROOT.parent / "shared" / "manuals" / "customer-service-manuals.txt"
MY_PATHS = ("content/facts/", "content/legal/", "content/dictionary.yaml", "content/profile.yaml")
ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零〇]+条$")
PROFILE_REF = re.compile(r"物业概况「([^」›]+?)(?: › ([^」]+))?」")


def normalise(text: str) -> str:
    """NFKC, then every whitespace character removed (the manuals are full of scrape spaces)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def content_text(content) -> str:
    """Every string value of every item and single file of content/, normalised, one per line."""
    out = [s for data in content.raw.values() for s in strings(to_plain(data))]
    for path in sorted(content.root.glob("*.yaml")):
        data, errors = read_yaml(path, str(path))
        assert not errors, errors
        out += strings(to_plain(data))
    return "\n".join(normalise(s) for s in out)


def phrases() -> list[str]:
    lines = PHRASES.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def missing(wanted: list[str], corpus: str) -> list[str]:
    return [p for p in wanted if normalise(p) not in corpus]


@pytest.fixture(scope="module")
def checked():
    """The real content and every problem `handbook check` finds in it (loaded once)."""
    return check(CONTENT, ROOT / "forms")


@pytest.fixture(scope="module")
def content(checked):
    return checked[0]


@pytest.fixture(scope="module")
def manual_text() -> str:
    if not MANUAL.exists():
        pytest.skip(f"source manual not found at {MANUAL}")
    return MANUAL.read_text(encoding="utf-8")


# --- the normaliser and the coverage check itself ---------------------------
def test_normalise_removes_scrape_spaces_and_folds_width():
    assert normalise("《装 修备案表》") == "《装修备案表》"
    assert normalise("７２小时内 有回复") == "72小时内有回复"
    assert missing(["七十二天内回访", "两天内回访"], normalise("安全设施维修两天内回访")) == ["七十二天内回访"]


def test_phrase_list_is_well_formed():
    found = phrases()
    assert len(found) >= 45
    dupes = [p for p, n in Counter(found).items() if n > 1]
    assert not dupes, f"phrases listed twice: {dupes}"


def test_every_phrase_is_in_the_manual(manual_text):
    source = normalise(manual_text)
    assert missing(phrases(), source) == [], "a listed phrase is not in the manual: fix the list"


def test_every_numeric_phrase_is_in_content(content):
    assert missing(phrases(), content_text(content)) == [], "numeric rules of the manuals that content/ does not hold"


# --- facts --------------------------------------------------------------------
def test_at_least_sixty_facts(content):
    facts = content.of_kind("fact")
    assert len(facts) >= 60
    assert sum(1 for f in facts if f.figure) >= 45, "most facts state a figure"


def test_figure_is_in_answer_and_quote(content):
    bad = [f.id for f in content.of_kind("fact") if f.figure and not (f.figure in f.answer and f.quote and f.figure in f.quote)]
    assert bad == []


def test_every_fact_quotes_its_manual_line(content, manual_text):
    """The quote, after the item's own mends, is on the line its source names."""
    lines = manual_text.split("\n")
    wrong = []
    for fact in content.of_kind("fact"):
        assert fact.quote and fact.source, fact.id
        for src in fact.source:
            assert src.lines, f"{fact.id}: source {src.manual} has no line"
            first = int(src.lines.split("-")[0])
            last = int(src.lines.split("-")[-1])
            raw = "".join(lines[first - 1:last])
            for mend in fact.mends:
                raw = raw.replace(mend.original, mend.mended)
            if normalise(fact.quote) not in normalise(raw):
                wrong.append(f"{fact.id}: {src.manual} line {src.lines}")
    assert wrong == []


def test_mends_are_real_repairs(content, manual_text):
    """Each recorded mend's original text is really in the manual."""
    bad = [(f.id, m.original) for f in content.of_kind("fact") for m in f.mends if m.original not in manual_text]
    assert bad == []


# --- the property profile -----------------------------------------------------
def test_profile_is_marked_as_example(content):
    profile = content.profile
    assert profile is not None, "content/profile.yaml is missing"
    assert profile.example is True
    assert "示例" in profile.name
    titles = {s.title for s in profile.sections}
    assert {"小区概况", "收费标准", "社区配套", "常用联系电话"} <= titles


def test_profile_facts_point_at_real_entries(content):
    sections = {s.title: {e.label for e in s.entries} for s in content.profile.sections}
    pointing = 0
    for fact in content.of_kind("fact"):
        for title, label in PROFILE_REF.findall(fact.answer):
            pointing += 1
            assert title in sections, f"{fact.id}: no profile section '{title}'"
            assert not label or label in sections[title], f"{fact.id}: no entry '{label}' in '{title}'"
    assert pointing >= 15


# --- legal notes ----------------------------------------------------------------
def test_legal_notes_cite_their_articles(content):
    notes = content.of_kind("legal")
    assert len(notes) >= 8
    for note in notes:
        assert note.status == "draft", f"{note.id}: the manuals give no law text, so it is a draft"
        assert note.law and note.articles, note.id
        for art in note.articles:
            assert ARTICLE.match(art.article), f"{note.id}: '{art.article}' is not 第…条"
            assert art.desk and art.text
        numbers = [a.article for a in note.articles]
        assert len(numbers) == len(set(numbers)), f"{note.id}: an article is cited twice"


# --- dictionary -----------------------------------------------------------------
def test_dictionary_sizes_and_groups(content):
    d = content.dictionary
    assert len(set(d.words)) >= 200
    assert len(d.synonyms) >= 40
    seen: dict[str, int] = {}
    for i, group in enumerate(d.synonyms):
        assert len(set(group)) == len(group), f"group {i} repeats a word: {group}"
        for word in group:
            assert word not in seen, f"'{word}' is in synonym groups {seen[word]} and {i}"
            seen[word] = i
    groups = [set(g) for g in d.synonyms]
    for first in ({"业主", "业户", "住户"}, {"入伙", "入住", "收楼", "交房"}, {"报修", "维修"}):
        assert any(first <= g for g in groups), f"the original group {sorted(first)} was lost"


def test_dictionary_words_come_from_the_manuals(content, manual_text):
    source = normalise(manual_text)
    words = list(dict.fromkeys(content.dictionary.words))
    from_manual = [w for w in words if normalise(w) in source]
    assert len(from_manual) >= 0.9 * len(words)


# --- check ----------------------------------------------------------------------
def test_my_files_pass_check(checked):
    _, problems = checked
    mine = [str(p) for p in problems if p.path.startswith(MY_PATHS)]
    assert mine == []
