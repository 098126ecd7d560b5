"""Open311 GeoReport v2 (/open311/v2), JSON and XML; choices where the spec is ambiguous: docs/OPEN311.md."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from backend.open311.views import bp, connect_signals

    app.register_blueprint(bp)
    connect_signals(app)
