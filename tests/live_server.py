"""A live HTTP server on a free port serving the test app (same process, so the same test database)."""
import threading

import pytest
from werkzeug.serving import make_server


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
