"""Reverse proxies in front of the app: with TRUSTED_PROXY_HOPS = n, the n proxies nearest to us are
believed about the client's address (X-Forwarded-For) and scheme (X-Forwarded-Proto), so per-address
rate limits and the per-address login lockout see the client rather than the proxy. With 0 (the default)
nobody is believed: a client cannot pick its own address by sending the header itself.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops < 0:
        raise ValueError("TRUSTED_PROXY_HOPS must be 0 or more")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
