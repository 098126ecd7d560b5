"""A small city with two districts, and helpers that move reports along the real lifecycle."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, box

from backend.city.models import District
from backend.clock import set_clock, utcnow
from backend.extensions import db
from backend.reports import service as reports
from backend.reports import support as support_service
from backend.reports.models import ActorType, Report, ReportStatus
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)
WEST = (121.40, 31.15, 121.47, 31.30)  # (min_long, min_lat, max_long, max_lat)
EAST = (121.48, 31.15, 121.55, 31.30)
IN_WEST = (31.20, 121.42)  # (lat, long)
IN_EAST = (31.20, 121.50)


@pytest.fixture
def city():
    roads = f.department("roads")
    f.area(roads, CITY)
    f.category("pothole", [roads])
    west = District(code="west", name_en="West", name_zh="西区", geom=from_shape(MultiPolygon([box(*WEST)]), srid=4326))
    east = District(code="east", name_en="East", name_zh="东区", geom=from_shape(MultiPolygon([box(*EAST)]), srid=4326))
    db.session.add_all([west, east])
    db.session.commit()
    return {"roads": roads, "west": west, "east": east}


def at(text: str):
    """Freeze the clock at an ISO time (with its offset)."""
    moment = datetime.fromisoformat(text).astimezone(timezone.utc)
    set_clock(lambda: moment)
    return moment


def submit(reporter, where=IN_WEST) -> Report:
    """A report as a citizen sends it, routed to its department (status open)."""
    report = reports.submit(category="pothole", lat=where[0], long=where[1], description="deep hole", reporter=reporter)
    reports.route(report.id)
    return db.session.get(Report, report.id)


def move(report: Report, status: ReportStatus, **data) -> None:
    reports.transition(report, status, actor_type=ActorType.STAFF, note="", data=data or None)
    db.session.commit()


def support(report: Report, citizen) -> None:
    """A "me too", through the reports area's own support function."""
    support_service.support(report, citizen)


def campaign_task(multiplier: float = 1.0, redundancy: int = 2):
    """An active campaign around IN_WEST with a single task; returns (campaign, task id)."""
    from sqlalchemy import select

    from backend.tasks import campaigns
    from backend.tasks.models import Task

    square = {"type": "Polygon", "coordinates": [[[121.41, 31.19], [121.43, 31.19], [121.43, 31.21],
                                                   [121.41, 31.21], [121.41, 31.19]]]}
    now = utcnow()
    campaign = campaigns.create_campaign(staff=f.coordinator(), title_en="Benches", title_zh="长椅", question_en="Is the bench broken?",
                                         area=square, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=7),
                                         target_count=1, redundancy=redundancy, reward_multiplier=multiplier)
    return campaign, db.session.scalar(select(Task.id).where(Task.campaign_id == campaign.id))
