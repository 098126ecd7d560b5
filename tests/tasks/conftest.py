"""A small city with one department and a pothole category, and helpers to make routed reports."""
import pytest

from backend.extensions import db
from backend.reports import service as reports
from backend.reports.models import ActorType, ReportStatus
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)
HERE = (31.2200, 121.4700)  # lat, long


@pytest.fixture
def city():
    roads = f.department("roads")
    f.area(roads, CITY)
    pothole = f.category("pothole", [roads])
    db.session.commit()
    return {"roads": roads, "pothole": pothole}


@pytest.fixture
def routed_report(city):
    """A routed report at HERE by its own reporter."""

    def make(lat=HERE[0], long=HERE[1], reporter=None):
        reporter = reporter or f.citizen("Reporter")
        report = reports.submit(category="pothole", lat=lat, long=long, description="deep hole", reporter=reporter)
        return reports.route(report.id)

    return make


def resolve(report):
    reports.transition(report, ReportStatus.RESOLVED, actor_type=ActorType.STAFF, note="Filled in.")
    db.session.commit()


def citizens(n, prefix="Citizen"):
    people = [f.citizen(f"{prefix} {i}") for i in range(n)]
    db.session.commit()
    return people
