"""Who commits: the edges, never the services (after pyramid_tm).

A web request, an RQ job and a CLI command is each one transaction. The edge commits once at the
end of a unit of work that succeeded and rolls back one that failed; the services inside only add
and flush. So a change, its audit entry and its outbox rows are stored together or not at all,
and the outbox enqueues what was promised right after that one commit (backend/outbox/service.py
listens for it).

- Requests: committed after a response below 400, rolled back after a 4xx or 5xx or an unhandled
  error. A view whose error answer must keep what it wrote (a failed sign-in's audit entry) calls
  `keep_despite_error_status()` first.
- Jobs: `TransactionalJob` (the worker's job class) commits after a job that returned and rolls
  back after one that raised, before RQ records the outcome.
- CLI commands: `@in_transaction` (or `with unit_of_work():` around a part).

A service that truly needs transactions of its own (a long sweep working in batches, a row lock
held across a network call) says so in its docstring; those and the edges here are the only
places that commit.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, Response, has_request_context, request
from rq.job import Job

from backend.extensions import db

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
_KEEP = "crowdgov_keep_despite_error"


def init_app(app: Flask) -> None:
    app.after_request(_end_request)


def _end_request(response: Response) -> Response:
    if response.status_code < 400 or request.environ.pop(_KEEP, False):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def keep_despite_error_status() -> None:
    """This request answers with an error status but what it wrote must stay."""
    if has_request_context():
        request.environ[_KEEP] = True


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (a connection broken mid-query: the original error matters)
        log.warning("rollback failed; the worker renews the connection", exc_info=True)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did if it finished, roll it back if it raised."""
    try:
        yield
    except BaseException:
        _rollback_quietly()
        raise
    db.session.commit()


def in_transaction(fn: F) -> F:
    """A CLI command (or any other edge) as one transaction."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class TransactionalJob(Job):
    """An RQ job that is one transaction: committed if it returned, rolled back if it raised."""

    def perform(self) -> Any:
        with unit_of_work():
            return super().perform()
