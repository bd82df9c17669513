"""The local web app that ``handbook serve`` runs: the built site, the fillable forms
and search, on one port.

The app is created by :func:`create_app`, so tests make one against their own folders.
Nothing with owner data is logged: waitress keeps no access log, and the app logs no
request bodies or query strings."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, redirect, request, send_from_directory

from builder.core.paths import SITE_DIR


def create_app(site_dir: Path = SITE_DIR) -> Flask:
    app = Flask("handbook", static_folder=None)
    app.config["SITE_DIR"] = Path(site_dir).resolve()
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    for bp in blueprints():
        app.register_blueprint(bp)

    @app.get("/")
    @app.get("/<path:path>")
    def site(path: str = ""):
        root: Path = app.config["SITE_DIR"]
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            abort(404)
        if target.is_dir():
            if path and not path.endswith("/"):
                return redirect("/" + path + "/", code=301)
            path = (path + "index.html") if path else "index.html"
        if not (root / path).is_file():
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
    from builder.web.forms import bp as forms_bp
    from builder.web.search import bp as search_bp

    return [chrome_bp, forms_bp, search_bp]
