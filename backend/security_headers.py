"""Security headers for every response of the app: one place, set from create_app.

The Content-Security-Policy allows scripts from this origin only (no inline script, no
eval): templates put data in data-* attributes and static files read it. Styles may be
inline because Leaflet and Swagger UI position their elements with style attributes; a
style cannot run code. Map tiles may come from the configured tile server's origin.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request


def _tile_origin(tile_url: str) -> str:
    parts = urlsplit(tile_url)
    if parts.scheme in ("http", "https") and parts.netloc:
        # Template placeholders such as {s}.tile.example.org become a wildcard subdomain.
        host = parts.netloc.replace("{s}.", "*.")
        return f"{parts.scheme}://{host}"
    return ""


def content_security_policy(tile_url: str = "") -> str:
    images = ["'self'", "data:", "blob:"]
    tile_origin = _tile_origin(tile_url)
    if tile_origin:
        images.append(tile_origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy",
                       content_security_policy(current_app.config.get("MAP_TILE_URL", "")))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
