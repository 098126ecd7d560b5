"""Congratulations for a badge or a level, handed to the feedback area to push on the citizen's channel."""
from __future__ import annotations

import logging
from typing import Callable

from flask_babel import force_locale
from sqlalchemy.dialects.postgresql import insert
from werkzeug.utils import ImportStringError, import_string

from backend.clock import utcnow
from backend.extensions import db
from backend.feedback.models import DeliveryState, Notification
from backend.outbox import service as outbox

log = logging.getLogger(__name__)
# Written by the feedback area: renders the payload in the citizen's language and sends it.
PUSH_JOB = "backend.feedback.jobs.push_notification"
# Our own outbox job, which hands over to PUSH_JOB (see push()).
CONGRATULATE_JOB = "backend.incentives.jobs.push_congratulation"


def in_both_languages(render: Callable[[str], str]) -> dict:
    """"text_en"/"text_zh" for the payload: the feed and the pusher show them as they are."""
    texts = {}
    for language, key in (("en", "text_en"), ("zh_Hans", "text_zh")):
        with force_locale(language):
            texts[key] = str(render(language))
    return texts


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
        outbox.add(CONGRATULATE_JOB, notification_id=notification_id)
    return notification_id


def push(notification_id: int) -> str:
    """Hand the notification to the feedback area's pusher.

    Without one (a deployment without the feedback area) the notification stays pending in
    the citizen's feed, and the feedback sweep pushes pending notifications once it exists,
    so a missing pusher is not an error that would fail every award's outbox message.
    """
    try:
        pusher = import_string(PUSH_JOB)
    except ImportStringError:
        log.warning("No push service at %s: notification %s stays pending in the feed", PUSH_JOB, notification_id)
        return "pending"
    return pusher(notification_id=notification_id)
