"""The web app under hostile requests: a NUL, a bad path or encoding is a 400/404 with no
traceback; ``Host`` is checked; a POST needs our own ``Origin`` or ``Referer``; a post too
large is refused in Chinese; a render past its deadline is stopped and reported."""

from __future__ import annotations

import logging
import os
import time

import pytest
from conftest import CHROMIUM_ARGS, ROOT, app_server

from builder.web.app import allowed_hosts, create_app

GOOD = {
    "room": "3栋2单元1501", "owner_name": "欧阳𡃁", "phone": "13812345678", "report_time": "2026-03-01T09:30",
    "category": "其他", "sub_type": "水电", "description": "厨房水龙头漏水", "materials-0-item": "水龙头", "materials-0-qty": "1",
    "materials-0-price": "45.50", "date": "2026-03-01",
}
OURS = {"Origin": "http://localhost"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    d = tmp_path_factory.mktemp("site")
    (d / "index.html").write_text("<h1>客服部工作手册</h1>", encoding="utf-8")
    (d / "404.html").write_text("没有这一页", encoding="utf-8")
    return d


def make(site, **kw):
    app = create_app(site, register=None, **kw)
    app.config.update(TESTING=False, FORMS_DIR=ROOT / "forms", CONTENT_DIR=ROOT / "content")
    return app


@pytest.fixture(scope="module")
def client(site):
    return make(site, hosts=allowed_hosts("127.0.0.1", env=""), render_workers=None).test_client()


@pytest.mark.parametrize("path,status", [
    ("/%00", 400), ("/forms/%00", 400), ("/index.html%00.pdf", 400), ("/a%0Ab", 400), ("/?q=%00", 400),
    ("/api/search?q=a%00b", 400), ("/%ff%fe", 404), ("/forms/%ff", 404), ("/" + "a" * 5000, 404),
    ("/" + "a/" * 300 + "b" * 300, 404), ("/../../etc/passwd", 404), ("/%2e%2e/%2e%2e/etc/passwd", 404),
])
def test_a_bad_path_is_400_or_404_never_500_and_no_traceback(client, caplog, path, status):
    with caplog.at_level(logging.DEBUG), client.get(path) as r:
        assert r.status_code == status, path
        if status == 400:
            assert "控制字符" in r.get_data(as_text=True)
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR or rec.exc_info]


@pytest.mark.parametrize("host,ok", [("localhost", True), ("127.0.0.1:8000", True), ("[::1]:8000", True),
                                     ("evil.example", False), ("localhost.evil.example", False),
                                     ("127.0.0.1.nip.io", False), ("", False)])
def test_host_is_checked_against_the_configured_names(client, host, ok):
    with client.get("/", headers={"Host": host}) as r:
        assert (r.status_code == 200) == ok, host
        if not ok:
            assert r.status_code == 400 and "Host" in r.get_data(as_text=True)


def test_allowed_hosts_take_the_listen_address_and_the_environment():
    assert allowed_hosts("192.168.1.20", env="desk-pc, handbook.lan") == {
        "127.0.0.1", "localhost", "::1", "192.168.1.20", "desk-pc", "handbook.lan"}
    assert allowed_hosts("0.0.0.0", env="") == {"127.0.0.1", "localhost", "::1"}


def test_the_environment_adds_a_name(site, monkeypatch):
    monkeypatch.setenv("HANDBOOK_ALLOWED_HOSTS", "desk-pc")
    c = make(site, render_workers=None).test_client()
    with c.get("/", headers={"Host": "desk-pc:8000"}) as r:
        assert r.status_code == 200
    with c.get("/", headers={"Host": "other-pc:8000"}) as r:
        assert r.status_code == 400


@pytest.mark.parametrize("headers,status", [
    ({}, 403), ({"Origin": "null"}, 403), ({"Origin": "http://evil.example"}, 403),
    ({"Referer": "http://evil.example/forms/yezhu-baoxiu-dan"}, 403),
    ({"Origin": "http://localhost:9999"}, 403),
    ({"Origin": "http://localhost"}, 200), ({"Referer": "http://localhost/forms/yezhu-baoxiu-dan"}, 200),
])
def test_a_post_needs_our_own_origin_or_referer(client, headers, status):
    r = client.post("/forms/yezhu-baoxiu-dan", data=GOOD, headers=headers)
    assert r.status_code == status, headers
    if status == 403:
        assert "拒绝跨站请求" in r.get_data(as_text=True)
    else:
        assert r.data[:5] == b"%PDF-"


def test_a_post_too_large_is_413_in_chinese(client):
    r = client.post("/forms/yezhu-baoxiu-dan", data={**GOOD, "description": "漏" * 1_000_000}, headers=OURS)
    assert r.status_code == 413 and "提交的内容太大 (最多 2 MB)" in r.get_data(as_text=True)
    many = {f"materials-{i}-item": "x" for i in range(6000)}
    r = client.post("/forms/yezhu-baoxiu-dan", data={**GOOD, **many}, headers=OURS)
    assert r.status_code == 413 and "提交的字段太多" in r.get_data(as_text=True)


def test_a_huge_table_post_is_a_field_error(client):
    rows = {f"materials-{i}-item": "水管" for i in range(400)}
    r = client.post("/forms/yezhu-baoxiu-dan", data={**GOOD, **rows}, headers=OURS)
    assert r.status_code == 400 and "最多 10 行, 现在有 400 行" in r.get_data(as_text=True)


def test_a_render_past_its_deadline_is_stopped_and_reported_and_the_next_works(site):
    app = make(site, hosts=allowed_hosts(env=""), render_workers=1, render_deadline=0.01)
    renderer = app.extensions["handbook_render"]
    c = app.test_client()
    try:
        r = c.post("/forms/yezhu-baoxiu-dan", data=GOOD, headers=OURS)
        assert r.status_code == 503
        assert "生成文件超过 0 秒, 已停止" in r.get_data(as_text=True)
        (stopped,) = renderer._all
        assert not stopped.alive, "the render process was killed"
        renderer.deadline = 120
        r = c.post("/forms/yezhu-baoxiu-dan", data=GOOD, headers=OURS)
        assert r.status_code == 200 and r.data[:5] == b"%PDF-"
        assert len(renderer._all) == 2 and renderer._all[1].alive
        assert renderer._all[1].process.pid != os.getpid()
    finally:
        renderer.close()
    deadline = time.monotonic() + 10
    while any(w.alive for w in renderer._all) and time.monotonic() < deadline:
        time.sleep(0.1)


# --- the whole app on waitress, as served, driven by Chromium ------------------------------------
@pytest.fixture(scope="module")
def served(site):
    app = make(site, hosts=allowed_hosts("127.0.0.1", env=""), render_workers=1)
    app.extensions["handbook_render"].start()  # as `handbook serve` does
    try:
        with app_server(app) as url:
            yield url
    finally:
        app.extensions["handbook_render"].close()


@pytest.mark.browser
def test_browser_posts_pass_the_guards_and_a_28_digit_money_is_shown_as_an_error(served, artifacts, tmp_path):
    import subprocess

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900}, accept_downloads=True)
            page.goto(f"{served}/forms/zhenggai-feiyong")
            page.fill("#f-room", "3栋2单元1501")
            page.fill("#f-responsible_unit", "某装修公司")
            page.fill("#f-reason", "墙面开裂")
            page.fill("#f-lines-0-item", "腻子")
            page.fill("#f-lines-0-amount", "1" * 28)
            page.fill("#f-date", "2026-03-01")
            page.click("button[type=submit]")
            page.wait_for_selector("#summary")
            page.screenshot(path=str(artifacts / "hostile-web-28-digits.png"), full_page=True)
            assert "最多 10 位整数, 现在有 28 位" in page.inner_text("#e-lines-0-amount")
            assert page.input_value("#f-lines-0-amount") == "1" * 28  # what the clerk typed is kept
            page.fill("#f-lines-0-amount", "120")
            page.evaluate("window.handbookPrint = () => {}")  # headless Chromium cannot print a PDF frame
            page.click("button[value=pdf]")
            page.wait_for_selector("#result:not([hidden])")
            with page.expect_download() as info:
                page.click("#dl-pdf")  # the PDF on screen, saved
            target = tmp_path / "form.pdf"
            info.value.save_as(target)
        finally:
            browser.close()
    assert target.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "某装修公司" in text and "120.00" in text


@pytest.mark.parametrize("body,ctype", [
    (b"room=%FF%FE&owner_name=\xff\xfe", "application/x-www-form-urlencoded"),
    ("room=3栋".encode("gb18030"), "application/x-www-form-urlencoded; charset=no-such-charset"),
    (b"room=%00", "application/x-www-form-urlencoded"),
    (b"--x\r\nContent-Disposition: form-data; name=room\r\n\r\n\xff\r\n--x", "multipart/form-data; boundary=x"),
])
def test_a_post_in_a_bad_encoding_is_never_a_500(client, caplog, body, ctype):
    with caplog.at_level(logging.DEBUG):
        r = client.post("/forms/yezhu-baoxiu-dan", data=body, headers={**OURS, "Content-Type": ctype})
    assert r.status_code in (400, 413), r.status_code
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR or rec.exc_info]
