"""Builds clean up after themselves: a killed build's ``.site-new-*`` / ``.site-old-*``
folders are removed by the next build (one still running is left alone), and the site is
world-readable even under a strict umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from test_site import GOOD, fixture_config

from builder.site.build import build_site


def test_the_next_build_removes_a_killed_builds_leftovers_and_the_site_is_readable(tmp_path):
    out = tmp_path / "site"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftovers = [tmp_path / ".site-new-k3j2h1", tmp_path / f".site-new-{dead.pid}-abc", tmp_path / f".site-old-{dead.pid}"]
    for d in leftovers:
        (d / "assets").mkdir(parents=True)
        (d / "assets" / "big.js").write_bytes(b"x" * 100_000)
    running = tmp_path / f".site-new-{os.getppid()}-xyz"  # a build of a process that is alive
    running.mkdir()
    old_umask = os.umask(0o077)
    try:
        build_site(fixture_config(tmp_path, GOOD), out)
    finally:
        os.umask(old_umask)
    assert [d for d in leftovers if d.exists()] == []
    assert running.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [running.name]
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")] if p.is_dir() and not p.is_symlink()}
    assert modes == {0o755}
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file() and not p.is_symlink()}
    assert modes == {0o644}
    assert (out / "index.html").is_file()
