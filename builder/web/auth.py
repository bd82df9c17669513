"""Staff login for the web app once the register is on: sessions, roles and CSRF tokens.

* ``/login`` (name and password, checked by the register's Argon2id accounts) and
  ``/logout`` (POST). The session is Flask's signed cookie: the secret is a file in the data
  folder (``web-session.key``, made 0600 on first start), the cookie is HttpOnly and
  SameSite=Lax, and it expires after :data:`IDLE` without a request (the signature carries
  its time; every request renews it).
* :func:`guard` runs before every request: ``/forms``, ``/register`` and the editors'
  actions (``/editors/searches``, ``/editors/drafts``, ``/editors/approve``) need a logged-in account; every POST must carry the
  session's CSRF token (``_csrf`` field or ``X-CSRF-Token`` header) besides the ``Origin``
  check of :mod:`builder.web.app`. The built site, ``/search`` and ``/api/search`` stay open:
  they hold no personal data.
* :func:`current_user` and :func:`allowed` for the pages; :func:`need` refuses with 403.

Nothing personal is logged: a failed login logs nothing typed (the name may be anyone's).
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, session, url_for

from builder.core.paths import TEMPLATES_DIR

#: a session ends after this long without a request
IDLE = dt.timedelta(hours=8)
SECRET_FILE = "web-session.key"
#: paths that need a logged-in account (prefixes)
PROTECTED = ("/forms", "/register", "/editors/searches")
#: …except these (the forms' stylesheet and script, which the login page uses too)
OPEN = ("/forms/_static/",)
#: exact paths that need a login too (the built site's own /editors/drafts/ page stays open)
PROTECTED_PAGES = frozenset({"/editors/drafts", "/editors/approve"})
#: POSTs without a token: the search page's click beacon (no personal data, no form)
NO_TOKEN = ("/api/search/click",)

bp = Blueprint("auth", __name__, template_folder=str(TEMPLATES_DIR))


def load_secret(folder: Path) -> bytes:
    """The session-signing secret in ``folder`` (made 0600 on first use, never replaced)."""
    path = folder / SECRET_FILE
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        data = path.read_bytes()
        if len(data) < 32:
            raise RuntimeError(f"{path}: too short to be a session secret; delete it to make a new one") from None
        return data
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(32))
        f.flush()
        os.fsync(f.fileno())
    return path.read_bytes()


def setup(app: Any, register: Any, secret_folder: Path) -> None:
    """Turn login on for ``app`` with ``register`` (see the module's notes)."""
    app.extensions["handbook_register"] = register
    app.secret_key = load_secret(secret_folder)
    app.config.update(SESSION_COOKIE_NAME="handbook_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=IDLE,
                      SESSION_REFRESH_EACH_REQUEST=True)
    app.register_blueprint(bp)
    app.before_request(guard)


def register_of() -> Any:
    """The app's register, or None when the app runs without one (tests of other areas)."""
    return current_app.extensions.get("handbook_register")


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
        session.permanent = True
    return token


@bp.app_context_processor
def inject() -> dict[str, Any]:
    return {"csrf_token": csrf_token if register_of() is not None else (lambda: ""),
            "current_user": current_user, "allowed": allowed, "register_on": register_of() is not None}


def current_user() -> Any:
    """The logged-in account (a ``builder.register.User``), or None. Looked up once per request,
    so a disabled account or a changed role takes effect at its next click."""
    if "user" in g.__dict__:
        return g.user
    g.user = None
    reg = register_of()
    name = session.get("user")
    if reg is not None and isinstance(name, str):
        from builder.register import NotFound

        try:
            user = reg.get_user(name)
        except NotFound:
            user = None
        if user is not None and not user.disabled:
            g.user = user
    return g.user


def allowed(action: str) -> bool:
    from builder.register import permits

    user = current_user()
    return user is not None and permits(user.role, action)


def need(action: str) -> Any:
    """The logged-in account allowed to do ``action``; otherwise 403 with the reason."""
    from builder.register import PermissionDenied, require

    if register_of() is None:
        abort(404)  # the register's pages do not exist without one
    user = current_user()
    if user is None:
        abort(401)
    try:
        require(user.role, action)
    except PermissionDenied as e:
        abort(Response(render_template("web/register_refused.html", message=str(e)), status=403,
                       mimetype="text/html"))
    return user


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain")


def guard() -> Any:
    """Login for the protected paths; the CSRF token on every POST."""
    path = request.path
    if request.method not in ("GET", "HEAD", "OPTIONS") and not path.startswith(NO_TOKEN):
        sent = request.form.get("_csrf") or request.headers.get("X-CSRF-Token") or ""
        token = session.get("csrf")
        if not isinstance(token, str) or not hmac.compare_digest(sent.encode(), token.encode()):
            return _plain("拒绝请求: 页面已过期或不是从本系统打开的, 请刷新页面后重新提交。", 403)
    if ((path.startswith(PROTECTED) and not path.startswith(OPEN)) or path in PROTECTED_PAGES) \
            and current_user() is None:
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return _plain("请先登录 (/login)。", 401)
    return None


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never ``//evil`` or a full URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/register"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/register"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    nxt = _safe_next(request.values.get("next"))
    if request.method == "GET":
        error = None if register_of().list_users() else "还没有任何账号: 请管理员在本机运行 handbook user add 姓名 --role 管理员。"
        return render_template("web/login.html", next=nxt, error=error, name="")
    name = (request.form.get("name") or "").strip()
    password = request.form.get("password") or ""
    user = register_of().authenticate(name, password) if name and password else None
    if user is None:
        return render_template("web/login.html", next=nxt, error="账号或密码不对, 或账号已停用。", name=name), 401
    session.clear()  # a fresh session (and token) for the new login
    session["user"] = user.name
    session.permanent = True
    csrf_token()
    return redirect(nxt)


@bp.post("/logout")
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login"))
