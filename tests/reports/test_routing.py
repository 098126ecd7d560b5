"""One report, routed end to end on real PostGIS and Redis."""
import pytest
from sqlalchemy import select

from backend.errors import ValidationFailed
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.reports import service as reports
from backend.reports.models import EventKind, Report, ReportEvent, ReportStatus
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)
DISTRICT = (121.45, 31.20, 121.50, 31.25)


@pytest.fixture
def city():
    roads = f.department("roads")
    district_works = f.department("district_works")
    parks = f.department("parks")
    f.area(roads, CITY)
    f.area(district_works, DISTRICT)
    f.area(parks, (121.52, 31.27, 121.55, 31.30))
    pothole = f.category("pothole", [roads, district_works])
    bench = f.category("broken_bench", [parks])
    db.session.commit()
    return {"roads": roads, "district_works": district_works, "parks": parks, "pothole": pothole, "bench": bench}


def _submit(category, lat, long):
    """As the API does it: submitted, then committed by the request (which enqueues the routing)."""
    report = reports.submit(category=category, lat=lat, long=long, description="deep hole")
    db.session.commit()
    return report


def test_report_inside_a_single_area_goes_to_its_department(city, run_jobs):
    report = _submit("pothole", 31.17, 121.42)  # city-wide area only
    assert report.status == ReportStatus.SUBMITTED
    run_jobs()
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.OPEN
    assert report.department_id == city["roads"].id
    assert report.due_at is not None
    hours = (report.due_at - report.events[-1].created_at).total_seconds() / 3600
    assert hours == pytest.approx(48, abs=0.01)
    assert [e.kind for e in report.events] == [EventKind.SUBMITTED, EventKind.ROUTED]


def test_overlapping_areas_the_smallest_wins(city, run_jobs):
    report = _submit("pothole", 31.22, 121.47)  # inside both the city and the district
    run_jobs()
    assert db.session.get(Report, report.id).department_id == city["district_works"].id


def test_a_point_on_the_boundary_belongs_to_the_area(city, run_jobs):
    report = _submit("pothole", 31.25, 121.47)  # exactly on the district's northern edge
    run_jobs()
    assert db.session.get(Report, report.id).department_id == city["district_works"].id


def test_no_area_for_the_category_leaves_it_unrouted_for_coordinators(city, run_jobs):
    report = _submit("broken_bench", 31.17, 121.42)  # inside the city, outside the parks area
    run_jobs()
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.SUBMITTED
    assert report.department_id is None
    assert [r.id for r in reports.unrouted()] == [report.id]


def test_outside_every_area_is_refused_and_nothing_is_stored(city):
    with pytest.raises(ValidationFailed) as err:
        _submit("pothole", 31.5, 121.9)
    assert err.value.code == "outside_service_area"
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 0


def test_invalid_attributes_store_nothing(city):
    city["pothole"].attributes = [{"code": "size", "datatype": "singlevaluelist", "required": True,
                                   "values": [{"key": "small"}, {"key": "large"}]}]
    db.session.commit()
    with pytest.raises(ValidationFailed) as err:
        reports.submit(category="pothole", lat=31.17, long=121.42, attributes={"size": "huge", "colour": "red"})
    assert set(err.value.fields) == {"size", "colour"}
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 0


def test_routing_twice_changes_nothing(city, run_jobs):
    report = _submit("pothole", 31.22, 121.47)
    run_jobs()
    before = db.session.get(Report, report.id)
    due, events = before.due_at, len(before.events)
    reports.route(report.id)
    db.session.expire_all()
    after = db.session.get(Report, report.id)
    assert (after.status, after.due_at, len(after.events)) == (ReportStatus.OPEN, due, events)


def test_unrouted_twice_records_one_event(city, run_jobs):
    report = _submit("broken_bench", 31.17, 121.42)
    run_jobs()
    reports.route(report.id)
    kinds = db.session.scalars(select(ReportEvent.kind).where(ReportEvent.report_id == report.id)).all()
    assert kinds.count(EventKind.UNROUTED) == 1


def test_report_submitted_while_redis_is_down_is_kept_and_routed_after_the_sweep(city, redis_server, run_jobs):
    from backend.outbox import service as outbox

    redis_server.stop()
    report = _submit("pothole", 31.22, 121.47)  # answers although Redis is down
    assert report.id is not None
    assert outbox.pending_count() == 2  # routing, and the description's vector (backend/intake)
    redis_server.start()
    run_jobs()
    assert db.session.get(Report, report.id).status == ReportStatus.SUBMITTED  # nothing was queued
    assert outbox.sweep() == 2
    run_jobs()
    assert db.session.get(Report, report.id).status == ReportStatus.OPEN
    assert outbox.pending_count() == 0
