"""The local web app that ``handbook serve`` runs: the built site, the fillable forms
and search, on one port.

The app is created by :func:`create_app`, so tests make one against their own folders.
Nothing with owner data is logged: waitress keeps no access log, and the app logs no
request bodies or query strings.

Request guards, before any page code runs:

* a NUL or other control character in the path or query, or a path too long for a file
  name, is a 400/404, never a 500 with a traceback;
* ``Host`` must be one of the configured names (127.0.0.1, localhost, ::1, the address it
  listens on, and ``HANDBOOK_ALLOWED_HOSTS``): a DNS-rebinding page cannot reach it by a name
  of its own;
* a POST must carry an ``Origin`` or ``Referer`` of this server: a foreign or missing one
  is refused (403), so another site cannot post a form in the clerk's browser;
* a post is at most :data:`~builder.core.formspec.MAX_UPLOAD_BYTES` and a few thousand
  fields (413, said in Chinese).

Once the register is on, staff log in and every POST carries a CSRF token too
(:mod:`builder.web.auth`); the register's pages are :mod:`builder.web.register`.

Rendering is bounded by :mod:`builder.web.render` (worker processes, a deadline per render).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, redirect, request, send_from_directory

from builder.core.formspec import MAX_UPLOAD_BYTES
from builder.core.paths import SITE_DIR

#: form fields in one post (a table of 200 rows by 5 columns is 1,000)
MAX_FORM_FIELDS = 5000
#: names the server answers to whatever it is told
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def allowed_hosts(listen: str | None = None, env: str | None = None) -> set[str]:
    """The names ``Host`` may carry: the local ones, the address listened on, and the
    comma-separated ``HANDBOOK_ALLOWED_HOSTS``."""
    names = set(LOCAL_HOSTS)
    if listen and listen not in ("0.0.0.0", "::"):
        names.add(listen.strip("[]").lower())
    extra = os.environ.get("HANDBOOK_ALLOWED_HOSTS", "") if env is None else env
    names.update(h.strip().lower() for h in extra.split(",") if h.strip())
    return names


def _host_name(host: str) -> str:
    """``Host`` without its port: ``localhost:8000`` → ``localhost``, ``[::1]:80`` → ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain")


#: ``create_app(register=OPEN)``: the register the environment configures (``open_register()``)
OPEN = "open"


def create_app(site_dir: Path = SITE_DIR, *, hosts: set[str] | None = None, render_workers: int | None = 2,
               render_deadline: float = 30.0, register: Any = OPEN, data_dir: Path | None = None) -> Flask:
    """The app; ``hosts`` defaults to :func:`allowed_hosts`; ``render_workers=None``
    renders in the request's thread (no worker processes).

    ``register``: the register forms are issued into (default: the one the environment
    configures, see README: the register); with it, staff log in (:mod:`builder.web.auth`).
    ``register=None`` runs without a register and without login: forms print unnumbered
    (for tests of other areas). ``data_dir`` holds the session secret (default the
    register's data folder)."""
    app = Flask("handbook", static_folder=None)
    app.config["SITE_DIR"] = Path(site_dir).resolve()
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES
    app.config["ALLOWED_HOSTS"] = hosts if hosts is not None else allowed_hosts()
    if render_workers:
        from builder.web.render import Renderer

        app.extensions["handbook_render"] = Renderer(workers=render_workers, deadline=render_deadline)
    for bp in blueprints():
        app.register_blueprint(bp)
    if register == OPEN:
        from builder.register import open_register

        register = open_register()

    @app.before_request
    def guard():
        if _CONTROL.search(request.path) or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            return _plain("请求的地址含有控制字符 (如 NUL)。", 400)
        if "\ufffd" in request.path:  # bytes that were not UTF-8
            abort(404)
        if _host_name(request.host) not in app.config["ALLOWED_HOSTS"]:
            return _plain("拒绝请求: 这个服务器不以此名称提供服务 (Host)。", 400)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            source = request.headers.get("Origin") or request.headers.get("Referer")
            if not source or source == "null" or urlsplit(source).netloc.lower() != request.host.lower():
                return _plain("拒绝跨站请求: 请在本机打开表单页面后提交。", 403)
            if len(request.form) > MAX_FORM_FIELDS:
                return _plain(f"提交的字段太多 (最多 {MAX_FORM_FIELDS} 个)。", 413)
        return None

    if register is not None:
        from builder.register.config import settings
        from builder.web.auth import setup

        setup(app, register, Path(data_dir) if data_dir is not None else settings().data_dir)

    @app.errorhandler(413)
    def too_large(_e):
        return _plain(f"提交的内容太大 (最多 {MAX_UPLOAD_BYTES // 1024 // 1024} MB)。", 413)

    @app.get("/")
    @app.get("/<path:path>")
    def site(path: str = ""):
        root: Path = app.config["SITE_DIR"]
        if len(path) > 1024:
            abort(404)
        try:
            target = (root / path).resolve()
            if not target.is_relative_to(root):
                abort(404)
            if target.is_dir():
                if path and not path.endswith("/"):
                    return redirect("/" + path + "/", code=301)
                path = (path + "index.html") if path else "index.html"
            found = (root / path).is_file()
        except (OSError, ValueError):  # a name too long for the file system, and the like
            abort(404)
        if not found:
            if (root / "404.html").is_file():
                return send_from_directory(root, "404.html"), 404
            abort(404)
        return send_from_directory(root, path)

    @app.after_request
    def headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith("/forms") and request.method == "POST":
            resp.headers["Cache-Control"] = "no-store"
        return resp

    return app


def blueprints() -> list:
    """The forms and search pages, registered on the same server as the site."""
    from builder.web.chrome import bp as chrome_bp
    from builder.web.editors import bp as editors_bp
    from builder.web.forms import bp as forms_bp
    from builder.web.register import bp as register_bp
    from builder.web.search import bp as search_bp

    return [chrome_bp, forms_bp, search_bp, register_bp, editors_bp]
