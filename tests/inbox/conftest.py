import threading

import pytest
from werkzeug.serving import make_server

from tests.staff_city import sign_in, town  # noqa: F401  (fixtures)

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name):
    """Debian's Chromium, never a downloaded browser."""
    if browser_name in (None, "chromium"):
        return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_FLAGS}
    return browser_type_launch_args


@pytest.fixture
def live(app):
    """The test app on a free port, in a thread (same process: same test database)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
