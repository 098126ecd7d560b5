"""The transactional outbox.

A service that owes background work calls `add()` inside its transaction. Right after that
transaction commits (whoever commits it: the request, job or CLI edge of backend/transaction.py,
or a batch service) the messages are enqueued; if Redis is unreachable they stay pending and the
periodic sweep enqueues them later. A rolled-back transaction promised nothing. A message is done
when its job has run; jobs are idempotent, so enqueuing one twice is harmless.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.utils import import_string

from backend import jobqueue
from backend.clock import utcnow
from backend.extensions import db
from backend.outbox.models import OutboxMessage

log = logging.getLogger(__name__)
DELIVER = "backend.outbox.jobs.deliver"
MAX_ATTEMPTS = 10
_PROMISED_KEY = "crowdgov_outbox_promised"
_COMMITTING_KEY = "crowdgov_outbox_committing"


def add(job: str, **kwargs: Any) -> OutboxMessage:
    """Promise that `job(**kwargs)` will run once this transaction commits."""
    message = OutboxMessage(job=job, kwargs=kwargs)
    db.session.add(message)
    db.session.info.setdefault(_PROMISED_KEY, []).append(message)
    return message


@event.listens_for(Session, "before_commit")
def _note_promises(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the promises wait for the transaction's own commit
    promised = session.info.pop(_PROMISED_KEY, None)
    if promised:
        session.flush()
        # A message added inside a savepoint that rolled back is no longer in the session.
        session.info[_COMMITTING_KEY] = [m.id for m in promised if m in session and m.id is not None]


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    ids = session.info.pop(_COMMITTING_KEY, None)
    if ids:
        _enqueue(ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_PROMISED_KEY, None)
        session.info.pop(_COMMITTING_KEY, None)


def _enqueue(ids: list[int]) -> int:
    done = []
    try:
        for message_id in ids:
            jobqueue.enqueue(DELIVER, message_id=message_id)
            done.append(message_id)
    except RedisError as exc:
        log.warning("Redis unreachable, %d outbox message(s) left for the sweep: %s", len(ids) - len(done), exc)
    if done:
        # A separate short transaction: the caller's session may be mid-work.
        with db.engine.begin() as conn:
            conn.execute(update(OutboxMessage).where(OutboxMessage.id.in_(done)).values(enqueued_at=utcnow()))
    return len(done)


def sweep() -> int:
    """Enqueue messages never enqueued, or enqueued long ago and still not done.

    Reads in its own short transaction (ended before Redis is asked) and marks what it enqueued in another."""
    now = utcnow()
    retry = timedelta(seconds=current_app.config["OUTBOX_RETRY_SECONDS"])
    ids = list(db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.done_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.enqueued_at.is_(None), OutboxMessage.enqueued_at < now - retry),
        ).order_by(OutboxMessage.id).limit(5000)
    ))
    db.session.rollback()
    return _enqueue(ids)


def deliver(message_id: int) -> str:
    """Run the job a message promised and mark it done.

    Owns its transactions: the job's work and the done mark commit together (a job that keeps
    transactions of its own, such as a push, has committed its part already); a job that raised
    is rolled back, and its failed attempt is counted in a transaction of its own."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return "missing"
    if message.done_at is not None:
        return "already done"
    job, kwargs = message.job, dict(message.kwargs)
    try:
        import_string(job)(**kwargs)
        _mark(message_id, done_at=utcnow())
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        _mark(message_id, last_error=repr(exc)[:2000])
        db.session.commit()
        raise
    return "done"


def _mark(message_id: int, **values: Any) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        attempts=OutboxMessage.attempts + 1, **values))


def deliver_pending_inline() -> int:
    """Do every pending message now, in this process (seeding and maintenance, not requests);
    each delivery is its own transaction, as in the worker."""
    ids = list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.done_at.is_(None)).order_by(OutboxMessage.id)))
    db.session.rollback()
    for message_id in ids:
        deliver(message_id)
    return len(ids)


def pending_count() -> int:
    return db.session.scalar(select(db.func.count()).select_from(OutboxMessage).where(OutboxMessage.done_at.is_(None)))
