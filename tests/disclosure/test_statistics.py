"""The transparency figures, computed from report histories made through the real lifecycle."""
import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest

from backend.clock import set_clock
from backend.extensions import db
from backend.reports import service as reports
from backend.disclosure import statistics
from backend.reports.models import ActorType, ReportStatus as S
from tests import factories as f

T0 = datetime(2025, 5, 1, 2, 0, tzinfo=timezone.utc)
NOW = T0 + timedelta(hours=100)


def _at(hours: float):
    moment = T0 + timedelta(hours=hours)
    set_clock(lambda: moment)


def _walk(report, *steps):
    """steps: (hours after T0, target status)."""
    for hours, target in steps:
        _at(hours)
        actor = ActorType.CITIZEN if (report.status, target) == (S.RESOLVED, S.IN_PROGRESS) else ActorType.STAFF
        reports.transition(report, target, actor_type=actor)
    db.session.commit()


@pytest.fixture
def histories():
    roads, parks = f.department("roads", name_en="Roads"), f.department("parks", name_en="Parks")
    f.area(roads, (121.40, 31.15, 121.55, 31.30))
    pothole = f.category("pothole", [roads], default_sla_hours=48, name_en="Pothole")
    bench = f.category("bench", [parks], default_sla_hours=48, name_en="Bench")

    def new(cat, dept, **kw):
        return f.report_at(cat, 31.2, 121.45, department=dept, created_at=T0, due_at=T0 + timedelta(hours=48), **kw)

    on_time = new(pothole, roads)
    _walk(on_time, (2, S.ACKNOWLEDGED), (10, S.RESOLVED), (30, S.CLOSED))
    late_reopened = new(pothole, roads)
    _walk(late_reopened, (4, S.ACKNOWLEDGED), (60, S.RESOLVED), (70, S.IN_PROGRESS), (80, S.RESOLVED))
    new(pothole, roads)                      # untouched, its due time has passed: late
    rejected = new(pothole, roads)
    _walk(rejected, (5, S.REJECTED))         # left out of the on-time rate
    fresh = f.report_at(pothole, 31.2, 121.45, department=roads, created_at=NOW - timedelta(hours=10),
                        due_at=NOW + timedelta(hours=38))  # not due yet: not judged
    fixed = new(bench, parks)
    _walk(fixed, (6, S.ACKNOWLEDGED), (20, S.RESOLVED))
    spam = new(pothole, roads, hidden=True)  # hidden reports never count
    _walk(spam, (1, S.ACKNOWLEDGED), (1.5, S.RESOLVED), (2, S.CLOSED))
    set_clock(lambda: NOW)
    return {"fresh": fresh}


def test_department_figures_follow_the_documented_definitions(histories):
    figures = {row.key: row for row in statistics.by_department("en")}
    roads, parks = figures["roads"], figures["parks"]
    assert roads.received == 5
    assert roads.median_ack_hours == 3.0                  # 2 h and 4 h
    assert roads.median_resolve_hours == 35.0             # first resolution: 10 h and 60 h
    assert roads.on_time_rate == pytest.approx(1 / 3)     # on time; late; overdue untouched
    assert roads.reopen_rate == pytest.approx(1 / 2)
    assert roads.confirmed_fix_rate == pytest.approx(1 / 2)
    assert (parks.received, parks.median_ack_hours, parks.median_resolve_hours) == (1, 6.0, 20.0)
    assert (parks.on_time_rate, parks.reopen_rate, parks.confirmed_fix_rate) == (1.0, 0.0, 0.0)


def test_category_figures_and_a_category_without_reports(histories):
    f.category("graffiti", [], name_en="Graffiti")
    db.session.commit()
    figures = {row.key: row for row in statistics.by_category("en")}
    assert figures["pothole"].received == 5 and figures["bench"].received == 1
    empty = figures["graffiti"]
    assert (empty.received, empty.median_resolve_hours, empty.on_time_rate) == (0, None, None)


def test_weeks_are_counted_in_the_city_time_zone(app):
    roads = f.department("roads")
    pothole = f.category("pothole", [roads])
    # Sunday 23:30 and Monday 00:30 in Shanghai: the same UTC day, two different weeks.
    f.report_at(pothole, 31.2, 121.45, created_at=datetime(2025, 6, 1, 15, 30, tzinfo=timezone.utc))
    f.report_at(pothole, 31.2, 121.45, created_at=datetime(2025, 6, 1, 16, 30, tzinfo=timezone.utc))
    db.session.commit()
    set_clock(lambda: datetime(2025, 6, 4, 3, 0, tzinfo=timezone.utc))
    weeks = statistics.weekly(weeks=3)
    assert [w.week_start for w in weeks] == [date(2025, 5, 19), date(2025, 5, 26), date(2025, 6, 2)]
    assert [w.received for w in weeks] == [0, 1, 1]


def test_the_dashboard_draws_charts_with_the_numbers_beside_and_tables_as_csv(histories, client):
    page = client.get("/stats?lang=en").get_data(as_text=True)
    assert page.count("<svg") >= 5
    assert "Roads" in page and "35 h" in page and "33%" in page
    table = list(csv.DictReader(io.StringIO(client.get("/stats/departments.csv").get_data(as_text=True))))
    roads = next(r for r in table if r["key"] == "roads")
    assert (roads["received"], roads["median_resolve_hours"], roads["on_time_rate"]) == ("5", "35.0", "0.3333")
    weekly = client.get("/stats/weekly.csv")
    assert weekly.status_code == 200 and weekly.get_data(as_text=True).startswith("week_start,received")
    assert client.get("/stats/citizens.csv").status_code == 404
