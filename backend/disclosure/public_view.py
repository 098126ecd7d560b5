"""A report as the public may see it (the API's view; built on disclosure.py).

No personal data: no reporter, no staff names, no internal events, coarsened places
for sensitive categories, redacted photos left out.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from backend.accounts.models import Citizen
from backend.errors import NotFound
from backend.extensions import db
from backend.reports import photos, service
from backend.disclosure import projection as disclosure
from backend.reports.models import Report, ReportEvent
from backend.reports.support import supporter_count


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


def history(report: Report) -> list[dict[str, Any]]:
    return [event_view(e) for e in disclosure.public_events(report)]


def event_view(event: ReportEvent) -> dict[str, Any]:
    return {"at": event.created_at, "kind": event.kind.value,
            "status": event.to_status.value if event.to_status else None, "note": event.note or ""}


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
    return {**summary(report, language), "history": history(report)}


def reports_of(citizen: Citizen, page: int, size: int) -> tuple[list[Report], int]:
    """A citizen's own reports, newest first (hidden ones included: they are theirs)."""
    where = Report.reporter_id == citizen.id
    total = db.session.scalar(select(func.count()).select_from(Report).where(where))
    rows = db.session.scalars(select(Report).where(where).order_by(Report.created_at.desc(), Report.id.desc())
                              .offset((page - 1) * size).limit(size))
    return list(rows), total
