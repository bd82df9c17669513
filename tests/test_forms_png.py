"""Golden images of two printed forms, compared with a pixel tolerance: the layout a clerk
prints (labels and their lines on one line, 业主报修单 on one page) cannot drift unseen.

Refresh with ``pytest tests/test_forms_png.py --update-golden`` after a change you have
looked at (the images are written to tests/artifacts/ on every run)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import GOLDEN, ROOT
from PIL import Image, ImageChops

from builder.core.formspec import load_specs
from builder.forms.layout import Header, with_header
from builder.forms.pdf import render_pdf
from builder.forms.samples import sample_data
from builder.forms.validate import validate

SPECS, _ = load_specs(ROOT / "forms")
#: a pixel differs when a channel moves by more than this (anti-aliasing moves a few)
CHANNEL = 48
#: and an image matches when at most this share of its pixels differ
SHARE = 0.004


def pages(form_id: str, dpi: int = 50) -> list[Image.Image]:
    spec = SPECS[form_id]
    pdf = render_pdf(spec, with_header(validate(spec, sample_data(spec)), Header(company="示例物业服务有限公司")))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "f.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "f.pdf", "p"], cwd=tmp, check=True)
        return [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p-*.png"))]


def differing_share(a: Image.Image, b: Image.Image) -> float:
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > CHANNEL else 0)
    return sum(diff.histogram()[255:]) / (a.width * a.height)


@pytest.mark.parametrize("form_id, n_pages", [("yezhu-baoxiu-dan", 1), ("zhuangxiu-beian", 2)])
def test_printed_form_matches_its_golden_image(form_id, n_pages, update_golden, artifacts):
    got = pages(form_id)
    assert len(got) == n_pages
    for i, im in enumerate(got, start=1):
        name = f"{form_id}-p{i}.png"
        im.save(artifacts / name)
        path = GOLDEN / "forms" / name
        if update_golden or not path.exists():
            assert update_golden or not os.environ.get("CI"), f"{path} is missing: run with --update-golden and commit it"
            im.save(path, optimize=True)
            continue
        want = Image.open(path).convert("L")
        share = differing_share(im, want)
        assert share <= SHARE, f"{name}: {share:.2%} of the pixels differ from {path} (see tests/artifacts/{name})"


def test_the_tolerance_catches_a_moved_line():
    """A signature line moved by a few pixels is a failure, anti-aliasing noise is not."""
    a = pages("yezhu-baoxiu-dan")[0]
    assert differing_share(a, a.copy()) == 0
    noisy = a.point(lambda v: min(255, v + 10))
    assert differing_share(a, noisy) <= SHARE
    moved = Image.new("L", a.size, 255)
    moved.paste(a.crop((0, 0, a.width, a.height - 6)), (0, 6))
    assert differing_share(a, moved) > SHARE
