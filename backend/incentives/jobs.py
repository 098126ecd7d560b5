"""RQ entry points of the incentives area (each idempotent: badges are unique per citizen)."""
from __future__ import annotations

from datetime import date, timedelta

from backend.clock import utcnow
from backend.incentives import badges, boards, notices


def crown_district_champions(month: str | None = None) -> int:
    """The district-of-the-month badge for the month before now (or `month`, "YYYY-MM-01")."""
    first = date.fromisoformat(month) if month else badges.previous_month()
    return badges.crown_district_champions(first)


def award_campaign_finishers(days: int = 30) -> int:
    """The finisher badge for answerers of campaigns closed in the last `days` (a sweep that may miss runs)."""
    return badges.campaign_finishers(utcnow() - timedelta(days=days))


def rebuild_boards() -> int:
    """Repair: recompute every board from the ledger (not scheduled; the boards are kept incrementally)."""
    return boards.rebuild()
