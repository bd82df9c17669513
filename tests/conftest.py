"""Shared test set-up: paths, the real content loaded once, and the golden-file switch."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden(update_golden: bool):
    """golden(name, text): compare text with tests/golden/<name>, or rewrite it with --update-golden."""

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if not update_golden and not path.exists():
            pytest.fail(f"golden file {path.relative_to(ROOT)} is missing: run `make golden` and commit it")
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path.relative_to(ROOT)}; if the change is right, run `make golden`"

    return compare


@pytest.fixture(scope="session")
def real_content():
    from builder.core.check import load_valid

    return load_valid(ROOT / "content", ROOT / "forms")


def fixture_config(tmp: Path, content: Path, forms: Path | None = None) -> Path:
    """A mkdocs.yml like the real one, reading ``content`` (and the fixture forms)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: content", f"docs_dir: {content}")
    forms = forms or FIXTURES / "good_forms"
    text = text.replace("  - handbook ", f"  - handbook:\n      forms: {forms}\n      userdict: {tmp / 'userdict.txt'}\n   ")
    cfg = tmp / "mkdocs.yml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


#: headless Debian chromium, as root, fetching nothing of its own
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


#: run before a page's scripts: every shadow root opens (Material draws Mermaid in a closed one)
OPEN_SHADOW = ("Element.prototype.attachShadow = (orig => function (init) "
               "{ return orig.call(this, {...init, mode: 'open'}); })(Element.prototype.attachShadow);")


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """A built site served as files on a free port, quietly; yields its base URL."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def app_server(app) -> Iterator[str]:
    """The web app on waitress with `handbook serve`'s settings, on a free port; yields its base URL."""
    import waitress

    from builder.cli.site import SERVER

    server = waitress.create_server(app, host="127.0.0.1", port=0, **SERVER)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (it never downloads a browser of its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def enrich_fixture_content(content: Path) -> None:
    """The fixture content with what newer items carry: a decision step with its cases, a 口诀,
    duties for one kind of property (for the printed handbook and its round trip)."""
    baoxiu = content / "procedures" / "baoxiu.yaml"
    text = baoxiu.read_text(encoding="utf-8")
    text = text.replace("  - {actor: 维修人员, action: 上门维修。}\n",
                        "  - actor: 维修人员\n    action: 上门维修。\n    branches:\n"
                        "      - {when: 有偿服务, then: 按收费标准收取费用。}\n"
                        "      - {when: 无偿服务, then: 直接维修。, time_limit: 当日}\n")
    baoxiu.write_text(text + "rhyme: {title: 报修口诀, lines: [报修先登记, 回访两天内]}\n", encoding="utf-8")
    with (content / "roles" / "qiantai.yaml").open("a", encoding="utf-8") as f:
        f.write("duties_for:\n  写字楼:\n    - 引导访客到达所访单位。\n")


# The register's fixtures: db_url (SQLite and a throwaway PostgreSQL), reg, clock, key_file.
from register_fixtures import clock, db_url, key_file, pg_cluster, reg  # noqa: E402, F401
