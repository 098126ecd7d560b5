"""Fixtures: real PostGIS (a database per test session) and a private Redis; each test
starts from empty tables and an empty Redis; jobs run on a real RQ SimpleWorker."""
from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from backend import create_app
from backend.clock import set_clock
from backend.extensions import db
from backend.jobqueue import redis_connection
from backend.worker import make_worker
from tests.live_server import browser_type_launch_args, live_server  # noqa: F401  (fixtures)
from tests.services import RedisServer, TestDatabase


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def test_database():
    database = TestDatabase()
    database.create()
    yield database

    database.drop()


@pytest.fixture(scope="session")
def app(test_database, redis_server, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": test_database.url,
        "REDIS_URL": redis_server.url,
        "RQ_QUEUE": "crowdgov-test",
        "MEDIA_DIR": str(tmp_path_factory.mktemp("media")),
        "MAIL_DIR": str(tmp_path_factory.mktemp("mail")),
        "WTF_CSRF_ENABLED": True,
        # Every test's database starts empty: the intake model is looked up at every use.
        "INTAKE_MODEL_CHECK_SECONDS": 0,
    })
    with app.app_context():
        upgrade()
        db.session.remove()
    return app


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(autouse=True)
def _isolated(request, app, redis_server):
    """Every test gets empty tables, an empty Redis, the real clock and an app context."""
    with app.app_context():
        yield
        db.session.remove()
        set_clock(None)
        if not _redis_alive(app):
            redis_server.start()
        redis_connection().flushdb()
        _truncate_all()
        db.session.remove()


def _redis_alive(app) -> bool:
    try:
        return bool(redis_connection().ping())
    except Exception:
        return False


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_jobs(app):
    """Run every queued (and due scheduled) job in a real RQ worker, in burst mode.

    The test is the edge that hands work to the worker, as a request is: it commits first."""

    def run() -> None:
        db.session.commit()
        worker = make_worker(app, redis_connection(), simple=True)
        worker.work(burst=True, with_scheduler=True)
        db.session.expire_all()

    return run
