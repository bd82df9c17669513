"""``handbook search`` and ``handbook index``. Thin, and quick to start: nothing but click
is imported until a command runs, and a search reads only the index (no YAML, no jieba)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="print a JSON list of {id, title, url, snippet, text, …}")
@click.option("--limit", "-n", type=click.IntRange(1, 100), default=10, show_default=True, help="how many results")
@click.option("--kind", "-k", default=None,
              help="only this kind: role etiquette procedure policy legal fact case form glossary (or 流程, 制度 …)")
@click.option("--role", "-r", default=None, help="only what this post must know, e.g. kefu-yuan")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="the index folder (default: build/index; built if missing)")
def search_cmd(query: tuple[str, ...], as_json: bool, limit: int, kind: str | None, role: str | None,
               index_dir: Path | None) -> None:
    """Search the handbook the way you would ask a colleague.

    \b
    Examples:
      handbook search 电话响几声要接
      handbook search 装修要交哪些资料 --kind procedure --limit 5
      handbook search 投诉 --role kefu-yuan --json
    """
    from search.index import IndexError_
    from search.query import BadFilter, Searcher

    searcher = Searcher(index_dir)
    try:
        answer = searcher.run(" ".join(query), limit=limit, kind=kind, role=role)
    except BadFilter as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except IndexError_ as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    if searcher.rebuilt:
        click.echo("(索引不存在或已损坏, 已重新建立)", err=True)
    if as_json:
        import json

        keys = ("id", "title", "title_path", "url", "snippet", "text", "score", "kind")
        click.echo(json.dumps([{k: getattr(r, k) for k in keys} for r in answer.results], ensure_ascii=False, indent=2))
        if answer.message:
            click.echo(answer.message, err=True)
        return
    if answer.message:
        click.echo(answer.message)
    for n, r in enumerate(answer.results, 1):
        click.echo(f"{n}. {r.title_path}")
        click.echo(f"   {_plain(r.snippet)}")
        click.echo(f"   {r.url}")


def _plain(snippet: str) -> str:
    """A snippet for a terminal: 【】 around matches, entities decoded."""
    from html import unescape

    return unescape(snippet.replace("<mark>", "【").replace("</mark>", "】"))


@click.command("index")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=None,
              help="the content folder (default: content/)")
@click.option("--forms", "forms_dir", type=click.Path(path_type=Path), default=None,
              help="the forms folder (default: forms/)")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="the index folder (default: build/index)")
def index_cmd(content_dir: Path | None, forms_dir: Path | None, out_dir: Path | None) -> None:
    """Build the search index from content/ and forms/, then swap it in atomically.

    \b
    Example:
      handbook index && handbook search 收楼要带什么
    """
    from search.index import IndexError_, build_from_files

    try:
        meta = build_from_files(content_dir, forms_dir, out_dir)
    except IndexError_ as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    note = f", {meta['content_problems']} content problem(s) skipped: run `handbook check`" if meta.get("content_problems") else ""
    click.echo(f"index: {meta['documents']} sections in {meta['seconds']:.1f} s → {meta['path']}{note}")
