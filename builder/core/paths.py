"""Where the project's folders are. Every default path comes from here, so tests and the
CLI can point anything at another folder."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("HANDBOOK_ROOT", Path(__file__).resolve().parents[2]))
CONTENT_DIR = ROOT / "content"
FORMS_DIR = ROOT / "forms"
BUILD_DIR = ROOT / "build"
SITE_DIR = ROOT / "site"
CACHE_DIR = ROOT / ".cache"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
ASSETS_DIR = PACKAGE_DIR / "assets"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
