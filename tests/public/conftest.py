"""Public-side fixtures: a test client that picks the language per request, a live server, Chromium."""
from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from flask_babel import refresh
from werkzeug.serving import make_server


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


@pytest.fixture
def live_server(app):
    """The test app on a free port, in a thread (same process: same test database)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name):
    if browser_name != "chromium":
        return browser_type_launch_args
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}
