"""A citizen's notification feed (GET /api/v1/me/notifications): what was pushed on their channels.

The texts are the ones pushed on the channels (backend/feedback/texts.py).
"""
from __future__ import annotations

from sqlalchemy import func, select

from backend.accounts.models import Citizen
from backend.extensions import db
from backend.feedback import texts
from backend.feedback.models import Notification


def render(notification: Notification, language: str) -> str:
    """The feed text of a notification in the citizen's language (the pushed text, without the link)."""
    return texts.render(notification, language, link=False)


def page(citizen: Citizen, number: int, size: int) -> tuple[list[Notification], int]:
    """One page of the citizen's feed, newest first, and the total count."""
    total = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.citizen_id == citizen.id))
    rows = db.session.scalars(select(Notification).where(Notification.citizen_id == citizen.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .offset((number - 1) * size).limit(size))
    return list(rows), total
