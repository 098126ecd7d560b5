"""RQ entry points of the alerts area. The worker's edge commits a job that returns; the two
places below that commit themselves say why."""
from __future__ import annotations

from backend.alerts import mail, service
from backend.extensions import db


def send(message_id: int) -> str:
    outcome = service.send(message_id)
    if outcome == "retry":
        # The refused attempt stays counted (so a message gives up after MAX_ATTEMPTS), then the
        # raise tells the outbox to run this again after OUTBOX_RETRY_SECONDS.
        db.session.commit()
        raise mail.MailNotSent(f"alert message {message_id} not accepted yet")
    return outcome


def prepare_digests() -> int:
    """Periodic: today's digests, a batch per transaction (its own commits: a city's worth of digests
    is not held in one transaction, and each batch's outbox rows are enqueued as it commits)."""
    total = 0
    while True:
        handled = service.prepare_digests()
        db.session.commit()
        total += handled
        if handled < service.DIGEST_BATCH:
            return total
