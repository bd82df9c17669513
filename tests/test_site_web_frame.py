"""/forms and /search wear the built site's frame: its stylesheets, header and tabs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from builder.web.app import create_app

GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    from test_site import fixture_config

    from builder.site.build import build_site

    tmp = tmp_path_factory.mktemp("frame")
    return build_site(fixture_config(tmp, GOOD), tmp / "site")


@pytest.mark.parametrize("url", ["/forms", "/search?q=报修"])
def test_app_pages_have_the_sites_header_tabs_and_stylesheet(fixture_site, url):
    client = create_app(site_dir=fixture_site, register=None).test_client()
    html = client.get(url).get_data(as_text=True)
    site_css = [p.name for p in (fixture_site / "assets" / "stylesheets").glob("main.*.min.css")]
    assert site_css and f'href="/assets/stylesheets/{site_css[0]}"' in html
    assert '<header class="md-header"' in html and 'class="md-tabs"' in html
    assert 'href="/study/"' in html, "the tabs lead to the study paths, written absolute"
    assert 'action="/search"' in html and 'name="q"' in html, "the header's search box goes to /search"
    assert "编辑入口" in html, "the site's footer"


def test_without_a_built_site_a_plain_header_with_the_same_links(tmp_path):
    client = create_app(site_dir=tmp_path, register=None).test_client()
    html = client.get("/forms").get_data(as_text=True)
    assert 'class="hb-app-header"' in html
    for href in ('href="/"', 'href="/study/"', 'href="/search"'):
        assert href in html


def test_frame_follows_a_rebuilt_site(fixture_site, tmp_path):
    from builder.web.chrome import read_chrome

    site = tmp_path / "site"
    site.mkdir()
    index = (fixture_site / "index.html").read_text(encoding="utf-8")
    (site / "index.html").write_text(index, encoding="utf-8")
    assert 'href="/study/"' in read_chrome(site).tabs
    (site / "index.html").write_text(index.replace('href="study/"', 'href="xuexi/"'), encoding="utf-8")
    import os

    os.utime(site / "index.html", (1, 1))
    assert 'href="/xuexi/"' in read_chrome(site).tabs, "a changed index.html is read again"
