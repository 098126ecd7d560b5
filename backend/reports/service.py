"""Report intake, routing and the lifecycle. Every transition goes through `transition()`."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Sequence

from flask_babel import gettext as _
from geoalchemy2.elements import WKTElement
from geoalchemy2.shape import to_shape
from sqlalchemy import exists, select

from geo.coordinates import validate_point
from geo.errors import GeoError
from backend.accounts.models import Citizen
from backend.city import service as city
from backend.city.models import Category
from backend.clock import utcnow
from backend.errors import Conflict, NotFound, ValidationFailed
from backend import parameters, signals
from backend.extensions import db
from backend.outbox import service as outbox
from backend.reports import event_texts, photos as photo_store
from backend.reports.lifecycle import allowed
from backend.reports.models import ActorType, EventKind, Report, ReportEvent, ReportStatus

MAX_DESCRIPTION = 4000
ROUTE_JOB = "backend.reports.jobs.route_report"


def check_location(lat: Any, long: Any) -> tuple[float, float]:
    """Valid coordinates inside the service area, or a ValidationFailed saying why.

    Only index lookups: a point inside some area is accepted at once; for one outside, the
    swapped point is tried so that a mixed-up lat/long is called out as such.
    """
    messages = {
        "invalid_coordinate": lambda reason: _("The location is not a valid coordinate: %(reason)s", reason=reason),
        "swapped_coordinates": lambda reason: _("Latitude and longitude look swapped."),
        "outside_service_area": lambda reason: _("This place is outside the area the city serves."),
    }
    try:
        lat_f, long_f = validate_point(lat, long)
        if city.inside_service_area(lat_f, long_f):
            return lat_f, long_f
        if abs(long_f) <= 90 and city.inside_service_area(long_f, lat_f):
            raise GeoError("swapped_coordinates", "latitude and longitude look swapped: the swapped point is inside the service area")
        raise GeoError("outside_service_area", "outside every department's area")
    except GeoError as exc:
        raise ValidationFailed(exc.code, messages[exc.code](exc.message), {"location": exc.message}) from None


def check_description(description: str | None) -> str:
    """The description as stored: cleaned of control characters (every channel), at most MAX_DESCRIPTION."""
    text = parameters.text(description, "description", max_length=10 * MAX_DESCRIPTION)
    if len(text) > MAX_DESCRIPTION:
        raise ValidationFailed("description_too_long", _("The description is too long (at most %(n)d characters).", n=MAX_DESCRIPTION),
                               {"description": f"at most {MAX_DESCRIPTION} characters"})
    return text


def submit(*, category: Category | str, lat: Any, long: Any, description: str | None = "",
           attributes: dict[str, Any] | None = None, reporter: Citizen | None = None,
           channel: str = "api", address: str | None = None,
           photos: Sequence[bytes] = ()) -> Report:
    """Store a new report and promise its routing, in the caller's transaction.

    Everything is validated before anything is written: a bad input leaves nothing behind.
    `photos` are raw uploads (at most photo_store.MAX_PHOTOS); they are checked and re-encoded first.
    """
    if isinstance(category, str):
        category = city.category_by_code(category)
    lat_f, long_f = check_location(lat, long)
    text = check_description(description)
    values = city.validate_attribute_values(category, attributes)
    if len(photos) > photo_store.MAX_PHOTOS:
        raise ValidationFailed("too_many_photos", _("At most %(n)d photos per report.", n=photo_store.MAX_PHOTOS),
                               {"photos": f"at most {photo_store.MAX_PHOTOS}"})
    checked = [photo_store.process(data) for data in photos]
    report = Report(
        category=category, reporter=reporter, description=text, attributes=values,
        location=WKTElement(f"POINT({long_f} {lat_f})", srid=4326),
        address=parameters.text(address, "address", max_length=1000, multiline=False)[:300] or None,
        status=ReportStatus.SUBMITTED, channel=channel,
        district_id=city.district_id_at(lat_f, long_f),
    )
    now = utcnow()
    report.created_at = report.updated_at = now
    db.session.add(report)
    db.session.flush()
    record_event(report, EventKind.SUBMITTED, to_status=ReportStatus.SUBMITTED, actor_type=ActorType.CITIZEN,
           actor_citizen_id=reporter.id if reporter else None)
    if checked:
        photo_store.attach(report, checked)
    outbox.add(ROUTE_JOB, report_id=report.id)
    return report


def record_event(report: Report, kind: EventKind, *, actor_type: ActorType = ActorType.SYSTEM, public: bool = True,
           note: str = "", from_status: ReportStatus | None = None, to_status: ReportStatus | None = None,
           actor_staff_id: int | None = None, actor_citizen_id: int | None = None, data: dict | None = None) -> ReportEvent:
    event = ReportEvent(report_id=report.id, kind=kind, from_status=from_status, to_status=to_status,
                        public=public, note=note, actor_type=actor_type, actor_staff_id=actor_staff_id,
                        actor_citizen_id=actor_citizen_id, department_id=report.department_id,
                        data=data or {}, created_at=utcnow())
    db.session.add(event)
    db.session.flush()
    signals.report_event.send(report, event=event)
    return event


def transition(report: Report, target: ReportStatus, *, actor_type: ActorType, note: str = "", public: bool = True,
               actor_staff_id: int | None = None, actor_citizen_id: int | None = None,
               kind: EventKind = EventKind.STATUS, data: dict | None = None) -> ReportEvent:
    """Move a report along the lifecycle, recording the event."""
    if not allowed(report.status, target):
        raise Conflict("invalid_transition", _("A report that is %(current)s cannot become %(target)s.",
                                               current=report.status.value, target=target.value))
    previous = report.status
    report.status = target
    report.updated_at = utcnow()
    return record_event(report, kind, from_status=previous, to_status=target, actor_type=actor_type, note=note,
                  public=public, actor_staff_id=actor_staff_id, actor_citizen_id=actor_citizen_id, data=data)


def coordinates(report: Report) -> tuple[float, float]:
    """(lat, long) of a report."""
    point = to_shape(report.location)
    return point.y, point.x


def route(report_id: int) -> Report | None:
    """Give a submitted report to the department that handles its category at its place.

    Runs as a job; a second run changes nothing (the status check under a row lock, held until
    the job's transaction ends).
    """
    report = db.session.scalar(select(Report).where(Report.id == report_id).with_for_update())
    if report is None or report.status != ReportStatus.SUBMITTED:
        return report
    if _held_for_review(report):
        return report
    lat, long = coordinates(report)
    department_id = city.responsible_department_id(report.category_id, lat, long)
    if department_id is None:
        already = db.session.scalar(select(exists().where(ReportEvent.report_id == report.id,
                                                          ReportEvent.kind == EventKind.UNROUTED)))
        if not already:
            record_event(report, EventKind.UNROUTED, public=False, data=event_texts.system(event_texts.NOTE_UNROUTED))
        return report
    report.department_id = department_id
    report.due_at = utcnow() + timedelta(hours=report.category.default_sla_hours)
    transition(report, ReportStatus.OPEN, actor_type=ActorType.SYSTEM, kind=EventKind.ROUTED,
               data={"department_id": department_id})
    return report


def has_event(report: Report, kind: EventKind) -> bool:
    return bool(db.session.scalar(select(exists().where(ReportEvent.report_id == report.id, ReportEvent.kind == kind))))


def is_held(report: Report) -> bool:
    """Held for review (its reporter is blocked) and not released yet."""
    return (report.status == ReportStatus.SUBMITTED and has_event(report, EventKind.HELD)
            and not has_event(report, EventKind.RELEASED))


def _held_for_review(report: Report) -> bool:
    """A blocked citizen's report waits for a coordinator (reports.moderation.release) instead of being routed."""
    if report.reporter is None or not report.reporter.blocked or has_event(report, EventKind.RELEASED):
        return False
    if not has_event(report, EventKind.HELD):
        record_event(report, EventKind.HELD, public=False, data=event_texts.system(event_texts.NOTE_HELD))
    return True


def unrouted() -> list[Report]:
    """Submitted reports no department covers: the coordinators' list."""
    return list(db.session.scalars(
        select(Report).where(Report.status == ReportStatus.SUBMITTED,
                             exists().where(ReportEvent.report_id == Report.id, ReportEvent.kind == EventKind.UNROUTED))
        .order_by(Report.created_at)
    ))


def get(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound("report_not_found", _("There is no report number %(id)s.", id=report_id))
    return report
