"""Form specifications: forms/<id>/form.yaml.

Placeholder loader that knows only which forms exist; the forms issue replaces it with
the full typed schema while keeping ``load_specs(forms_dir) -> (specs, problems)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .load import Problem, display_path, read_yaml, to_plain


def load_specs(forms_dir: Path) -> tuple[dict[str, Any], list[Problem]]:
    specs: dict[str, Any] = {}
    problems: list[Problem] = []
    for path in sorted(forms_dir.glob("*/form.yaml")):
        display = display_path(path, forms_dir)
        data, errs = read_yaml(path, display)
        problems += errs
        if not errs:
            specs[path.parent.name] = to_plain(data)
    return specs, problems
