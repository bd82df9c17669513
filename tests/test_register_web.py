"""The register on the web app: login, roles, CSRF, issuing from a form or a pack (the number
printed on the PDF, read back with pdftotext), previews that store nothing, reprints, 回访 and
消单 from the 今日回访 list, ledgers. Real register (SQLite), real WeasyPrint, Flask's client."""

from __future__ import annotations

import datetime as dt
import logging
import re
import stat
import subprocess

import pytest
from conftest import ROOT
from register_fixtures import CST, Clock

from builder.register import open_register
from builder.web.app import allowed_hosts, create_app

GOOD = {
    "room": "3栋2单元1501", "owner_name": "欧阳𡃁", "phone": "13812345678",
    "report_time": "2026-03-01T09:30", "category": "其他", "description": "厨房水龙头漏水",
    "appointment": "明天上午", "staff_name": "李前台",
    "materials-0-item": "水龙头", "materials-0-qty": "1", "materials-0-price": "45.50",
    "repairer_sign": "王师傅", "done_date": "2026-03-01",
}
HOST = "http://127.0.0.1"
ORIGIN = {"Origin": HOST}
TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')


def pdf_text(body: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def reg(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDBOOK_DATA_DIR", str(tmp_path / "data"))
    clock = Clock(dt.datetime(2026, 3, 1, 10, 0, tzinfo=CST))
    r = open_register(f"sqlite:///{tmp_path / 'register.sqlite3'}", key_file=tmp_path / "k.key", clock=clock, tz=CST)
    r.clock_ = clock
    r.add_user("小王", "前台", "a long password")
    r.add_user("老李", "主管", "a long password")
    yield r
    r.close_connections()


@pytest.fixture
def app(reg, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>客服部工作手册</h1>", encoding="utf-8")
    a = create_app(site, hosts=allowed_hosts("127.0.0.1", env=""), render_workers=None, register=reg,
                   data_dir=tmp_path / "data")
    a.config.update(FORMS_DIR=ROOT / "forms", CONTENT_DIR=ROOT / "content")
    return a


def token(client, path="/login") -> str:
    return TOKEN.search(client.get(path, base_url=HOST).get_data(as_text=True)).group(1)


def login(client, name="小王", password="a long password"):
    t = token(client)
    return client.post("/login", data={"name": name, "password": password, "_csrf": t, "next": "/register"},
                       headers=ORIGIN, base_url=HOST)


def post(client, path, data, csrf=True):
    data = dict(data)
    if csrf:
        data["_csrf"] = token(client, "/register")
    return client.post(path, data=data, headers=ORIGIN, base_url=HOST)


def test_staff_pages_need_login_and_the_site_stays_open(app, tmp_path):
    c = app.test_client()
    for path in ("/", "/forms/_static/forms.css"):
        with c.get(path, base_url=HOST) as r:
            assert r.status_code == 200, path
    for path in ("/forms", "/forms/yezhu-baoxiu-dan", "/register", "/register/followups", "/editors/searches"):
        r = c.get(path, base_url=HOST)
        assert r.status_code == 302 and r.headers["Location"].startswith("/login?next="), path
    r = c.post("/forms/yezhu-baoxiu-dan", data={**GOOD, "_csrf": token(c)}, headers=ORIGIN, base_url=HOST)
    assert r.status_code == 401
    bad = login(c, password="wrong password")
    assert bad.status_code == 401 and "账号或密码不对" in bad.get_data(as_text=True)
    r = login(c)
    assert r.status_code == 302 and r.headers["Location"] == "/register"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert c.get("/register", base_url=HOST).status_code == 200
    secret = tmp_path / "data" / "web-session.key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(secret.read_bytes()) >= 32
    post(c, "/logout", {})
    assert c.get("/register", base_url=HOST).status_code == 302


def test_login_goes_back_only_to_this_server(app):
    c = app.test_client()
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = c.post("/login", data={"name": "小王", "password": "a long password", "_csrf": token(c), "next": evil},
                   headers=ORIGIN, base_url=HOST)
        assert r.headers["Location"] == "/register", evil


def test_every_post_needs_the_csrf_token(app, reg):
    c = app.test_client()
    r = c.post("/login", data={"name": "小王", "password": "a long password"}, headers=ORIGIN, base_url=HOST)
    assert r.status_code == 403  # no token: not even a login
    login(c)
    for data in ({}, {"_csrf": "forged"}):
        r = c.post("/forms/yezhu-baoxiu-dan", data={**GOOD, **data}, headers=ORIGIN, base_url=HOST)
        assert r.status_code == 403 and "刷新页面" in r.get_data(as_text=True)
    assert reg.search(room="3栋") == []
    # the token is right but the Origin is foreign: still refused
    r = c.post("/forms/yezhu-baoxiu-dan", data={**GOOD, "_csrf": token(c, "/register")},
               headers={"Origin": "http://evil.example"}, base_url=HOST)
    assert r.status_code == 403 and reg.search(room="3栋") == []


def test_a_submitted_form_is_issued_with_its_number_printed(app, reg, caplog):
    c = app.test_client()
    login(c)
    page = c.get("/forms/yezhu-baoxiu-dan", base_url=HOST).get_data(as_text=True)
    assert 'name="_csrf"' in page and "提交即开单" in page and "小王" in page
    with caplog.at_level(logging.DEBUG):
        r = post(c, "/forms/yezhu-baoxiu-dan", GOOD)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    number = r.headers["X-Register-Number"]
    assert re.fullmatch(r"BX-2026-\d{6}", number)
    assert f"No. {number}" in pdf_text(r.data)
    [rec] = reg.search(room="3栋2单元1501")
    assert (rec.number, rec.issued_by, rec.next_due) == (number, "小王", dt.date(2026, 3, 8))
    logged = caplog.text
    assert "欧阳" not in logged and "13812345678" not in logged
    # the Word beside it is the same record, not a new one
    r = post(c, "/forms/yezhu-baoxiu-dan", {**GOOD, "_format": "docx", "_reprint": number})
    assert r.status_code == 200 and "wordprocessingml" in r.mimetype
    assert [x.number for x in reg.search(room="3栋")] == [number]
    # a preview prints 预览 and stores nothing
    r = post(c, "/forms/yezhu-baoxiu-dan", {**GOOD, "_preview": "1"})
    text = pdf_text(r.data)
    assert r.status_code == 200 and "预览" in text and "BX-2026" not in text and "X-Register-Number" not in r.headers
    assert len(reg.search(room="3栋")) == 1
    # bad input takes no number
    r = post(c, "/forms/yezhu-baoxiu-dan", {**GOOD, "phone": "123"})
    assert r.status_code == 400 and len(reg.search(room="3栋")) == 1


def test_a_pack_is_issued_all_at_once(app, reg):
    from builder.core.formspec import load_packs, load_specs
    from builder.forms.samples import sample_data

    specs, _ = load_specs(ROOT / "forms")
    packs, _ = load_packs(ROOT / "forms", set(specs))
    data: dict[str, str] = {"owner_name": "陈明", "room": "3栋2单元1501", "phone": "13812345678",
                            "id_number": "320106196503154024", "date": "2026-03-01"}
    for fid in packs["zhuangxiu"].forms:
        for k, v in sample_data(specs[fid]).items():
            if isinstance(v, (str, int)) and k not in data:
                data[k] = str(v)
    c = app.test_client()
    login(c)
    r = post(c, "/forms/packs/zhuangxiu", data)
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    numbers = r.headers["X-Register-Number"].split(",")
    assert len(numbers) == len(packs["zhuangxiu"].forms)
    text = pdf_text(r.data)
    assert all(f"No. {n}" in text for n in numbers)
    assert sorted(x.number for x in reg.search(room="3栋2单元1501")) == sorted(numbers)


def test_roles_void_and_ledger_for_a_supervisor_only(app, reg):
    clerk = app.test_client()
    login(clerk)
    number = post(clerk, "/forms/yezhu-baoxiu-dan", GOOD).headers["X-Register-Number"]
    page = clerk.get(f"/register/{number}", base_url=HOST).get_data(as_text=True)
    assert "重印 PDF" in page and "作废原因" not in page
    r = post(clerk, f"/register/{number}/void", {"reason": "重复开单"})
    assert r.status_code == 403 and "作废记录" in r.get_data(as_text=True)
    assert clerk.get("/register/ledger.xlsx?form=yezhu-baoxiu-dan&month=2026-03", base_url=HOST).status_code == 403
    r = clerk.get(f"/register/{number}/reprint.pdf", base_url=HOST)
    assert r.status_code == 200 and f"No. {number}" in pdf_text(r.data)

    boss = app.test_client()
    login(boss, "老李")
    r = boss.get("/register/ledger.xlsx?form=yezhu-baoxiu-dan&month=2026-03", base_url=HOST)
    assert r.status_code == 200 and r.data[:2] == b"PK" and r.headers["X-Rows"] == "1"
    r = post(boss, f"/register/{number}/void", {"reason": "重复开单"})
    assert r.status_code == 302
    assert reg.show(number).summary.status == "voided"
    page = boss.get(f"/register/{number}", base_url=HOST).get_data(as_text=True)
    assert "已作废" in page and "重复开单" in page
    actions = [e.action for e in reg.audit_log(number=number)]
    assert any("void" in a for a in actions)


def test_search_masks_and_followups_close_a_record(app, reg):
    c = app.test_client()
    login(c)
    number = post(c, "/forms/yezhu-baoxiu-dan", GOOD).headers["X-Register-Number"]
    page = c.get("/register?room=3栋2单元1501", base_url=HOST).get_data(as_text=True)
    assert number in page and "138****5678" in page and "13812345678" not in page and "欧阳𡃁" not in page
    assert number in c.get("/register?phone=5678", base_url=HOST).get_data(as_text=True)
    assert number not in c.get("/register?room=9栋", base_url=HOST).get_data(as_text=True)
    reg.clock_.set(2026, 3, 8, 9, 0)  # the 回访 is due today
    page = c.get("/register/followups", base_url=HOST).get_data(as_text=True)
    assert number in page and "今日回访" in page
    r = post(c, f"/register/{number}/visit", {"result": "已修好, 业主满意", "close": "1", "_back": "followups"})
    assert r.status_code == 302
    assert number not in c.get("/register/followups", base_url=HOST).get_data(as_text=True)
    d = reg.show(number)
    assert d.summary.status == "closed" and d.dues[0].result == "已修好, 业主满意" and d.dues[0].done_by == "小王"


def test_without_a_register_forms_print_unnumbered_and_need_no_login(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    a = create_app(site, hosts=allowed_hosts("127.0.0.1", env=""), render_workers=None, register=None)
    a.config.update(FORMS_DIR=ROOT / "forms", CONTENT_DIR=ROOT / "content")
    c = a.test_client()
    assert c.get("/forms/yezhu-baoxiu-dan", base_url=HOST).status_code == 200
    r = c.post("/forms/yezhu-baoxiu-dan", data=GOOD, headers=ORIGIN, base_url=HOST)
    assert r.status_code == 200 and "X-Register-Number" not in r.headers
    assert c.get("/register", base_url=HOST).status_code == 404


def test_a_register_that_cannot_be_reached_issues_nothing_and_logs_no_values(app, reg, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    c = app.test_client()
    login(c)

    def gone(*_a, **_k):
        raise OperationalError("INSERT …", {"owner_name": GOOD["owner_name"]}, Exception("database is locked"))

    monkeypatch.setattr(reg, "issue", gone)
    with caplog.at_level(logging.DEBUG):
        r = post(c, "/forms/yezhu-baoxiu-dan", GOOD)
    assert r.status_code == 503 and "没有开单" in r.get_data(as_text=True) and r.mimetype == "text/html"
    assert "OperationalError" in caplog.text and GOOD["owner_name"] not in caplog.text


def test_a_supervisor_corrects_a_record_on_its_own_form(app, reg):
    clerk = app.test_client()
    login(clerk)
    old = post(clerk, "/forms/yezhu-baoxiu-dan", GOOD).headers["X-Register-Number"]
    assert clerk.get(f"/register/{old}/correct", base_url=HOST).status_code == 403
    boss = app.test_client()
    login(boss, "老李")
    page = boss.get(f"/register/{old}/correct", base_url=HOST).get_data(as_text=True)
    assert 'value="3栋2单元1501"' in page and 'value="45.50"' in page and "更正原因" in page
    assert 'value="2026-03-01T09:30"' in page and 'value="欧阳𡃁"' in page
    r = post(boss, f"/register/{old}/correct", {**GOOD, "room": "3栋2单元1502", "_reason": "房号写错"})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    new = r.headers["X-Register-Number"]
    assert new != old and f"No. {new}" in pdf_text(r.data)
    assert reg.show(old).summary.status == "superseded" and reg.show(old).superseded_by == new
    assert reg.show(new).summary.room == "3栋2单元1502" and reg.show(new).supersedes == old
    r = post(boss, f"/register/{old}/correct", {**GOOD, "_reason": "again"})
    assert r.status_code == 400 and "不能再更正" in r.get_data(as_text=True)
