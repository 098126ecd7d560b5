"""Moderation: hide a report from public view, redact a photo or a phrase, block a citizen.

A blocked citizen's later reports are held for review by `reports.service.route()`;
`release()` lets one through. Moderation events are internal (never shown in public).
Who may do each is backend/triage/policy.py's, asked first.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from backend.accounts.models import Citizen, StaffUser
from backend.audit import service as audit
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.outbox import service as outbox
from backend.reports import event_texts, service as reports
from backend.reports.models import ActorType, Attachment, EventKind, ReportEvent, ReportStatus
from backend.policy import require
from backend.triage import policy
from backend.triage.policy import report_for

REDACTED = "[…]"


def _moderated(staff: StaffUser, report, code: str, data: dict, reason: str = "") -> ReportEvent:
    # What was done is a code (shown in the reader's language); the moderator's reason stays as written.
    return reports.record_event(report, EventKind.MODERATED, actor_type=ActorType.STAFF, actor_staff_id=staff.id,
                                public=False, note=reason, data=event_texts.system(code, **data))


def set_hidden(staff: StaffUser, report_id: int, hidden: bool, *, reason: str = "") -> ReportEvent:
    report = report_for(staff, report_id)
    require(policy.may_hide_report(staff, report))
    if report.hidden == hidden:
        raise Conflict("unchanged", _("Nothing to change."))
    report.hidden = hidden
    event = _moderated(staff, report, event_texts.NOTE_HIDDEN if hidden else event_texts.NOTE_SHOWN, {"hidden": hidden},
                       reason.strip()[:500])
    audit.record(staff, "report.hide" if hidden else "report.unhide", "report", report.id,
                 before={"hidden": not hidden}, after={"hidden": hidden, "reason": reason.strip()[:500]})
    return event


def redact_photo(staff: StaffUser, report_id: int, attachment_id: int) -> ReportEvent:
    report = report_for(staff, report_id)
    require(policy.may_redact(staff, report))
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.report_id != report.id:
        raise NotFound("photo_not_found", _("This report has no such photo."))
    if attachment.redacted:
        raise Conflict("unchanged", _("Nothing to change."))
    attachment.redacted = True
    event = _moderated(staff, report, event_texts.NOTE_PHOTO_REDACTED, {"redacted_photo": attachment.id})
    audit.record(staff, "report.redact_photo", "attachment", attachment.id, before={"redacted": False},
                 after={"redacted": True, "report_id": report.id})
    return event


def redact_phrase(staff: StaffUser, report_id: int, phrase: str) -> ReportEvent:
    """Replace every occurrence of `phrase` (case-insensitive) in the description.

    The phrase is usually personal data, so it is stored nowhere: the audit entry keeps
    the description after, and only how much was taken out.
    """
    report = report_for(staff, report_id)
    require(policy.may_redact(staff, report))
    phrase = (phrase or "").strip()
    if not phrase:
        raise ValidationFailed("phrase_required", _("Write the phrase to redact."), {"phrase": _("Required.")})
    pattern = re.compile(re.escape(phrase), re.IGNORECASE)
    redacted, count = pattern.subn(REDACTED, report.description)
    if count == 0:
        raise ValidationFailed("phrase_not_found", _("The description does not contain this phrase."),
                               {"phrase": _("Not found in the description.")})
    report.description = redacted
    event = _moderated(staff, report, event_texts.NOTE_PHRASE_REDACTED,
                       {"redacted_phrase": {"occurrences": count, "length": len(phrase)}})
    audit.record(staff, "report.redact_phrase", "report", report.id,
                 before={"occurrences": count, "length": len(phrase)}, after={"description": redacted})
    return event


def set_blocked(staff: StaffUser, citizen_id: int, blocked: bool, *, reason: str = "") -> Citizen:
    """The block applies city-wide (`may_block_citizen`)."""
    citizen = db.session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound("citizen_not_found", _("There is no such citizen."))
    require(policy.may_block_citizen(staff, citizen))
    if citizen.blocked == blocked:
        raise Conflict("unchanged", _("Nothing to change."))
    citizen.blocked = blocked
    audit.record(staff, "citizen.block" if blocked else "citizen.unblock", "citizen", citizen.id,
                 before={"blocked": not blocked}, after={"blocked": blocked, "reason": reason.strip()[:500]})
    return citizen


def held_reports(staff: StaffUser) -> list:
    """Reports of blocked citizens waiting for review (the coordinators' notices)."""
    require(policy.may_see_notices(staff))
    from backend.reports.models import Report, ReportEvent as E
    held = select(E.report_id).where(E.kind == EventKind.HELD)
    released = select(E.report_id).where(E.kind == EventKind.RELEASED)
    return list(db.session.scalars(select(Report).where(Report.status == ReportStatus.SUBMITTED, Report.id.in_(held),
                                                        Report.id.not_in(released)).order_by(Report.created_at)))


def release(staff: StaffUser, report_id: int) -> ReportEvent:
    """Let a held report be routed like any other (through the outbox, as at intake)."""
    report = report_for(staff, report_id)
    require(policy.may_release(staff, report))
    if not reports.is_held(report):
        raise Conflict("not_held", _("This report is not held for review."))
    event = reports.record_event(report, EventKind.RELEASED, actor_type=ActorType.STAFF, actor_staff_id=staff.id, public=False)
    audit.record(staff, "report.release", "report", report.id, after={"event_id": event.id})
    outbox.add(reports.ROUTE_JOB, report_id=report.id)
    return event
