""""Get updates": following a public report, once per citizen, and leaving it again.

Followers are told of the report's public events exactly as supporters are: the feedback
area's `recipients()` reads the `report_followers` table, and its one `notify()` does the rest. A
follower is not a supporter: following does not count as "me too" anywhere.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from backend.accounts import data_rights
from backend.accounts.models import Citizen
from backend.extensions import db
from backend.disclosure import projection as disclosure
from backend.alerts.following_models import Follower
from backend.reports.models import Report


def follow(report: Report, citizen: Citizen) -> bool:
    """Follow the report; True when the citizen already followed it (nothing changes then).

    The caller has checked the report is public. The reporter is told of everything anyway,
    and is stored as a follower all the same so that "am I following?" reads one table."""
    inserted = db.session.execute(
        insert(Follower).values(report_id=report.id, citizen_id=citizen.id, created_at=func.now())
        .on_conflict_do_nothing(index_elements=["report_id", "citizen_id"]).returning(Follower.id)
    ).scalar()
    return inserted is None


def unfollow(report: Report, citizen: Citizen) -> bool:
    """Stop following; True when there was something to stop."""
    result = db.session.execute(delete(Follower).where(Follower.report_id == report.id,
                                                       Follower.citizen_id == citizen.id))
    return result.rowcount > 0


def is_following(report: Report, citizen: Citizen) -> bool:
    return db.session.scalar(select(func.count()).select_from(Follower).where(
        Follower.report_id == report.id, Follower.citizen_id == citizen.id)) > 0


def follower_count(report: Report) -> int:
    return db.session.scalar(select(func.count()).select_from(Follower).where(Follower.report_id == report.id))


def followed(citizen: Citizen, page: int, size: int) -> tuple[list[Report], int]:
    """The public reports the citizen follows, most recently followed first; a report hidden since
    drops out of the list (the row stays, so it comes back if moderation undoes the hiding)."""
    where = (Follower.citizen_id == citizen.id, Report.hidden.is_(False))
    total = db.session.scalar(select(func.count()).select_from(Follower).join(Report, Report.id == Follower.report_id)
                              .where(*where))
    rows = db.session.scalars(select(Report).join(Follower, Follower.report_id == Report.id).where(*where)
                              .order_by(Follower.created_at.desc(), Follower.id.desc())
                              .offset((page - 1) * size).limit(size))
    return [r for r in rows if disclosure.is_public(r)], total


def _export(citizen: Citizen) -> list[dict[str, Any]]:
    return [{"report_id": row.report_id, "since": row.created_at.isoformat()}
            for row in db.session.scalars(select(Follower).where(Follower.citizen_id == citizen.id).order_by(Follower.id))]


def _erase(citizen: Citizen) -> None:
    db.session.execute(delete(Follower).where(Follower.citizen_id == citizen.id))


data_rights.register_export("following", _export)
data_rights.register_erasure(_erase)
