"""Pushing a notification to the citizen's chat: at least once.

The notification row is locked for the whole attempt, so a retried or duplicated job
waits for the first and then finds it sent. It is marked sent, with Telegram's
message id, in the same transaction that held the lock. So `push()` owns its transaction:
it commits (or rolls back) where the attempt ends, before any retry is scheduled.

Not exactly once: the Bot API takes no idempotency key, so when Telegram accepted a message
but its answer was lost (a network timeout), or the worker died between the send and the
commit, the retry sends it again. We choose a rare repeat over a lost status change.
"""
from __future__ import annotations

import logging
import warnings
from datetime import timedelta

from redis.exceptions import RedisError
from sqlalchemy import func, or_, select
from telegram.warnings import PTBDeprecationWarning
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from backend import jobqueue
from backend.accounts.models import Channel, ChannelIdentity, Citizen
from backend.clock import utcnow
from backend.extensions import db
from backend.feedback import ratelimit, telegram
from backend.feedback.models import DeliveryState, Notification
from backend.feedback.service import PUSH_JOB, push_identity
from backend.feedback.texts import render

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# A pending push whose planned time passed this long ago has lost its job: the sweep re-enqueues it.
LOST_AFTER = timedelta(seconds=90)


def push(notification_id: int) -> str:
    """Send one notification if it is still pending; returns what happened."""
    n = db.session.scalar(select(Notification).where(Notification.id == notification_id).with_for_update())
    if n is None:
        db.session.rollback()
        return "missing"
    if n.state != DeliveryState.PENDING:
        db.session.rollback()
        return n.state.value
    identity = push_identity(n.citizen_id)
    if identity is None:
        n.state = _unreachable_state(n.citizen_id)
        db.session.commit()
        return n.state.value
    chat_id = identity.external_id
    wait = ratelimit.acquire(chat_id)
    if wait > 0:
        return _later(n, wait, "throttled")
    citizen = db.session.get(Citizen, n.citizen_id)
    text = render(n, citizen.language)
    n.attempts += 1
    try:
        message_id = telegram.send_message(chat_id, text)
    except Forbidden as exc:
        # The user blocked the bot (or deleted the account): stop pushing to this chat.
        identity.blocked = True
        n.state, n.last_error = DeliveryState.BLOCKED, str(exc)[:500]
        db.session.commit()
        return "blocked"
    except RetryAfter as exc:
        seconds = _seconds(exc)
        ratelimit.hold(chat_id, seconds)
        n.last_error = str(exc)[:500]
        return _later(n, seconds, "retry_after")
    except (BadRequest, ChatMigrated, InvalidToken) as exc:
        # Telegram will not take this message however often we try.
        n.state, n.last_error = DeliveryState.FAILED, f"{type(exc).__name__}: {exc}"[:500]
        db.session.commit()
        return "failed"
    except (NetworkError, TelegramError) as exc:
        n.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if n.attempts >= MAX_ATTEMPTS:
            n.state = DeliveryState.FAILED
            db.session.commit()
            return "failed"
        return _later(n, min(600, 5 * 2 ** n.attempts), "network_error")
    n.state, n.external_message_id, n.sent_at = DeliveryState.SENT, str(message_id), utcnow()
    n.next_attempt_at = None
    db.session.commit()
    return "sent"


def _unreachable_state(citizen_id: int) -> DeliveryState:
    blocked = db.session.scalar(select(func.count()).select_from(ChannelIdentity).where(
        ChannelIdentity.citizen_id == citizen_id, ChannelIdentity.channel == Channel.TELEGRAM,
        ChannelIdentity.blocked.is_(True)))
    return DeliveryState.BLOCKED if blocked else DeliveryState.FEED_ONLY


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form will become a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _later(n: Notification, seconds: float, outcome: str) -> str:
    """Commit the wait and enqueue the retry for then (the worker's scheduler runs it)."""
    n.next_attempt_at = utcnow() + timedelta(seconds=seconds)
    notification_id = n.id
    db.session.commit()
    try:
        jobqueue.queue().enqueue_in(timedelta(seconds=seconds), PUSH_JOB, kwargs={"notification_id": notification_id},
                                    result_ttl=600, failure_ttl=7 * 86400)
    except RedisError as exc:  # the sweep finds it later
        log.warning("notification %s not rescheduled: %s", notification_id, exc)
    return outcome


def sweep() -> int:
    """Re-enqueue pending pushes whose job was lost (Redis flushed, a worker killed)."""
    cutoff = utcnow() - LOST_AFTER
    ids = list(db.session.scalars(select(Notification.id).where(
        Notification.state == DeliveryState.PENDING,
        or_(Notification.next_attempt_at < cutoff,
            Notification.next_attempt_at.is_(None) & (Notification.created_at < cutoff)),
    ).order_by(Notification.id).limit(2000)))
    db.session.rollback()
    for notification_id in ids:
        jobqueue.enqueue(PUSH_JOB, notification_id=notification_id)
    return len(ids)
