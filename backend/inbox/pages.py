"""Staff pages that read: the inbox list, a report, photos, coordinator notices.

Which parts a page shows is asked of the areas' policies (`may(action, subject)` in templates)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import xstatic.pkg.leaflet
from flask import Blueprint, abort, current_app, render_template, request, send_from_directory, url_for
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from backend import parameters
from backend.city.models import Area, Category, Department
from backend.clock import utcnow
from backend.extensions import db
from backend.inbox import display, verification_labels
from backend.inbox.auth import current_staff
from backend import policy
from backend.intake import service as intake
from backend.reports import nearby, service as reports
from backend.updates import service as updates
from backend.triage import inbox_query, moderation, response_templates, sla
from backend.reports.models import Attachment, ReportStatus, Supporter
from backend.triage.policy import may_see_all_departments, may_see_notices, may_see_report, report_for
from backend.triage.service import REJECT_REASONS
from backend.triage.models import TemplateUse
from backend.tasks.service import verification_state

# A suggested category this likely puts its department first in the hand-over list.
HAND_OVER_SUGGESTION_AT = 0.2
bp = Blueprint("inbox", __name__, url_prefix="/inbox", template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.app_template_global("coordinator_map_url")
def coordinator_map_url() -> str | None:
    """The coordinators' city map lives in another area; link it only when it exists."""
    for endpoint in current_app.view_functions:
        if endpoint.endswith("coordinator_map"):
            return url_for(endpoint)
    return None


def _signed_in() -> policy.Actor:
    return current_staff() if current_user.is_authenticated else None


def may(action: str, subject: object = None) -> bool:
    """For templates: may the signed-in staff member do `action` (a policy's name without may_)?"""
    return policy.may(_signed_in(), action, subject)


def layout_context() -> dict:
    context = {"lang": display.language(), "now": utcnow(), "may": may, **display.filters()}
    staff = _signed_in()
    if staff is not None:
        context["staff"] = staff
        context["escalation_count"] = sla.open_escalation_count() if may_see_notices(staff) else 0
    return context


def _int(name: str) -> int | None:
    return parameters.optional_identifier(request.args.get(name), name)


def _date(name: str) -> date | None:
    return parameters.optional_day(request.args.get(name), name)


def _filters() -> inbox_query.InboxFilters:
    status = request.args.get("status", "active")
    if status not in inbox_query.STATUS_GROUPS and status not in {s.value for s in ReportStatus}:
        status = "active"
    verified = {"yes": True, "no": False}.get(request.args.get("verified", ""))
    sort = request.args.get("sort", "newest")
    return inbox_query.InboxFilters(
        status=status, category_id=_int("category"), area_id=_int("area"),
        department_id=_int("department") if may_see_all_departments(current_staff()) else None,
        overdue=request.args.get("overdue") == "1", verified=verified,
        possible_duplicates=request.args.get("duplicates") == "1",
        date_from=_date("from"), date_to=_date("to"), q=parameters.text(request.args.get("q"), "q", max_length=200, multiline=False),
        sort=sort if sort in inbox_query.SORTS else "newest")


@bp.get("/")
@login_required
def index():
    staff = current_staff()
    f = _filters()
    zone = current_app.config["CITY_TIMEZONE"]
    rows, next_cursor = inbox_query.page(staff, f, cursor=request.args.get("after"), city_zone=zone)
    counts = inbox_query.status_counts(staff, f, zone)
    every_department = bool(may_see_all_departments(staff))
    areas_query = select(Area).order_by(Area.name)
    if not every_department:
        areas_query = areas_query.where(Area.department_id == staff.department_id)
    args = {k: v for k, v in request.args.items() if k != "after"}
    shown = ["active", *(["submitted"] if every_department else []),
             "open", "acknowledged", "in_progress", "resolved", "rejected", "duplicate", "closed"]
    active_count = sum(counts[s.value] for s in sla.OPEN)
    tabs = [(key, display.STATUS_LABELS.get(key, display.ACTIVE_LABEL), active_count if key == "active" else counts[key],
             url_for("inbox.index", **(args | {"status": key}))) for key in shown]
    return render_template(
        "inbox/list.html", reports=rows, next_url=url_for("inbox.index", **args, after=next_cursor) if next_cursor else None,
        first_url=url_for("inbox.index", **args) if request.args.get("after") else None,
        f=f, args=args, tabs=tabs,
        overdue_count=inbox_query.overdue_count(staff),
        supporters=inbox_query.supporters_counts([r.id for r in rows]),
        categories=list(db.session.scalars(select(Category).order_by(Category.code))),
        areas=list(db.session.scalars(areas_query)), departments=_departments(),
        sorts=display.SORT_LABELS, statuses=list(ReportStatus), templates=response_templates.active(TemplateUse.RESOLVE),
        all_templates=response_templates.active())


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))


@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int):
    staff = current_staff()
    found = report_for(staff, report_id)
    lat, long = reports.coordinates(found)
    near = nearby.nearby(found)
    photos = list(db.session.scalars(select(Attachment).where(Attachment.report_id == found.id).order_by(Attachment.id)))
    supporters = db.session.scalar(select(db.func.count()).select_from(Supporter).where(Supporter.report_id == found.id))
    duplicates = intake.duplicates_of(found) if found.status in intake.STAFF_ALIVE else []
    suggestion = intake.suggest_for(found)
    held = reports.is_held(found)
    return render_template(
        "inbox/report.html", report=found, lat=lat, long=long, photos=photos, supporters=supporters,
        nearby_points=[{"id": r.id, "lat": la, "long": lo, "status": r.status.value, "url": url_for("inbox.report", report_id=r.id)}
                       for r, la, lo in near if may_see_report(staff, r)],
        duplicates=[d for d in duplicates if may_see_report(staff, d.report)],
        suggestion=suggestion, time_left=sla.time_left(found),
        departments=_departments_suggested_first(found, lat, long, suggestion),
        templates=response_templates.active(), reject_reasons=REJECT_REASONS, held=held,
        map_tiles=current_app.config.get("MAP_TILE_URL", ""), staff_names=_staff_names(found),
        verification=verification_state(found.id), verification_labels=verification_labels,
        citizen_updates=updates.all_updates(staff, found.id))


def _departments_suggested_first(found, lat: float, long: float, suggestion) -> list[tuple[Department, str | None]]:
    """Every department; first, in the suggestion's order, those that handle a category the
    description suggests (with some confidence) here, with that category's name."""
    from backend.city.service import responsible_department_id

    lang = display.language()
    handles: dict[int, tuple[int, str]] = {}
    for rank, (category, confidence) in enumerate(suggestion.suggestions if suggestion.understood else []):
        department_id = responsible_department_id(category.id, lat, long)
        if department_id is not None and category.id != found.category_id and confidence >= HAND_OVER_SUGGESTION_AT:
            handles.setdefault(department_id, (rank, category.name(lang)))
    ranked = sorted(_departments(), key=lambda d: handles.get(d.id, (len(handles), ""))[0])
    return [(d, handles[d.id][1] if d.id in handles else None) for d in ranked]


def _staff_names(found) -> dict[int, str]:
    from backend.accounts.models import StaffUser

    ids = {e.actor_staff_id for e in found.events if e.actor_staff_id}
    return {s.id: s.name for s in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))} if ids else {}


@bp.get("/reports/<int:report_id>/photos/<int:attachment_id>")
@bp.get("/reports/<int:report_id>/photos/<int:attachment_id>/<any(thumb):size>")
@login_required
def photo(report_id: int, attachment_id: int, size: str = ""):
    """Photos for staff, behind the same access rule as the report (hidden reports included)."""
    found = report_for(current_staff(), report_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is not None and attachment.report_id is None:
        attachment = updates.photo_of_report(found, attachment_id)  # a citizen's update's photo
    elif attachment is not None and attachment.report_id != found.id:
        attachment = None
    if attachment is None or attachment.redacted:
        abort(404)
    path = attachment.thumbnail_path if size == "thumb" else attachment.path
    media = Path(current_app.config["MEDIA_DIR"]).resolve()
    response = send_from_directory(media, path, mimetype=attachment.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/escalations")
@login_required
def escalations():
    staff = current_staff()
    policy.require(may_see_notices(staff))
    return render_template("inbox/escalations.html", escalations=sla.open_escalations(staff),
                           held_reports=moderation.held_reports(staff), unrouted=reports.unrouted(),
                           departments=_departments())


@bp.get("/vendor/leaflet/<path:filename>")
def leaflet(filename: str):
    return send_from_directory(xstatic.pkg.leaflet.BASE_DIR, filename, max_age=86400)
