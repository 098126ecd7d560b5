"""RQ entry points of the alerts area: each is one transaction, committed here."""
from __future__ import annotations

from backend.alerts import mail, service
from backend.extensions import db
from backend.outbox import service as outbox


def send(message_id: int) -> str:
    outcome = service.send(message_id)
    db.session.commit()
    if outcome == "retry":
        # The outbox keeps the promise and runs this again after OUTBOX_RETRY_SECONDS.
        raise mail.MailNotSent(f"alert message {message_id} not accepted yet")
    return outcome


def prepare_digests() -> int:
    """Periodic: today's digests, a batch per transaction."""
    total = 0
    while True:
        handled = service.prepare_digests()
        outbox.commit()
        total += handled
        if handled < service.DIGEST_BATCH:
            return total
