"""Shared test set-up: paths, the real content loaded once, and the golden-file switch."""

from __future__ import annotations

import os
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
        if update_golden or not path.exists():
            if not update_golden and os.environ.get("CI"):
                pytest.fail(f"golden file {path} is missing: run `make golden` and commit it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path.relative_to(ROOT)}; if the change is right, run `make golden`"

    return compare


@pytest.fixture(scope="session")
def real_content():
    from builder.check import load_valid

    return load_valid(ROOT / "content", ROOT / "forms")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# The register's fixtures: db_url (SQLite and a throwaway PostgreSQL), reg, clock, key_file.
from register_fixtures import clock, db_url, key_file, pg_cluster, reg  # noqa: E402, F401
