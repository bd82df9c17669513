"""``handbook quiz``: the question bank, its checks, papers and exports. Thin: each
command parses its input, calls one library function and turns errors into messages
(exit 1: the content or the bank has problems; exit 2: the arguments are invalid)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from builder.cli.main import content_option, forms_option


def _load(content_dir: Path, forms_dir: Path, include_draft: bool = False):
    from builder.core.errors import ContentError
    from builder.core.project import load_valid_project
    from builder.quiz.bank import bank_for

    try:
        project = load_valid_project(content_dir, forms_dir)
        return project.content, bank_for(project, include_draft=include_draft)
    except ContentError as e:
        for p in e.problems:
            click.echo(str(p), err=True)
        click.echo(f"{len(e.problems)} content problem(s): run `handbook check` and fix them first", err=True)
        sys.exit(1)


draft_option = click.option("--include-draft", is_flag=True,
                            help="also questions made from drafts (marked 待审核 on the paper itself)")


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
    handbook quiz paper --role kefu-yuan --count 20 --seed 1 --mix dianhua+jiedai=40,baoxiu+huifang=30,*=30 --out papers/
    handbook quiz review --out review.xlsx   the trainer's sheet: 采用 / 修改 / 弃用 each question
    handbook quiz review --apply review.xlsx store the decisions in content/quiz.review.json
    handbook quiz coverage                   what a post must know that no question asks
    handbook quiz export --format moodle --out build/quiz.xml

    Approved material only; --include-draft adds drafts' questions (marked 待审核).
    """


@quiz.command("bank")
@content_option
@forms_option
@click.option("--json", "as_json", is_flag=True, help="print the counts as JSON")
@click.option("--list", "as_list", is_flag=True, help="print every question (JSON lines)")
@draft_option
def bank_cmd(content_dir: Path, forms_dir: Path, as_json: bool, as_list: bool, include_draft: bool) -> None:
    """Count the bank's questions by type, topic, post, difficulty and kind of content.

    \b
    Example:
      handbook quiz bank
      handbook quiz bank --json
      handbook quiz bank --include-draft
    """
    from builder.quiz.bank import counts, topic_label

    content, bank = _load(content_dir, forms_dir, include_draft)
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
                       ("difficulty", "by difficulty"), ("kind", "by kind of content"), ("origin", "by origin"),
                       ("family", "by generator"), ("status", "by source status"), ("held", "held for a trainer's 采用"),
                       ("refused", "refused, by rule")):
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

    content, bank = _load(content_dir, forms_dir, include_draft=True)  # drafts' questions must be right too
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
@click.option("--mix", default="", help="a blueprint: topics and their share, e.g. dianhua+jiedai=40,baoxiu+huifang=30,*=30")
@click.option("--levels", default="", help="a difficulty mix, e.g. 1=50,2=40,3=10")
@click.option("--date", "date", default="", help="the paper's date, YYYY-MM-DD (its number: 客服员-2026-12-01); today if not given")
@draft_option
def paper_cmd(content_dir: Path, forms_dir: Path, role: str | None, topic: str | None, difficulty: str | None,
              count: str | None, seed: str | None, formats: str, out_dir: Path | None, title: str, mix: str,
              levels: str, date: str, include_draft: bool) -> None:
    """Set a paper and its answer key by blueprint: reproducible by seed.

    Writes <out>/<number>-paper.docx / -key.docx / -paper.pdf / -key.pdf / .json, the
    number being post and date (客服员-2026-12-01); the seed is printed beside it. Questions
    come from approved material (drafts only with --include-draft, marked 待审核 on the
    paper); never two that ask the same thing or give each other away. The key cites
    each answer's manual and section by title.

    \b
    Example:
      handbook quiz paper --role kefu-yuan --count 20 --seed 7 --format docx,pdf --out papers/
      handbook quiz paper --role kefu-yuan --count 20 --seed 7 --mix dianhua+jiedai=40,baoxiu+huifang=30,*=30 --out papers/
      handbook quiz paper --topic tousu --count 5 --seed 1 --format json
    """
    from builder.quiz.paper import (
        PaperError,
        PaperSpec,
        draw,
        paper_json,
        parse_formats,
        parse_levels,
        parse_mix,
        validate_spec,
        write_paper,
    )

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
    content, bank = _load(content_dir, forms_dir, include_draft)
    parts, mix_problems = parse_mix(mix, content)
    level_shares, level_problems = parse_levels(levels)
    problems += mix_problems + level_problems
    # a missing count is reported above; validate the rest as if one question were asked
    spec = PaperSpec(count=1 if numbers["count"] is None else numbers["count"], seed=numbers["seed"] or 0,
                     role=role, topic=topic, difficulty=numbers["difficulty"], title=title, mix=parts,
                     levels=level_shares, date=date)
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


@quiz.command("review")
@content_option
@forms_option
@click.option("--out", "out_file", type=click.Path(path_type=Path), help="write the review sheet (XLSX)")
@click.option("--apply", "apply_file", type=click.Path(path_type=Path),
              help="read a filled-in sheet and store its decisions in content/quiz.review.json")
def review_cmd(content_dir: Path, forms_dir: Path, out_file: Path | None, apply_file: Path | None) -> None:
    """The trainer's review sheet: every question, its source, and a decision to make.

    Every generated and authored question is listed (drafts' too, marked 待审核) with its
    state — in the bank, held until a trainer adopts it, or refused by a rule with the reason —
    and its source by manual title and section. Mark 决定 as 采用, 修改 (fill in the new
    wording) or 弃用, then apply the sheet: the decisions are stored by question id in
    content/quiz.review.json and survive regeneration.

    \b
    Example:
      handbook quiz review --out review.xlsx
      handbook quiz review --apply review.xlsx
    """
    from builder.core.errors import HandbookError
    from builder.quiz.review import read_decisions, write_decisions
    from builder.quiz.sheet import merge, read_xlsx, rows, write_xlsx

    if (out_file is None) == (apply_file is None):
        _usage(["give one of --out review.xlsx (write the sheet) or --apply review.xlsx (store its decisions)"])
    if out_file is not None and out_file.exists() and out_file.is_dir():
        _usage([f"--out: {out_file} is a folder; give a file name"])
    if apply_file is not None and not apply_file.is_file():
        _usage([f"--apply: {apply_file} does not exist"])
    content, bank = _load(content_dir, forms_dir, include_draft=True)
    try:
        stored = read_decisions(content_dir)
        if out_file is not None:
            write_xlsx(bank, stored, out_file)
            click.echo(f"{out_file}: {len(rows(bank))} questions", err=True)
            return
        assert apply_file is not None
        known = {r.question.id: r.question for r in rows(bank)}
        new = read_xlsx(apply_file, known)
    except HandbookError as e:
        for line in e.lines():
            click.echo(f"error: {line}", err=True)
        sys.exit(e.exit_code)
    path = write_decisions(content_dir, merge(stored, new))
    counts = {d: sum(1 for x in new.values() if x.decision == d) for d in ("采用", "修改", "弃用")}
    click.echo(f"{path}: {len(new)} decision(s) stored (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")",
               err=True)


@quiz.command("coverage")
@content_option
@forms_option
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def coverage_cmd(content_dir: Path, forms_dir: Path, as_json: bool) -> None:
    """What a post must know that no question asks: every sourced fact's figure, every time
    limit and every step of a procedure, with the reason it is not asked.

    \b
    Example:
      handbook quiz coverage
    """
    from builder.quiz.coverage import coverage

    content, bank = _load(content_dir, forms_dir)
    report = coverage(content, bank)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        click.echo(line)
