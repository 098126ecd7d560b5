"""The transactional outbox.

A service that owes background work calls `add()` inside its transaction. After the
commit the messages are enqueued at once; if Redis is unreachable they stay pending
and the periodic sweep enqueues them later. A message is done when its job has run;
jobs are idempotent, so enqueuing one twice is harmless.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.utils import import_string

from backend import jobqueue
from backend.clock import utcnow
from backend.extensions import db
from backend.outbox.models import OutboxMessage

log = logging.getLogger(__name__)
DELIVER = "backend.outbox.jobs.deliver"
MAX_ATTEMPTS = 10
_PENDING_KEY = "crowdgov_outbox_pending"


def add(job: str, **kwargs: Any) -> OutboxMessage:
    """Promise that `job(**kwargs)` will run once this transaction commits."""
    message = OutboxMessage(job=job, kwargs=kwargs)
    db.session.add(message)
    db.session.info.setdefault(_PENDING_KEY, []).append(message)
    return message


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING_KEY, None)


def commit() -> None:
    """Commit the session, then enqueue the jobs it promised (Redis being down is not an error)."""
    db.session.flush()
    ids = [m.id for m in db.session.info.pop(_PENDING_KEY, [])]
    db.session.commit()
    if ids:
        _enqueue(ids)


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
    """Enqueue messages never enqueued, or enqueued long ago and still not done."""
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
    """Run the job a message promised and mark it done."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return "missing"
    if message.done_at is not None:
        return "already done"
    job, kwargs = message.job, dict(message.kwargs)
    db.session.rollback()
    try:
        import_string(job)(**kwargs)
    except Exception as exc:
        db.session.rollback()
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            attempts=OutboxMessage.attempts + 1, last_error=repr(exc)[:2000]))
        db.session.commit()
        raise
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        done_at=utcnow(), attempts=OutboxMessage.attempts + 1))
    db.session.commit()
    return "done"


def deliver_pending_inline() -> int:
    """Do every pending message now, in this process (seeding and maintenance, not requests)."""
    ids = list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.done_at.is_(None)).order_by(OutboxMessage.id)))
    db.session.rollback()
    for message_id in ids:
        deliver(message_id)
    return len(ids)


def pending_count() -> int:
    return db.session.scalar(select(db.func.count()).select_from(OutboxMessage).where(OutboxMessage.done_at.is_(None)))
