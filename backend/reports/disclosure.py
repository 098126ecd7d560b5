"""What of a report the public may see: one home for every public page, API view and export."""
from __future__ import annotations

import math

from backend.reports.models import Report, ReportEvent
from backend.reports.service import coordinates

# Sensitive categories (e.g. noise at someone's home) are shown on a ~250 m grid.
COARSE_GRID_DEGREES = 0.0025


def public_location(report: Report) -> tuple[float, float]:
    """(lat, long) as the public may see it."""
    lat, long = coordinates(report)
    if report.category.sensitive:
        snap = lambda v: round(math.floor(v / COARSE_GRID_DEGREES) * COARSE_GRID_DEGREES + COARSE_GRID_DEGREES / 2, 6)
        return snap(lat), snap(long)
    return lat, long


def public_events(report: Report) -> list[ReportEvent]:
    return [e for e in report.events if e.public]


def is_public(report: Report) -> bool:
    """Hidden (moderated) reports appear nowhere in public."""
    return not report.hidden
