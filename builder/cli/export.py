"""``handbook export``: the printed handbook (PDF, DOCX) or a post's booklet. Thin: it
parses the options, calls :func:`builder.handbook.export.export` and turns its errors into
messages in ``builder.cli.main`` (exit 2: bad input such as an unknown post or format or a bad
settings file; exit 1: the content has problems)."""

from __future__ import annotations

from pathlib import Path

import click

from builder.cli.main import content_option, forms_option
from builder.core.control import CONTROL_FILE
from builder.core.paths import BUILD_DIR
from builder.handbook.export import export, parse_formats


@click.command("export")
@click.option("--format", "formats", default="pdf,docx", show_default=True,
              help="comma-separated: pdf, docx")
@click.option("--role", default=None, metavar="POST",
              help="a post's id (kefu-yuan …) for its booklet, or 'all' for every post's booklet; "
                   "without it, the whole handbook")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=BUILD_DIR / "handbook",
              show_default=True, help="the folder to write into (created if missing)")
@click.option("--control", "control_file", type=click.Path(dir_okay=False, path_type=Path), default=CONTROL_FILE,
              show_default=True, help="the document control settings (手册编号, 版本, 受控状态, 编制/审核/批准)")
@click.option("--edition", default="staff", show_default=True, type=click.Choice(["staff", "editors"]),
              help="staff: approved text and drafts (待审核), no gaps; editors: also every gap with its "
                   "sources, and the import records")
@click.option("--copy", "copy_no", default=None, metavar="N",
              help="this printed copy's 分发号 (e.g. 003): printed on the cover and footer, recorded in "
                   "handbook-distribution.yaml beside the control file; a number is issued once per version")
@click.option("--holder", default=None, metavar="WHO", help="whom the numbered copy goes to (持有人/部门)")
@content_option
@forms_option
def export_cmd(formats: str, role: str | None, out_dir: Path, control_file: Path, edition: str,
               copy_no: str | None, holder: str | None, content_dir: Path, forms_dir: Path) -> None:
    """Export the handbook as a controlled document: cover with the control block, table of
    contents with page numbers, numbered chapters, flowcharts, blank forms, and the 修订记录
    (the approved entries of content/changelog.yaml).

    Files: OUT/handbook.pdf, OUT/handbook.docx, OUT/handbook-POST.pdf for a booklet;
    -editors for the editors' edition, -copyN for a numbered copy.

    \b
    Examples:
      handbook export --format pdf,docx --out build/handbook/
      handbook export --format pdf --role kefu-yuan --out build/handbook/
      handbook export --format pdf --role all --out build/booklets/
      handbook export --format pdf --copy 003 --holder 前台 --out build/handbook/
      handbook export --format pdf --edition editors --out build/handbook/

    A full PDF takes about 15-20 s on a quiet 2-core machine; --role all makes one per post.
    """
    written = export(parse_formats(formats), out_dir, role=role, content_dir=content_dir, forms_dir=forms_dir,
                     control_file=control_file, edition=edition, copy=copy_no, holder=holder)
    for path in written:
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            click.echo(f"{path} ({len(PdfReader(path).pages)} pages)")
        else:
            click.echo(str(path))
