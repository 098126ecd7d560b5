"""A citizen's notification feed (GET /api/v1/me/notifications): what was pushed on their channels.

The payload format belongs to the feedback service; this reader uses "text_en"/"text_zh"
when present, else a generic line from "status".
"""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from backend.accounts.models import Citizen
from backend.extensions import db
from backend.feedback import texts
from backend.feedback.models import Notification


def _status_name(status: str) -> str:
    names = {
        "submitted": _("submitted"), "open": _("open"), "acknowledged": _("acknowledged"),
        "in_progress": _("in progress"), "resolved": _("resolved"), "closed": _("closed"),
        "rejected": _("rejected"), "duplicate": _("a duplicate"),
    }
    return names.get(status, status)


def render(notification: Notification, language: str) -> str:
    """The feed text of a notification in the citizen's language."""
    payload = notification.payload or {}
    if "event" in payload:  # a report event's notification (backend/feedback/service.py)
        return texts.render(notification, language, link=False)
    own = payload.get("text_zh") if language.startswith("zh") else payload.get("text_en")
    text = own or payload.get("text_en") or payload.get("text_zh")
    if text:
        return str(text)
    with force_locale(language):
        status = payload.get("status")
        if status and notification.report_id:
            return _("Your report %(ref)s is now %(status)s.", ref=f"CG-{notification.report_id:06d}",
                     status=_status_name(str(status)))
        if status:
            return _("Update: %(status)s.", status=_status_name(str(status)))
        return _("You have a new notification.")


def page(citizen: Citizen, number: int, size: int) -> tuple[list[Notification], int]:
    """One page of the citizen's feed, newest first, and the total count."""
    total = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.citizen_id == citizen.id))
    rows = db.session.scalars(select(Notification).where(Notification.citizen_id == citizen.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .offset((number - 1) * size).limit(size))
    return list(rows), total
