"""A report as the public may see it (the API's view; built on disclosure.py).

No personal data: no reporter, no staff names, no internal events, coarsened places
for sensitive categories, redacted photos left out.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select

from backend.accounts.models import Citizen
from backend.errors import NotFound
from backend.extensions import db
from backend.reports import photos, service
from backend.reports.event_texts import event_note
from backend.updates import service as updates
from backend.disclosure import projection as disclosure
from backend.reports.models import EventKind, Report, ReportEvent, ReportStatus as S
from backend.reports.support import supporter_count
from backend.updates.models import ReportUpdate

# What a public event reads like when it carries no note of its own (the timeline's titles,
# Open311's update descriptions): translated when shown, in the reader's language.
BECAME = {
    S.OPEN: _l("Opened"), S.ACKNOWLEDGED: _l("Acknowledged by the department"),
    S.IN_PROGRESS: _l("Work in progress"), S.RESOLVED: _l("Marked as fixed"), S.CLOSED: _l("Closed"),
    S.REJECTED: _l("Rejected"), S.DUPLICATE: _l("Marked as a duplicate"),
}
REOPENED = _l("Reopened: citizens say it is not fixed")
SUBMITTED = _l("Reported")
ROUTED = _l("Sent to %(department)s")
ROUTED_SOMEWHERE = _l("Sent to the responsible department")
HANDED_OVER = _l("Handed over to %(department)s")
NOTE = _l("Note")
CITIZEN_UPDATE = _l("Citizen's update")
UPDATE_KIND = "citizen_update"


def reference(report: Report) -> str:
    """The number shown to citizens."""
    return f"CG-{report.id:06d}"


def public_url(report: Report) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/r/{report.id}"


def media_url(relative_path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/media/" + relative_path


def visible_report(report_id: int) -> Report:
    """The report if the public may see it; NotFound otherwise (hidden reports do not exist for the public)."""
    report = service.get(report_id)
    if not disclosure.is_public(report):
        raise NotFound("report_not_found", _("There is no report number %(id)s.", id=report_id))
    return report


def photo_links(report: Report) -> list[dict[str, str]]:
    return [{"url": media_url(a.path), "thumbnail_url": media_url(a.thumbnail_path)}
            for a in photos.public_attachments(report)]


def event_title(kind: EventKind, from_status: S | None, to_status: S | None, department: str | None) -> str:
    """The short text of a public event, in the current locale."""
    if kind == EventKind.SUBMITTED:
        return str(SUBMITTED)
    if kind == EventKind.ROUTED:
        return str(ROUTED) % {"department": department} if department else str(ROUTED_SOMEWHERE)
    if kind == EventKind.HANDED_OVER and department:
        return str(HANDED_OVER) % {"department": department}
    if kind == EventKind.STATUS and from_status == S.RESOLVED and to_status == S.IN_PROGRESS:
        return str(REOPENED)
    if kind == EventKind.STATUS and to_status in BECAME:
        return str(BECAME[to_status])
    return str(NOTE)


def timeline(report: Report) -> list[ReportEvent | ReportUpdate]:
    """The public history: the city's public events and the citizens' public updates, oldest first."""
    entries: list[ReportEvent | ReportUpdate] = [*disclosure.public_events(report), *updates.public_updates(report)]
    return sorted(entries, key=lambda e: (e.created_at, isinstance(e, ReportUpdate), e.id))


def update_photo(update: ReportUpdate) -> dict[str, str] | None:
    if update.photo is None or update.photo.redacted:
        return None
    return {"url": media_url(update.photo.path), "thumbnail_url": media_url(update.photo.thumbnail_path)}


def history(report: Report, language: str) -> list[dict[str, Any]]:
    return [update_view(e) if isinstance(e, ReportUpdate) else event_view(e, language) for e in timeline(report)]


def event_view(event: ReportEvent, language: str) -> dict[str, Any]:
    return {"at": event.created_at, "kind": event.kind.value,
            "status": event.to_status.value if event.to_status else None, "note": event_note(event, language)}


def update_view(update: ReportUpdate) -> dict[str, Any]:
    return {"at": update.created_at, "kind": UPDATE_KIND, "status": None, "note": update.text,
            "photo": update_photo(update)}


def summary(report: Report, language: str) -> dict[str, Any]:
    """Every public field of a report except its history."""
    lat, long = disclosure.public_location(report)
    department = report.department
    return {
        "id": report.id,
        "reference": reference(report),
        "status": report.status.value,
        "open311_status": report.status.open311,
        "category": report.category.code,
        "category_name": report.category.name(language),
        "description": report.description,
        "lat": lat,
        "long": long,
        # A sensitive category's address would undo the coarsening of its location.
        "address": None if report.category.sensitive else report.address,
        "department_name": department.name(language) if department else None,
        "supporters": supporter_count(report),
        "verified": report.verified,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "public_url": public_url(report),
        "photos": photo_links(report),
    }


def full(report: Report, language: str) -> dict[str, Any]:
    return {**summary(report, language), "history": history(report, language)}


def reports_of(citizen: Citizen, page: int, size: int) -> tuple[list[Report], int]:
    """A citizen's own reports, newest first (hidden ones included: they are theirs)."""
    where = Report.reporter_id == citizen.id
    total = db.session.scalar(select(func.count()).select_from(Report).where(where))
    rows = db.session.scalars(select(Report).where(where).order_by(Report.created_at.desc(), Report.id.desc())
                              .offset((page - 1) * size).limit(size))
    return list(rows), total
