"""A 主管 in Chromium approves two imported drafts on /editors/drafts, against the app as served
(waitress, a real register, a copy of content/ with the M09 fixture imported). Screenshots of
the list, a refusal and an approval go to /tmp/shots-editors/ (``HANDBOOK_SHOT_SITE`` may name
a built site to frame them in)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import importer_docs as docs
import pytest
from conftest import CHROMIUM_ARGS, ROOT, app_server
from register_fixtures import CST, Clock

SHOTS = Path("/tmp/shots-editors")


@pytest.fixture
def served(tmp_path, monkeypatch):
    from builder.register import open_register
    from builder.web.app import allowed_hosts, create_app

    monkeypatch.setenv("HANDBOOK_DATA_DIR", str(tmp_path / "data"))
    content = docs.content_with_m09(tmp_path)
    reg = open_register(f"sqlite:///{tmp_path / 'register.sqlite3'}", key_file=tmp_path / "k.key",
                        clock=Clock(dt.datetime(2027, 1, 6, 9, 0, tzinfo=CST)), tz=CST)
    reg.add_user("老李", "主管", "a long password")
    site = Path(os.environ.get("HANDBOOK_SHOT_SITE") or tmp_path / "site")
    if not site.exists():
        site.mkdir()
        (site / "index.html").write_text("<h1>客服部工作手册</h1>", encoding="utf-8")
    app = create_app(site, hosts=allowed_hosts("127.0.0.1", env=""), render_workers=None, register=reg,
                     data_dir=tmp_path / "data")
    app.config.update(FORMS_DIR=ROOT / "forms", CONTENT_DIR=content)
    try:
        with app_server(app) as url:
            yield url, content
    finally:
        reg.close_connections()


@pytest.mark.browser
def test_a_supervisor_approves_drafts_in_chromium(served):
    from playwright.sync_api import sync_playwright

    base, content = served
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/editors/drafts")
            assert "/login" in page.url
            page.fill("input[name=name]", "老李")
            page.fill("input[name=password]", "a long password")
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r"/editors/drafts$"))
            page.check("#pick-wenyuan")
            page.check("#pick-baokan-shoufa")
            page.fill("input[name=note]", "据2027年版手册")
            page.screenshot(path=str(SHOTS / "editors-drafts.png"), full_page=True)

            # a forged id among them: nothing is approved, every reason is shown, the boxes stay checked
            page.evaluate("""() => { const b = document.createElement('input'); b.type = 'checkbox';
                b.name = 'id'; b.value = 'no-such-item'; b.checked = true; b.hidden = true;
                document.querySelector('#approve-form').appendChild(b); }""")
            page.click("#approve-form button[type=submit]")
            page.wait_for_selector("#refused")
            assert "no-such-item: unknown item id" in page.inner_text("#refused")
            assert page.is_checked("#pick-wenyuan") and page.is_checked("#pick-baokan-shoufa")
            assert page.input_value("input[name=note]") == "据2027年版手册"
            page.screenshot(path=str(SHOTS / "editors-drafts-refused.png"), full_page=True)

            page.click("#approve-form button[type=submit]")
            page.wait_for_selector("#approved")
            done = page.inner_text("#approved")
            assert "修订记录 A/0" in done and "文员" in done and "批准：老李" in done
            assert page.locator("#pick-wenyuan").count() == 0
            page.screenshot(path=str(SHOTS / "editors-drafts-approved.png"), full_page=True)
        finally:
            browser.close()
    assert "approved_by: 老李" in (content / "roles" / "wenyuan.yaml").read_text(encoding="utf-8")
