"""``handbook quiz``: the question bank, its checks, papers and exports. Thin: each
command parses its input, calls one library function and turns errors into messages
(exit 1: the content or the bank has problems; exit 2: the arguments are invalid)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from builder.cli.main import content_option, forms_option


def _load(content_dir: Path, forms_dir: Path):
    from builder.core.check import load_valid
    from builder.core.errors import ContentError
    from builder.quiz.bank import build_bank

    try:
        content = load_valid(content_dir, forms_dir)
    except ContentError as e:
        for p in e.problems:
            click.echo(str(p), err=True)
        click.echo(f"{len(e.problems)} content problem(s): run `handbook check` and fix them first", err=True)
        sys.exit(1)
    return content, build_bank(content)


def _usage(problems: list[str]) -> None:
    for p in problems:
        click.echo(f"error: {p}", err=True)
    sys.exit(2)


@click.group("quiz", context_settings={"help_option_names": ["-h", "--help"]})
def quiz() -> None:
    """The question bank: authored questions and questions generated from content/.

    \b
    handbook quiz bank                       counts by type, topic, post, difficulty
    handbook quiz check                      wrong or stale questions (exit 1 if any)
    handbook quiz check --update             accept the current sources into content/quiz.lock.json
    handbook quiz paper --role kefu-yuan --count 20 --seed 1 --format docx,pdf --out papers/
    handbook quiz export --format moodle --out build/quiz.xml
    """


@quiz.command("bank")
@content_option
@forms_option
@click.option("--json", "as_json", is_flag=True, help="print the counts as JSON")
@click.option("--list", "as_list", is_flag=True, help="print every question (JSON lines)")
def bank_cmd(content_dir: Path, forms_dir: Path, as_json: bool, as_list: bool) -> None:
    """Count the bank's questions by type, topic, post, difficulty and kind of content.

    \b
    Example:
      handbook quiz bank
      handbook quiz bank --json
    """
    from builder.quiz.bank import counts, topic_label

    content, bank = _load(content_dir, forms_dir)
    if as_list:
        for q in bank.questions:
            click.echo(json.dumps(q.public(), ensure_ascii=False))
        return
    data = counts(bank, content)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    titles = {r.id: r.title for r in content.of_kind("role")}
    click.echo(f"{data['total']['questions']} questions")
    for key, label in (("type", "by type"), ("topic", "by topic"), ("post", "by post"),
                       ("difficulty", "by difficulty"), ("kind", "by kind of content"), ("origin", "by origin")):
        click.echo(f"\n{label}:")
        for k, v in data[key].items():
            name = titles.get(k, "") if key == "post" else topic_label(content, k) if key in ("topic", "kind") else ""
            click.echo(f"  {k:<24} {v:>5}  {name}".rstrip())


@quiz.command("check")
@content_option
@forms_option
@click.option("--update", is_flag=True,
              help="after reviewing the stale questions, record the current source hashes in the lock file")
def check_cmd(content_dir: Path, forms_dir: Path, update: bool) -> None:
    """Check every question: right key, fair distractors, source found, source unchanged.

    Prints one line per problem: `wrong: <id>: …` (the key or an option is not right),
    `missing: <id>: …` (an authored question's anchor no longer exists), `stale: <id>: …`
    (the source text changed since the question was made). Exit 1 if any.

    Staleness is judged against content/quiz.lock.json, committed with the content: it
    maps each question id to the sha256 of its source text when the questions were last
    reviewed. After reviewing the stale questions, `--update` rewrites the lock (it
    refuses while any question is wrong or missing).

    \b
    Example:
      handbook quiz check
      handbook quiz check --update
    """
    from builder.quiz.check import check_all, lock_path, write_lock

    content, bank = _load(content_dir, forms_dir)
    lock_file = lock_path(content_dir)
    report = check_all(content, bank, lock_file)
    for issue in report.issues:
        click.echo(str(issue))
    if update:
        if report.issues:
            click.echo(f"{len(report.issues)} wrong or missing question(s): not updating {lock_file}", err=True)
            sys.exit(1)
        write_lock(bank, lock_file)
        click.echo(f"wrote {lock_file}: {len(bank)} questions "
                   f"({len(report.lock.stale)} were stale, {len(report.lock.new)} new, {len(report.lock.gone)} gone)",
                   err=True)
        return
    for issue in report.lock.stale:
        click.echo(str(issue))
    if report.lock.new:
        click.echo(f"note: {len(report.lock.new)} question(s) not yet in {lock_file.name} "
                   "(new; `handbook quiz check --update` records them)", err=True)
    if report.lock.gone:
        click.echo(f"note: {len(report.lock.gone)} locked question(s) no longer in the bank", err=True)
    if report.failed:
        click.echo(f"{len(report.issues)} wrong/missing, {len(report.lock.stale)} stale of {report.total} questions",
                   err=True)
        sys.exit(1)
    click.echo(f"ok: {report.total} questions, none wrong, none stale", err=True)


@quiz.command("paper")
@content_option
@forms_option
@click.option("--role", help="a post id (content/roles/<id>.yaml): only what that post must know")
@click.option("--topic", help="a tag (content/tags.yaml) or a kind (fact, procedure …)")
@click.option("--difficulty", help="1, 2 or 3")
@click.option("--count", help="how many questions (required)")
@click.option("--seed", help="an integer: the same seed gives the same paper (required)")
@click.option("--format", "formats", default="docx,pdf", show_default=True, help="docx, pdf, json (comma-separated)")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="folder for the files; without it, --format json prints to stdout")
@click.option("--title", default="物业客服部岗位知识测试", show_default=True, help="the paper's title")
def paper_cmd(content_dir: Path, forms_dir: Path, role: str | None, topic: str | None, difficulty: str | None,
              count: str | None, seed: str | None, formats: str, out_dir: Path | None, title: str) -> None:
    """Set a paper and its answer key: reproducible by seed, topics balanced.

    Writes <out>/quiz-<role>-s<seed>-paper.docx / -key.docx / -paper.pdf / -key.pdf /
    .json. The candidate's paper has name, post, date and score boxes; the key gives
    each answer with its explanation and source.

    \b
    Example:
      handbook quiz paper --role kefu-yuan --count 20 --seed 7 --format docx,pdf --out papers/
      handbook quiz paper --topic tousu --count 5 --seed 1 --format json
    """
    from builder.quiz.paper import PaperError, PaperSpec, draw, paper_json, parse_formats, validate_spec, write_paper

    fmts, problems = parse_formats(formats)
    numbers: dict[str, int | None] = {}
    for name, value, required in (("count", count, True), ("seed", seed, True), ("difficulty", difficulty, False)):
        if value is None:
            numbers[name] = None
            if required:
                problems.append(f"--{name}: required")
            continue
        try:
            numbers[name] = int(value)
        except ValueError:
            problems.append(f"--{name}: '{value}' is not a whole number")
            numbers[name] = None
    if out_dir is None and fmts != ["json"]:
        problems.append("--out: give a folder for docx/pdf papers (only --format json prints to stdout)")
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        problems.append(f"--out: {out_dir} is a file; give a folder")
    content, bank = _load(content_dir, forms_dir)
    # a missing count is reported above; validate the rest as if one question were asked
    spec = PaperSpec(count=1 if numbers["count"] is None else numbers["count"], seed=numbers["seed"] or 0,
                     role=role, topic=topic, difficulty=numbers["difficulty"], title=title)
    problems += validate_spec(spec, content, bank)
    if problems:
        _usage(problems)
    try:
        paper = draw(bank, content, spec)
    except PaperError as e:
        _usage(e.problems)
    if out_dir is None:
        click.echo(paper_json(paper), nl=False)
        return
    for path in write_paper(paper, fmts, out_dir):
        click.echo(str(path))


@quiz.command("export")
@content_option
@forms_option
@click.option("--format", "fmt", required=True, help="moodle (Moodle XML), gift, or anki (.apkg)")
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True, help="the file to write")
@click.option("--role", help="only the questions of one post")
def export_cmd(content_dir: Path, forms_dir: Path, fmt: str, out_file: Path, role: str | None) -> None:
    """Export the bank for Moodle (XML, a category per topic), GIFT, or Anki.

    Anki notes keep a stable GUID per question id, so importing a re-export updates the
    cards instead of duplicating them.

    \b
    Example:
      handbook quiz export --format moodle --out build/quiz.xml
      handbook quiz export --format gift --out build/quiz.gift
      handbook quiz export --format anki --out build/quiz.apkg
    """
    from builder.quiz.bank import Bank, filter_questions
    from builder.quiz.export import EXPORTERS, export

    problems = []
    if fmt not in EXPORTERS:
        problems.append(f"--format: unknown format '{fmt}'; use one of {', '.join(EXPORTERS)}")
    if out_file.exists() and out_file.is_dir():
        problems.append(f"--out: {out_file} is a folder; give a file name")
    if problems:
        _usage(problems)
    content, bank = _load(content_dir, forms_dir)
    if role:
        if role not in {r.id for r in content.of_kind("role")}:
            _usage([f"--role: unknown post '{role}'"])
        bank = Bank(questions=filter_questions(bank, role=role))
    export(bank, content, fmt, out_file)
    click.echo(f"{out_file}: {len(bank)} questions", err=True)
