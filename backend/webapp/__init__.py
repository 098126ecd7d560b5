"""The citizen web app (an installable PWA) at /app/: static files served by Flask.

It is one more client of /api/v1, exactly like the bot: the page, its scripts, the service worker
and the translations are served here, and every piece of data comes from the API. The app's
words live in one gettext catalogue per language (backend/webapp/translations), the same files
the server's own templates use; `/app/i18n/<lang>.json` hands them to the scripts.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from backend.i18n import LANGUAGES

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
CATALOGUES = HERE / "translations"
# Leaflet comes from its xstatic package through the public blueprint's /vendor/ door.
VENDOR = ["/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css"]

bp = Blueprint("webapp", __name__, static_folder="static", static_url_path="/app/static", template_folder="templates")


def _language() -> str:
    return str(get_locale() or "zh_Hans")


@lru_cache(maxsize=None)
def catalogue(language: str) -> dict[str, str]:
    """msgid → translation of the app's catalogue (untranslated ones left out: the script shows the msgid)."""
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=language)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string}


def _static_files() -> list[str]:
    return sorted(str(p.relative_to(STATIC)) for p in STATIC.rglob("*") if p.is_file())


@lru_cache(maxsize=None)
def version() -> str:
    """Changes whenever a file of the app or a catalogue changes: the service worker then refreshes its cache."""
    digest = hashlib.sha256()
    for name in _static_files():
        digest.update(name.encode())
        digest.update((STATIC / name).read_bytes())
    for language in LANGUAGES:
        digest.update(json.dumps(catalogue(language), sort_keys=True).encode())
    digest.update((HERE / "templates" / "webapp" / "index.html").read_bytes())
    return digest.hexdigest()[:12]


def shell_files() -> list[str]:
    """Everything the app needs to start without a network."""
    return (["/app/", "/app/manifest.webmanifest"] + [f"/app/i18n/{lang}.json" for lang in LANGUAGES]
            + [f"/app/static/{name}" for name in _static_files()] + VENDOR)


@bp.get("/app")
def shell_redirect() -> Any:
    return redirect(url_for("webapp.shell"), 301)


@bp.get("/app/")
def shell() -> Any:
    response = Response(render_template("webapp/index.html", lang=_language(), version=version()))
    response.cache_control.no_cache = True
    return response


@bp.get("/app/sw.js")
def service_worker() -> Any:
    body = render_template("webapp/sw.js", version=version(), files=json.dumps(shell_files()))
    response = Response(body, mimetype="text/javascript")
    response.cache_control.no_cache = True
    return response


@bp.get("/app/manifest.webmanifest")
def manifest() -> Any:
    lang = _language()
    city = current_app.config["CITY_NAME"]
    body = {
        "name": _("CrowdGov %(city)s: report a problem", city=city),
        "short_name": _("CrowdGov"),
        "description": _("Report problems in public space, follow them until they are fixed, and help check them."),
        "lang": "zh-Hans" if lang.startswith("zh") else "en",
        "start_url": "/app/", "scope": "/app/", "display": "standalone", "orientation": "portrait",
        "background_color": "#f5f7fa", "theme_color": "#1d4ed8",
        "icons": [{"src": "/app/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
                  {"src": "/app/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
                  {"src": "/app/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
                  {"src": "/app/static/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png",
                   "purpose": "maskable"}],
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@bp.get("/app/i18n/<language>.json")
def translations(language: str) -> Any:
    if language not in LANGUAGES:
        abort(404)
    return Response(json.dumps({"language": language, "messages": catalogue(language)}, ensure_ascii=False),
                    mimetype="application/json")


def init_app(app: Flask) -> None:
    from backend.webapp.links import template_helpers

    app.register_blueprint(bp)
    app.context_processor(template_helpers)
