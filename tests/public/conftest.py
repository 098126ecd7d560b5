"""Public-side fixtures: a test client that picks the language per request, (the live server and Chromium come from tests/live_server.py)."""
from __future__ import annotations


import pytest
from flask.testing import FlaskClient
from flask_babel import refresh


class PerRequestLocaleClient(FlaskClient):
    """Tests run inside one app context, where Flask-Babel caches the first request's locale;
    a real server starts every request with a fresh context, so forget it before each one."""

    def open(self, *args, **kwargs):
        refresh()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = PerRequestLocaleClient
    try:
        yield app.test_client()
    finally:
        app.test_client_class = None


