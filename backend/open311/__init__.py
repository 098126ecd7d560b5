"""Open311 GeoReport v2 (/open311/v2), JSON and XML; choices where the spec is ambiguous: docs/OPEN311.md."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from backend import doors
    from backend.errors import DomainError
    from backend.open311.views import _domain_error, _http_error, bp, connect_signals

    app.register_blueprint(bp)
    connect_signals(app)
    # Errors that reach no Open311 view (a method no route takes) still answer in the spec's form.
    doors.register("/open311", lambda exc: _domain_error(exc) if isinstance(exc, DomainError) else _http_error(exc))
