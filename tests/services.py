"""Real services for the test session: a fresh database on the project's PostgreSQL
and a private Redis server that tests may stop and start again."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import psycopg
import redis
from sqlalchemy.engine import make_url

from backend import config, embedded_services
from backend.jobqueue import connect


class TestDatabase:
    def __init__(self) -> None:
        base = make_url(config.database_url())
        self.name = f"{base.database}_test_{os.getpid()}"
        self.url = base.set(database=self.name).render_as_string(hide_password=False)
        self._admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)

    def create(self) -> None:
        self.drop()
        embedded_services.ensure_database(self._admin, self.name)

    def drop(self) -> None:
        with psycopg.connect(self._admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class RedisServer:
    """A private redis-server on a free port; stop() and start() keep the port."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="crowdgov-test-redis-"))
        self.port = embedded_services.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        embedded_services.start_redis(self.dir, self.port)

    def stop(self) -> None:
        embedded_services.stop_redis(self.dir, self.port)
        client = connect(self.url)
        # SHUTDOWN returns once the server is gone; prove the port is closed.
        try:
            client.ping()
        except redis.ConnectionError:
            return
        raise RuntimeError("redis did not stop")

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
