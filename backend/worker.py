"""The RQ worker: jobs run inside an app context, each one transaction (TransactionalJob), and a
forked work horse gets its own DB pool."""
from __future__ import annotations

import logging
import threading

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker

from backend.extensions import db
from backend.schedule import PERIODIC
from backend.transaction import TransactionalJob

log = logging.getLogger(__name__)
# RQ logs every job it takes and every idle pass at INFO; at the default level a worker says only what
# needs a look (warnings, failed jobs). WORKER_LOG_LEVEL=INFO (`crowdgov worker --log-level INFO`) shows it all.
DEFAULT_LOG_LEVEL = "WARNING"


def configure_logging(level: str = DEFAULT_LOG_LEVEL) -> str:
    """One format and level for the worker's own loggers and RQ's; returns the level for `Worker.work`."""
    level = level.upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    for name in ("rq.worker", "rq.job", "rq.scheduler"):
        logging.getLogger(name).setLevel(level)
    return level


class _AppJobs:
    app: Flask

    def perform_job(self, job, queue) -> bool:
        with self.app.app_context():
            try:
                return super().perform_job(job, queue)
            finally:
                try:
                    db.session.remove()
                except Exception:  # noqa: BLE001
                    # A job stopped by its timeout in the middle of a query leaves its connection
                    # busy, and closing the session fails: drop the pool rather than the worker.
                    log.warning("job %s left a broken database connection; the pool is renewed", job.id)
                    db.session.registry.clear()
                    db.engine.dispose()


class AppWorker(_AppJobs, Worker):
    """Forking worker (`crowdgov worker --fork`)."""

    def main_work_horse(self, job, queue):
        # The child inherits the parent's pooled connections; sharing them across a
        # fork corrupts both, so drop them without closing the parent's sockets.
        with self.app.app_context():
            db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


class AppSimpleWorker(_AppJobs, SimpleWorker):
    """Non-forking worker: `crowdgov worker`, the tests and the benchmarks."""


def make_worker(app: Flask, connection: Redis, *, simple: bool = False) -> Worker:
    cls = AppSimpleWorker if simple else AppWorker
    worker = cls([Queue(app.config["RQ_QUEUE"], connection=connection, job_class=TransactionalJob)],
                 connection=connection, job_class=TransactionalJob)
    worker.app = app
    return worker


def enqueue_due_periodic(connection: Redis, queue_name: str) -> list[str]:
    """Enqueue each periodic job whose interval has passed. Several workers may call this:
    a Redis key with the interval as expiry lets exactly one of them enqueue."""
    queue = Queue(queue_name, connection=connection)
    enqueued = []
    for p in PERIODIC:
        if connection.set(f"crowdgov:periodic:{p.job}", "1", nx=True, ex=p.every_seconds):
            queue.enqueue(p.job, result_ttl=60)
            enqueued.append(p.job)
    return enqueued


def start_periodic_thread(app: Flask, connection: Redis, stop: threading.Event, tick: float = 5.0) -> threading.Thread:
    def loop():
        while not stop.wait(tick):
            try:
                enqueue_due_periodic(connection, app.config["RQ_QUEUE"])
            except RedisError as exc:  # Redis away for a while: try again next tick
                log.warning("periodic jobs not enqueued: %s", exc)

    thread = threading.Thread(target=loop, name="crowdgov-periodic", daemon=True)
    thread.start()
    return thread
