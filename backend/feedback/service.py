"""Notifications owed to citizens when something happens to a report they care about.

Every public event of a report (received, routed, a status change, a public note)
becomes one notification per recipient — the reporter and every supporter — inside
the event's own transaction, so the fact and the promise to tell people commit
together. A recipient reachable on Telegram also gets an outbox row that pushes it.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from backend import signals
from backend.accounts.models import Channel, ChannelIdentity, Citizen
from backend.clock import utcnow
from backend.extensions import db
from backend.feedback.models import DeliveryState, Notification
from backend.disclosure.public_view import reference
from backend.outbox import service as outbox
from backend.alerts.following_models import Follower
from backend.reports.event_texts import note_data
from backend.reports.models import EventKind, Report, ReportEvent, Supporter

PUSH_JOB = "backend.feedback.jobs.push"
KIND_STATUS = "status"
KIND_NOTE = "note"
# Telegram chat ids are integers. Anything else (the demo seed's "demo-0001" …) cannot
# be pushed to, so its history stays in the feed and never reaches a real chat.
_CHAT_ID = re.compile(r"^-?\d{1,20}$")


@signals.report_event.connect
def _on_report_event(report: Report, event: ReportEvent) -> None:
    notify_report_event(report, event)


def notify_report_event(report: Report, event: ReportEvent) -> list[int]:
    """Create the notifications an event owes (once per citizen, however often called); returns the new ids."""
    if not event.public or event.kind == EventKind.UNROUTED:
        return []
    kind = KIND_NOTE if event.kind == EventKind.NOTE else KIND_STATUS
    created = []
    for citizen_id, role in recipients(report):
        new_id = notify(citizen_id, kind=kind, subject_key=f"event:{event.id}", payload=_payload(report, event, role),
                        report_id=report.id, event_id=event.id, created_at=event.created_at)
        if new_id is not None:
            created.append(new_id)
    return created


def notify(citizen_id: int, *, kind: str, subject_key: str, payload: dict[str, Any], report_id: int | None = None,
           event_id: int | None = None, created_at: datetime | None = None) -> int | None:
    """One notification per (citizen, kind, subject), ever: pushed when the citizen is reachable on
    Telegram, kept in the feed otherwise. Returns the new id, or None when it already existed."""
    telegram = push_identity(citizen_id)
    new_id = db.session.scalar(
        insert(Notification).values(
            citizen_id=citizen_id, report_id=report_id, event_id=event_id, kind=kind, subject_key=subject_key,
            payload=payload, channel=Channel.TELEGRAM.value if telegram else None,
            state=DeliveryState.PENDING.value if telegram else DeliveryState.FEED_ONLY.value,
            attempts=0, created_at=created_at or utcnow())
        .on_conflict_do_nothing(index_elements=["citizen_id", "kind", "subject_key"])
        .returning(Notification.id))
    if new_id is not None and telegram:
        outbox.add(PUSH_JOB, notification_id=new_id)
    return new_id


def recipients(report: Report) -> list[tuple[int, str]]:
    """(citizen id, "reporter" | "supporter" | "follower") of everyone told about this report; deleted
    citizens excluded. Followers (backend/alerts/following.py) are told exactly what supporters are."""
    found: dict[int, str] = {}
    if report.reporter_id is not None and report.reporter is not None and report.reporter.deleted_at is None:
        found[report.reporter_id] = "reporter"
    for citizen_id in db.session.scalars(
            select(Supporter.citizen_id).join(Citizen, Citizen.id == Supporter.citizen_id)
            .where(Supporter.report_id == report.id, Citizen.deleted_at.is_(None)).order_by(Supporter.id)):
        found.setdefault(citizen_id, "supporter")
    for citizen_id in db.session.scalars(
            select(Follower.citizen_id).join(Citizen, Citizen.id == Follower.citizen_id)
            .where(Follower.report_id == report.id, Citizen.deleted_at.is_(None)).order_by(Follower.id)):
        found.setdefault(citizen_id, "follower")
    return list(found.items())


def push_identity(citizen_id: int) -> ChannelIdentity | None:
    """The Telegram identity we may push to, if any: a bot is configured, the user has not
    blocked it, and the id is a real chat id."""
    if not current_app.config.get("TELEGRAM_BOT_TOKEN"):
        return None
    for identity in db.session.scalars(select(ChannelIdentity).where(
            ChannelIdentity.citizen_id == citizen_id, ChannelIdentity.channel == Channel.TELEGRAM)):
        if not identity.blocked and _CHAT_ID.match(identity.external_id):
            return identity
    return None


def _payload(report: Report, event: ReportEvent, role: str) -> dict[str, Any]:
    """Everything the text needs, frozen at the time of the event (names may change later)."""
    department = report.department
    duplicate_of = report.duplicate_of_id if event.to_status and event.to_status.value == "duplicate" else None
    return {
        "report_id": report.id,
        "reference": reference(report),
        "role": role,
        "event": event.kind.value,
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value if event.to_status else None,
        # The note is rendered when the message is written, in each citizen's language (event_texts).
        "note": event.note or "",
        "note_data": note_data(event),
        "category": {"en": report.category.name_en, "zh_Hans": report.category.name_zh},
        "department": {"en": department.name_en, "zh_Hans": department.name_zh} if department else None,
        "duplicate_of": duplicate_of,
        "duplicate_of_reference": reference(db.session.get(Report, duplicate_of)) if duplicate_of else None,
    }
