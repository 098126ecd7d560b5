"""What department staff do with a report: acknowledge, work, resolve, reject, merge
duplicates, hand over, and write notes.

Every action goes through `reports.service.transition()` / `record_event()`, so the ReportEvent
is stored and `signals.report_event` fires (feedback tells the citizens), and every action
writes an audit entry in the same transaction, the caller's (backend/transaction.py). Who may
do each is backend/triage/policy.py's, asked first.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from backend.accounts.models import StaffUser
from backend.audit import service as audit
from backend.city.models import Department
from backend.clock import utcnow
from backend.errors import Conflict, DomainError, NotFound, ValidationFailed
from backend.extensions import db
from backend.reports import event_texts, service as reports
from backend.reports.models import ActorType, EventKind, Report, ReportEvent, ReportStatus, Supporter
from backend.policy import Decision, require
from backend.triage import policy
from backend.triage.policy import report_for
from backend.triage.models import ResponseTemplate

MAX_NOTE = 4000

# Rejections that cost the reporter points and reputation (the incentives area reads this).
PENALIZED_REJECT_REASONS = frozenset({"spam", "abusive"})

# The reasons' labels live with the other texts of a report's history (shown in the reader's language).
REJECT_REASONS = event_texts.REJECT_REASONS


def _locked(staff: StaffUser, report_id: int, rule: Callable[[StaffUser, Report], Decision] | None) -> Report:
    """The report, once `rule` allows the action (None: the caller asks its rule itself), row-locked."""
    report = report_for(staff, report_id)
    if rule is not None:
        require(rule(staff, report))
    db.session.refresh(report, with_for_update=True)
    return report


def _clean_note(text: str | None, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed("note_required", _("Write a note."), {"note": _("Write a note.")})
    if len(text) > MAX_NOTE:
        raise ValidationFailed("note_too_long", _("The note is too long (at most %(n)d characters).", n=MAX_NOTE),
                               {"note": f"at most {MAX_NOTE} characters"})
    return text


def _language(report: Report) -> str:
    if report.reporter is not None:
        return report.reporter.language
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_Hans")


def template(template_id: int | str | None) -> ResponseTemplate | None:
    if template_id in (None, ""):
        return None
    try:
        found = db.session.get(ResponseTemplate, int(template_id))
    except (TypeError, ValueError):
        found = None
    if found is None or not found.active:
        raise ValidationFailed("unknown_template", _("There is no such response template."),
                               {"template": _("There is no such response template.")})
    return found


def public_text(report: Report, text: str | None, template_id: int | str | None) -> tuple[str, dict]:
    """The public note and the data that lets feedback tell each citizen in their language.

    A template's text is used in the reporter's language when staff wrote nothing (or left
    the template's text as it was); both languages travel in the event's data.
    """
    text = _clean_note(text)
    chosen = template(template_id)
    if chosen is None:
        return text, {}
    data = {"template": chosen.code}
    if not text or text in (chosen.body_en.strip(), chosen.body_zh.strip()):
        data["texts"] = {"en": chosen.body_en, "zh_Hans": chosen.body_zh}
        text = chosen.body(_language(report))
    return text, data


def _status_change(staff: StaffUser, report: Report, target: ReportStatus, action: str, *, note: str = "",
                   data: dict | None = None) -> ReportEvent:
    before = {"status": report.status}
    event = reports.transition(report, target, actor_type=ActorType.STAFF, actor_staff_id=staff.id, note=note,
                               public=True, data=data)
    audit.record(staff, action, "report", report.id, before=before,
                 after={"status": report.status, "event_id": event.id, "note": note, **(data or {})})
    return event


def _move(staff: StaffUser, report_id: int, target: ReportStatus, action: str, note: str,
          template_id: int | str | None, rule: Callable[[StaffUser, Report], Decision]) -> ReportEvent:
    report = _locked(staff, report_id, rule)
    text, data = public_text(report, note, template_id)
    return _status_change(staff, report, target, action, note=text, data=data)


def acknowledge(staff: StaffUser, report_id: int, *, note: str = "",
                template_id: int | str | None = None) -> ReportEvent:
    return _move(staff, report_id, ReportStatus.ACKNOWLEDGED, "report.acknowledge", note, template_id,
                 policy.may_acknowledge)


def start_work(staff: StaffUser, report_id: int, *, note: str = "",
               template_id: int | str | None = None) -> ReportEvent:
    return _move(staff, report_id, ReportStatus.IN_PROGRESS, "report.start", note, template_id, policy.may_start_work)


def resolve(staff: StaffUser, report_id: int, *, note: str = "",
            template_id: int | str | None = None) -> ReportEvent:
    return _move(staff, report_id, ReportStatus.RESOLVED, "report.resolve", note, template_id, policy.may_resolve)


def reject(staff: StaffUser, report_id: int, *, reason: str, note: str = "") -> ReportEvent:
    """Reject with a reason from REJECT_REASONS; "other" needs the reason written out."""
    if reason not in REJECT_REASONS:
        raise ValidationFailed("unknown_reason", _("Choose a reason."), {"reason": _("Choose a reason.")})
    report = _locked(staff, report_id, policy.may_reject)
    # Without words of staff's own the history shows the reason's label, in each reader's language.
    text = _clean_note(note, required=reason == "other")
    return _status_change(staff, report, ReportStatus.REJECTED, "report.reject", note=text, data={"reason": reason})


def mark_duplicate(staff: StaffUser, report_id: int, original_id: int | str) -> ReportEvent:
    """Close the report as a duplicate of `original_id`; its reporter and supporters become the original's supporters.

    The duplicate's event lists the citizens moved over, so feedback can tell them where
    their report went even after the supporter rows have moved.
    """
    report = _locked(staff, report_id, policy.may_mark_duplicate)
    try:
        original = report_for(staff, original_id)
    except NotFound:
        raise ValidationFailed("unknown_original", _("There is no report number %(id)s you can see.", id=str(original_id)[:20]),
                               {"original": _("No such report.")}) from None
    if original.id == report.id:
        raise ValidationFailed("same_report", _("A report cannot be a duplicate of itself."), {"original": _("Choose another report.")})
    if original.status in (ReportStatus.DUPLICATE, ReportStatus.REJECTED):
        raise Conflict("original_closed", _("Report %(id)s is itself closed as a duplicate or rejected.", id=original.id))
    supporters = list(db.session.scalars(select(Supporter).where(Supporter.report_id == report.id)))
    moving = [s.citizen_id for s in supporters]
    if report.reporter_id and report.reporter_id not in moving:
        moving.append(report.reporter_id)
    report.duplicate_of_id = original.id
    event = _status_change(staff, report, ReportStatus.DUPLICATE, "report.mark_duplicate",
                           data=event_texts.system(event_texts.NOTE_MERGED_INTO, duplicate_of=original.id,
                                                   citizens=moving))
    already = set(db.session.scalars(select(Supporter.citizen_id).where(Supporter.report_id == original.id)))
    moved = []
    for citizen_id in moving:
        if citizen_id == original.reporter_id or citizen_id in already:
            continue
        db.session.add(Supporter(report_id=original.id, citizen_id=citizen_id, created_at=utcnow()))
        moved.append(citizen_id)
    for s in supporters:
        db.session.delete(s)
    db.session.flush()
    reports.record_event(original, EventKind.MERGED, actor_type=ActorType.STAFF, actor_staff_id=staff.id, public=True,
                   data=event_texts.system(event_texts.NOTE_MERGED_FROM, from_report=report.id, citizens=moved))
    return event


def hand_over(staff: StaffUser, report_id: int, department_id: int | str, *, note: str = "") -> ReportEvent:
    """Give the report to another department. A report no department took yet (unrouted,
    or held for review) is routed by hand (`may_route_by_hand`), and its SLA clock starts."""
    report = _locked(staff, report_id, None)
    require((policy.may_route_by_hand if report.status == ReportStatus.SUBMITTED else policy.may_hand_over)(staff, report))
    try:
        department = db.session.get(Department, int(department_id))
    except (TypeError, ValueError):
        department = None
    if department is None:
        raise ValidationFailed("unknown_department", _("Choose a department."), {"department": _("Choose a department.")})
    if department.id == report.department_id:
        raise Conflict("same_department", _("The report is already with this department."))
    text = _clean_note(note)
    before = {"department_id": report.department_id, "status": report.status}
    if report.status == ReportStatus.SUBMITTED:
        if reports.is_held(report):
            reports.record_event(report, EventKind.RELEASED, actor_type=ActorType.STAFF, actor_staff_id=staff.id, public=False)
        report.department_id = department.id
        report.due_at = utcnow() + timedelta(hours=report.category.default_sla_hours)
        event = reports.transition(report, ReportStatus.OPEN, actor_type=ActorType.STAFF, actor_staff_id=staff.id,
                                   kind=EventKind.ROUTED, note=text, data={"department_id": department.id})
    elif report.status in (ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS):
        report.department_id = department.id
        report.updated_at = utcnow()
        event = reports.record_event(report, EventKind.HANDED_OVER, actor_type=ActorType.STAFF, actor_staff_id=staff.id,
                               public=True, note=text,
                               data={"from_department_id": before["department_id"], "department_id": department.id})
    else:
        raise Conflict("report_closed", _("A closed report cannot be handed over."))
    audit.record(staff, "report.hand_over", "report", report.id, before=before,
                 after={"department_id": department.id, "status": report.status, "event_id": event.id})
    return event


def internal_note(staff: StaffUser, report_id: int, text: str) -> ReportEvent:
    report = _locked(staff, report_id, policy.may_write_internal_note)
    note = _clean_note(text, required=True)
    event = reports.record_event(report, EventKind.NOTE, actor_type=ActorType.STAFF, actor_staff_id=staff.id,
                           public=False, note=note)
    audit.record(staff, "report.internal_note", "report", report.id, after={"event_id": event.id, "note": note})
    return event


def public_note(staff: StaffUser, report_id: int, text: str = "", *,
                template_id: int | str | None = None) -> ReportEvent:
    report = _locked(staff, report_id, policy.may_write_public_note)
    note, data = public_text(report, text, template_id)
    if not note:
        raise ValidationFailed("note_required", _("Write a note or choose a template."), {"note": _("Write a note.")})
    event = reports.record_event(report, EventKind.NOTE, actor_type=ActorType.STAFF, actor_staff_id=staff.id,
                           public=True, note=note, data=data)
    audit.record(staff, "report.public_note", "report", report.id, after={"event_id": event.id, "note": note, **data})
    return event


ACTIONS: dict[str, Callable[..., ReportEvent]] = {
    "acknowledge": acknowledge,
    "start": start_work,
    "resolve": resolve,
    "reject": reject,
    "duplicate": mark_duplicate,
    "hand_over": hand_over,
    "internal_note": internal_note,
    "public_note": public_note,
}


def bulk(staff: StaffUser, report_ids: list[int], action: str, **kwargs: Any) -> tuple[list[int], dict[int, str]]:
    """Apply one action to many reports; each succeeds or fails alone (a savepoint each).

    Returns the ids done and, per failed id, the reason.
    """
    if action not in ("acknowledge", "start", "resolve", "hand_over", "internal_note", "public_note"):
        raise ValidationFailed("unknown_action", _("This action cannot be applied to a selection."))
    fn = ACTIONS[action]
    note, template_id = kwargs.get("note", ""), kwargs.get("template_id")
    done: list[int] = []
    failed: dict[int, str] = {}
    for report_id in dict.fromkeys(report_ids):
        try:
            with db.session.begin_nested():
                if action == "hand_over":
                    fn(staff, report_id, kwargs.get("department_id"), note=note)
                elif action == "internal_note":
                    fn(staff, report_id, note)
                elif action == "public_note":
                    fn(staff, report_id, note, template_id=template_id)
                else:
                    fn(staff, report_id, note=note, template_id=template_id)
            done.append(report_id)
        except DomainError as exc:
            failed[report_id] = exc.message
    return done, failed
