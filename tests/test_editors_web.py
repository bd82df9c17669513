"""Approving drafts on the web app: /editors/drafts lists them, a 主管 approves the checked
ones in their own name (a real copy of content/ with the M09 fixture imported, the real
register for the login, Flask's client); a 前台 may only look."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import importer_docs as docs
import pytest
from conftest import ROOT
from register_fixtures import CST, Clock

from builder.core.load import to_plain
from builder.importer.write import load_map
from builder.register import open_register
from builder.web.app import allowed_hosts, create_app

HOST = "http://127.0.0.1"
ORIGIN = {"Origin": HOST}
TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')
DAY = dt.date(2027, 1, 5)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return docs.content_with_m09(tmp_path)


@pytest.fixture
def app(tmp_path, monkeypatch, content):
    monkeypatch.setenv("HANDBOOK_DATA_DIR", str(tmp_path / "data"))
    reg = open_register(f"sqlite:///{tmp_path / 'register.sqlite3'}", key_file=tmp_path / "k.key",
                        clock=Clock(dt.datetime(2027, 1, 6, 10, 0, tzinfo=CST)), tz=CST)
    reg.add_user("小王", "前台", "a long password")
    reg.add_user("老李", "主管", "a long password")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>客服部工作手册</h1>", encoding="utf-8")
    a = create_app(site, hosts=allowed_hosts("127.0.0.1", env=""), render_workers=None, register=reg,
                   data_dir=tmp_path / "data")
    a.config.update(FORMS_DIR=ROOT / "forms", CONTENT_DIR=content)
    yield a
    reg.close_connections()


def login(client, name: str) -> str:
    """Log in; the page's CSRF token."""
    t = TOKEN.search(client.get("/login", base_url=HOST).get_data(as_text=True)).group(1)
    r = client.post("/login", data={"name": name, "password": "a long password", "_csrf": t, "next": "/editors/drafts"},
                    headers=ORIGIN, base_url=HOST)
    assert r.status_code == 302
    page = client.get("/editors/drafts", base_url=HOST).get_data(as_text=True)
    return TOKEN.search(page).group(1)


def changelog(content: Path) -> list[dict]:
    return to_plain(load_map(content / "changelog.yaml"))["entries"]


def test_the_drafts_page_needs_a_login(app):
    c = app.test_client()
    r = c.get("/editors/drafts", base_url=HOST)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert c.post("/editors/approve", data={"id": "wenyuan"}, headers=ORIGIN, base_url=HOST).status_code == 403  # no token
    # the built site's static list of drafts (editors/drafts.md) stays open, as the rest of the site
    page = Path(app.config["SITE_DIR"]) / "editors" / "drafts" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h1>编辑：待审核的草稿</h1>", encoding="utf-8")
    with c.get("/editors/drafts/", base_url=HOST) as r:
        assert r.status_code == 200 and "编辑：待审核的草稿" in r.get_data(as_text=True)


def test_a_front_desk_sees_the_list_but_cannot_approve(app, content):
    c = app.test_client()
    token = login(c, "小王")
    page = c.get("/editors/drafts", base_url=HOST).get_data(as_text=True)
    assert "文员" in page and "杂志、报刊等收发工作程序及流程图" in page  # the imported drafts
    assert "据《客服部物业服务中心工作手册范文》“四、客服部文员岗位职责”" in page and "王丽" in page
    assert 'type="checkbox"' not in page and "只能查看" in page
    before = (content / "roles" / "wenyuan.yaml").read_bytes()
    r = c.post("/editors/approve", data={"id": "wenyuan", "_csrf": token}, headers=ORIGIN, base_url=HOST)
    assert r.status_code == 403 and "不能批准草稿" in r.get_data(as_text=True)
    assert (content / "roles" / "wenyuan.yaml").read_bytes() == before and changelog(content) == []


def test_a_supervisor_approves_two_drafts(app, content):
    c = app.test_client()
    token = login(c, "老李")
    page = c.get("/editors/drafts", base_url=HOST).get_data(as_text=True)
    assert 'name="id" value="wenyuan"' in page and 'name="id" value="baokan-shoufa"' in page
    r = c.post("/editors/approve", data={"id": ["wenyuan", "baokan-shoufa"], "note": "据2027年版手册", "_csrf": token},
               headers=ORIGIN, base_url=HOST)
    page = r.get_data(as_text=True)
    assert r.status_code == 200, page
    assert "已批准，修订记录 A/0" in page and "批准：老李" in page and "说明：据2027年版手册" in page
    [entry] = changelog(content)
    assert entry["version"] == "A/0" and entry["items"] == ["wenyuan", "baokan-shoufa"]
    assert entry["approved_by"] == "老李" and entry["prepared_by"] == ["王丽"] and entry["note"] == "据2027年版手册"
    for folder, item_id in (("roles", "wenyuan"), ("procedures", "baokan-shoufa")):
        item = to_plain(load_map(content / folder / f"{item_id}.yaml"))
        assert item["status"] == "sourced" and item["approved_by"] == "老李", item_id
    # the list no longer offers them; the third import is still waiting
    assert 'value="wenyuan"' not in page and 'name="id" value="bangong-zhidu"' in page


def test_a_post_without_the_token_is_refused(app, content):
    c = app.test_client()
    login(c, "老李")
    r = c.post("/editors/approve", data={"id": "wenyuan"}, headers=ORIGIN, base_url=HOST)
    assert r.status_code == 403
    assert changelog(content) == [] and "approved_by" not in to_plain(load_map(content / "roles" / "wenyuan.yaml"))


def test_a_bad_id_is_named_and_nothing_is_written(app, content):
    c = app.test_client()
    token = login(c, "老李")
    before = {p: p.read_bytes() for p in content.rglob("*.yaml")}
    r = c.post("/editors/approve", data={"id": ["wenyuan", "no-such-item", "jiankong-yuan"], "_csrf": token},
               headers=ORIGIN, base_url=HOST)
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "没有批准任何条目" in page and "no-such-item: unknown item id" in page
    assert "jiankong-yuan: a gap (status: outline)" in page
    assert 'value="wenyuan" id="pick-wenyuan" checked' in page  # the checked box kept
    assert {p: p.read_bytes() for p in content.rglob("*.yaml")} == before


def test_nothing_checked_is_said(app, content):
    c = app.test_client()
    token = login(c, "老李")
    r = c.post("/editors/approve", data={"note": "x", "_csrf": token}, headers=ORIGIN, base_url=HOST)
    assert r.status_code == 400 and "请先勾选要批准的草稿" in r.get_data(as_text=True)
    assert changelog(content) == []


def test_a_draft_written_here_needs_its_writer(app, content):
    c = app.test_client()
    token = login(c, "老李")
    page = c.get("/editors/drafts", base_url=HOST).get_data(as_text=True)
    assert "内容有问题" not in page  # the real content, read with its forms
    r = c.post("/editors/approve", data={"id": "anli-dianti-kunren", "_csrf": token}, headers=ORIGIN, base_url=HOST)
    assert r.status_code == 400 and "who wrote it is not recorded" in r.get_data(as_text=True)
    assert changelog(content) == []
    r = c.post("/editors/approve", data={"id": "anli-dianti-kunren", "prepared_by": "赵培训", "_csrf": token},
               headers=ORIGIN, base_url=HOST)
    assert r.status_code == 200
    [entry] = changelog(content)
    assert entry["prepared_by"] == ["赵培训"] and entry["items"] == ["anli-dianti-kunren"]
