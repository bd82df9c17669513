"""Build the staff site with MkDocs itself, atomically: build aside, then swap.

A failed build (a content problem, a strict-mode warning) leaves the last good site in
place and raises :class:`BuildError` with the reason. A build killed half-way leaves its
``.site-new-<pid>-*`` / ``.site-old-<pid>`` folder behind; the next build removes those whose
process is gone. The site is world-readable (folders 0755, files 0644), so a web server
running as another user can serve it."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from builder.core.paths import ROOT, SITE_DIR


class BuildError(Exception):
    pass


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(config_file: Path = ROOT / "mkdocs.yml", site_dir: Path = SITE_DIR, strict: bool = True) -> Path:
    """Build into a temporary folder beside ``site_dir`` and swap it in; return ``site_dir``."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    site_dir = Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(site_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-{os.getpid()}-", dir=site_dir.parent))
    collect = _Collect()
    mk_log = logging.getLogger("mkdocs")
    mk_log.addHandler(collect)
    try:
        config = load_config(str(config_file), site_dir=str(tmp), strict=strict)
        build(config)
    except (PluginError, ConfigurationError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(str(e)) from None
    except Abort as e:
        shutil.rmtree(tmp, ignore_errors=True)
        detail = "\n".join(collect.messages)
        raise BuildError(f"{e}\n{detail}".strip()) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        mk_log.removeHandler(collect)
    make_readable(tmp)
    swap_in(tmp, site_dir)
    return site_dir


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_leftovers(site_dir: Path) -> list[Path]:
    """Remove ``.<site>-new-*`` and ``.<site>-old-*`` folders beside ``site_dir`` left by a
    build that was killed: those whose builder process is gone (a name without a pid, from
    before the pid was recorded, counts as gone). Returns what was removed."""
    removed = []
    for kind in ("new", "old"):
        for d in site_dir.parent.glob(f".{site_dir.name}-{kind}-*"):
            pid = d.name[len(f".{site_dir.name}-{kind}-"):].split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue  # another build is running
            if pid.isdigit() and int(pid) == os.getpid() and kind == "new":
                continue
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def make_readable(tree: Path) -> None:
    """Folders 0755, files 0644: mkdtemp makes the top 0700, and a umask may make more so."""
    os.chmod(tree, 0o755)
    for root, dirs, files in os.walk(tree):
        for name, mode in [(d, 0o755) for d in dirs] + [(f, 0o644) for f in files]:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, mode)


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` with two renames; the old tree is removed afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def count_pages(site_dir: Path) -> int:
    return sum(1 for _ in Path(site_dir).rglob("index.html"))
