"""The Redis connection and the RQ queue, one per app."""
from __future__ import annotations

from typing import Any

from flask import current_app
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue


def connect(url: str) -> Redis:
    """A client that fails fast: redis-py's default retries with backoff would hold a
    citizen's request for seconds while Redis is down, and the outbox covers that case."""
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5, retry=Retry(NoBackoff(), 1))


def redis_connection() -> Redis:
    conn = current_app.extensions.get("crowdgov_redis")
    if conn is None:
        conn = connect(current_app.config["REDIS_URL"])
        current_app.extensions["crowdgov_redis"] = conn
    return conn


def queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def enqueue(func: str, *, job_id: str | None = None, **kwargs: Any):
    """Enqueue a job by dotted path; raises redis errors to the caller."""
    return queue().enqueue(func, kwargs=kwargs, job_id=job_id, result_ttl=600, failure_ttl=7 * 86400)
