"""Congratulations for a badge or a level, handed to the feedback area to push on the citizen's channel."""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from backend.clock import utcnow
from backend.extensions import db
from backend.feedback.models import DeliveryState, Notification
from backend.outbox import service as outbox

# Written by the feedback area: renders the payload in the citizen's language and sends it.
PUSH_JOB = "backend.feedback.jobs.push_notification"


def congratulate(citizen_id: int, kind: str, code: str, payload: dict) -> int | None:
    """One notification per (citizen, kind, code), ever: a retried award tells nobody twice.

    kind is "badge" or "level"; the subject key is "<kind>:<code>".
    """
    notification_id = db.session.scalar(
        insert(Notification).values(citizen_id=citizen_id, kind=kind, subject_key=f"{kind}:{code}",
                                    payload=payload, state=DeliveryState.PENDING.value, attempts=0,
                                    created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[Notification.citizen_id, Notification.kind, Notification.subject_key])
        .returning(Notification.id))
    if notification_id is not None:
        outbox.add(PUSH_JOB, notification_id=notification_id)
    return notification_id
