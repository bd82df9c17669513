"""A clerk in Chromium, against the app as served (waitress, worker renders, a real register):
log in, issue a 报修单, find it by room, record its 回访 from 今日回访, see it leave the list.
Screenshots of the register's search page and the 今日回访 page go to /tmp/shots-register/."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, ROOT, app_server
from register_fixtures import CST, Clock

SHOTS = Path("/tmp/shots-register")


@pytest.fixture
def served(tmp_path, monkeypatch):
    from builder.core.project import load_project
    from builder.forms.registering import issue_args
    from builder.forms.samples import sample_data
    from builder.forms.validate import validate
    from builder.register import open_register
    from builder.web.app import allowed_hosts, create_app

    monkeypatch.setenv("HANDBOOK_DATA_DIR", str(tmp_path / "data"))
    # "today" in the register is 2026-03-08: a 报修单 finished 03-01 (其他: 7 days) is due today
    reg = open_register(f"sqlite:///{tmp_path / 'register.sqlite3'}", key_file=tmp_path / "k.key",
                        clock=Clock(dt.datetime(2026, 3, 8, 9, 0, tzinfo=CST)), tz=CST)
    reg.add_user("小王", "前台", "a long password")
    spec = load_project(ROOT / "content", ROOT / "forms").specs["yezhu-baoxiu-dan"]
    for room, name, done in (("2栋1单元302", "刘德", "2026-03-01"), ("7栋2单元1101", "黄蓉", "2026-02-20")):
        data = {**sample_data(spec), "room": room, "owner_name": name, "phone": "13900001111",
                "category": "其他", "report_time": f"{done}T08:00", "done_date": done}
        reg.issue(**issue_args(spec, validate(spec, data)), issued_by="小王")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>客服部工作手册</h1>", encoding="utf-8")
    app = create_app(site, hosts=allowed_hosts("127.0.0.1", env=""), render_workers=1, register=reg,
                     data_dir=tmp_path / "data")
    app.config.update(FORMS_DIR=ROOT / "forms", CONTENT_DIR=ROOT / "content")
    app.extensions["handbook_render"].start()
    try:
        with app_server(app) as url:
            yield url, reg
    finally:
        app.extensions["handbook_render"].close()
        reg.close_connections()


@pytest.mark.browser
def test_a_clerk_issues_finds_and_follows_up_a_repair(served, tmp_path):
    from playwright.sync_api import sync_playwright

    base, reg = served
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.add_init_script("window.handbookPrint = () => {};")  # headless Chromium cannot print a PDF frame
            page.goto(f"{base}/forms/yezhu-baoxiu-dan")
            assert "/login" in page.url
            page.fill("input[name=name]", "小王")
            page.fill("input[name=password]", "a long password")
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r"/forms/yezhu-baoxiu-dan$"))

            page.fill("#f-room", "5栋1单元802")
            page.fill("#f-owner_name", "张三丰")
            page.fill("#f-phone", "13812345678")
            page.fill("#f-report_time", "2026-03-01T09:30")
            page.check("input[name=category][value=其他]")
            page.fill("#f-description", "卫生间天花板渗水")
            page.fill("#f-done_date", "2026-03-01")
            page.locator(".issue-note").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "form-before-issue.png"))
            page.click("button[value=pdf]")
            page.wait_for_selector("#result:not([hidden])")
            status = page.inner_text(".submit-status")
            number = re.search(r"BX-2026-\d{6}", status).group(0)
            with page.expect_download() as info:
                page.click("#dl-pdf")
            pdf = tmp_path / "issued.pdf"
            info.value.save_as(pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "issued-pdf")],
                           check=True)
            assert f"No. {number}" in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                     check=True).stdout

            page.goto(f"{base}/register")
            page.fill("input[name=room]", "5栋1单元802")
            page.click("form[role=search] button[type=submit]")
            page.wait_for_url(re.compile(r"room="))
            rows = page.inner_text("table.list tbody")
            assert number in rows and "张**" in rows and "138****5678" in rows and "张三丰" not in rows
            page.screenshot(path=str(SHOTS / "register-search.png"), full_page=True)

            page.goto(f"{base}/register/followups")
            today = page.inner_text("table.list tbody")
            assert number in today and "2栋1单元302" in today and "7栋2单元1101" not in today  # that one is overdue
            page.screenshot(path=str(SHOTS / "register-followups-today.png"), full_page=True)
            row = page.locator("tr", has_text=number)
            row.locator("input[name=result]").fill("已修好, 业主满意")
            row.locator("button[type=submit]").click()
            page.wait_for_selector("p.done")
            assert number in page.inner_text("p.done")
            assert number not in page.inner_text("main table.list tbody")
            page.screenshot(path=str(SHOTS / "register-followups-after.png"), full_page=True)
            page.goto(f"{base}/register/followups?due=overdue")
            assert "7栋2单元1101" in page.inner_text("table.list tbody")
            page.screenshot(path=str(SHOTS / "register-overdue.png"), full_page=True)
            page.goto(f"{base}/register/{number}")
            page.screenshot(path=str(SHOTS / "register-record.png"), full_page=True)
            assert "已修好, 业主满意" in page.inner_text("main")
        finally:
            browser.close()
    d = reg.show(number)
    assert d.summary.status == "closed" and d.summary.issued_by == "小王"
