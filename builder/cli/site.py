"""`handbook build` and `handbook serve`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from builder.core.paths import ROOT, SITE_DIR


@click.command("build")
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=SITE_DIR, show_default=True,
              help="where to write the site")
@click.option("--no-index", is_flag=True, help="skip the search index")
def build_cmd(site_dir: Path, no_index: bool) -> None:
    """Check content, build the staff site (strict) and the search index.

    The site is built aside and swapped in: a failed build leaves the last good site.

    \b
    Example:
      handbook build && handbook serve
    """
    from builder.site.build import BuildError, build_site, count_pages

    start = time.perf_counter()
    try:
        build_site(ROOT / "mkdocs.yml", site_dir)
    except BuildError as e:
        click.echo(f"build failed; the last good site is kept.\n{e}", err=True)
        sys.exit(1)
    click.echo(f"site: {count_pages(site_dir)} pages in {site_dir} ({time.perf_counter() - start:.1f} s)", err=True)
    if not no_index:
        from search.index import IndexError_, build_from_files

        try:
            meta = build_from_files()
        except IndexError_ as e:
            click.echo(f"index failed; the last good index is kept.\n{e}", err=True)
            sys.exit(1)
        click.echo(f"index: {meta['documents']} sections in {meta['seconds']:.1f} s", err=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (staff PCs: keep 127.0.0.1 unless told)")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=SITE_DIR, show_default=True)
def serve_cmd(host: str, port: int, site_dir: Path) -> None:
    """Serve the site, the forms and search on http://127.0.0.1:8000.

    Builds the site first if there is none.

    \b
    Example:
      handbook serve --port 8080
    """
    from builder.web.app import allowed_hosts, create_app

    if not (site_dir / "index.html").exists():
        click.echo("no site yet: building it first", err=True)
        ctx = click.get_current_context()
        ctx.invoke(build_cmd, site_dir=site_dir, no_index=False)
    hosts = allowed_hosts(host)
    app = create_app(site_dir=site_dir, hosts=hosts)
    app.extensions["handbook_render"].start()
    from waitress import serve

    click.echo(f"serving on http://{host}:{port}/  (Ctrl+C to stop); answering to: {', '.join(sorted(hosts))}", err=True)
    if host in ("0.0.0.0", "::") and hosts == allowed_hosts("127.0.0.1"):
        click.echo("note: other PCs reach this server by a name or address: list it in HANDBOOK_ALLOWED_HOSTS", err=True)
    serve(app, host=host, port=port, ident="handbook", **SERVER)


#: waitress, sized for a front desk of 20 clerks plus readers: PDFs render in worker
#: processes (builder.web.render), so a thread waiting for one costs no CPU; 40 threads
#: leave ≥ 20 for pages and searches while 20 wait for PDFs. Idle keep-alive connections
#: cost no thread; 1,000 of them are allowed (poll(), not select(), past 1,024 sockets) and
#: closed after 30 s idle.
SERVER = {"threads": 40, "connection_limit": 1000, "channel_timeout": 30, "backlog": 1024,
          "asyncore_use_poll": True, "cleanup_interval": 10}
