"""Leaderboards: all-time, this week and this month, city-wide and per district.

`board_totals` holds one row per (period, period start, scope, citizen), updated in the
transaction that writes each ledger entry; a board is an index scan of that table and
never reads the ledger. Weeks start on Monday and months on the 1st, in the city's time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, select, text
from sqlalchemy.dialects.postgresql import insert

from backend.accounts.models import Citizen
from backend.city.models import District
from backend.clock import utcnow
from backend.errors import NotFound, ValidationFailed
from backend import parameters
from backend.extensions import db
from backend.incentives.models import BoardTotal

PERIODS = ("all", "week", "month")
ALL_TIME = date(1970, 1, 1)
CITY = 0  # the scope of city-wide rows
MAX_LIMIT = 100


@dataclass(frozen=True)
class BoardRow:
    rank: int
    citizen_id: int  # for marking "you" on a board; never shown in public output
    display_name: str
    points: int

    def public(self) -> dict:
        return {"rank": self.rank, "display_name": self.display_name, "points": self.points}


def city_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CITY_TIMEZONE"])


def city_day(at: datetime) -> date:
    return at.astimezone(city_zone()).date()


def period_start(period: str, at: datetime | None = None) -> date:
    """The first day of the period containing `at` (now by default), in the city's time zone."""
    check_period(period)
    if period == "all":
        return ALL_TIME
    day = city_day(at or utcnow())
    if period == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    return day.replace(day=1)


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValidationFailed("invalid_period", _("The period must be one of: all, week, month."),
                               {"period": "all | week | month"})
    return period


def district_named(value: str | int | None) -> District | None:
    """A district by its code (or id), for a board's `district=` parameter; None for the whole city."""
    if value in (None, ""):
        return None
    text_value = parameters.text(str(value), "district", max_length=100, multiline=False)
    found = db.session.scalar(select(District).where(District.code == text_value))
    if found is None and text_value.isascii() and text_value.isdigit():
        found = db.session.get(District, parameters.identifier(text_value, "district"))
    if found is None:
        raise NotFound("district_not_found", _("There is no district %(district)s.", district=text_value))
    return found


def add(citizen_id: int, district_id: int | None, points: int, validated_reports: int, at: datetime) -> None:
    """Count an entry on every board it belongs to (3 periods × city and its district)."""
    scopes = [CITY] + ([district_id] if district_id else [])
    rows = [{"period": p, "period_start": period_start(p, at), "district_id": s, "citizen_id": citizen_id,
             "points": points, "validated_reports": validated_reports} for p in PERIODS for s in scopes]
    stmt = insert(BoardTotal).values(rows)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[BoardTotal.period, BoardTotal.period_start, BoardTotal.district_id, BoardTotal.citizen_id],
        set_={"points": BoardTotal.points + stmt.excluded.points,
              "validated_reports": BoardTotal.validated_reports + stmt.excluded.validated_reports}))


def _visible():
    return and_(Citizen.id == BoardTotal.citizen_id, Citizen.hidden_from_boards.is_(False), Citizen.deleted_at.is_(None))


def board_statement(period: str, district_id: int | None = None, limit: int = 10, at: datetime | None = None) -> Select:
    """The query behind a board: an ordered index scan of one (period, scope), public citizens only."""
    return (
        select(BoardTotal.citizen_id, Citizen.display_name, BoardTotal.points)
        .join(Citizen, _visible())
        .where(BoardTotal.period == period, BoardTotal.period_start == period_start(period, at),
               BoardTotal.district_id == (district_id or CITY), BoardTotal.points > 0)
        .order_by(BoardTotal.points.desc(), BoardTotal.citizen_id.desc())
        .limit(limit)
    )


def board(period: str = "all", district_id: int | None = None, limit: int = 10, at: datetime | None = None) -> list[BoardRow]:
    """The top of a board, ranked 1, 2, 2, 4 … (equal points share a rank). Hidden citizens are left out."""
    check_period(period)
    limit = max(1, min(int(limit), MAX_LIMIT))
    rows, ranked, previous = db.session.execute(board_statement(period, district_id, limit, at)).all(), [], None
    for position, (citizen_id, name, points) in enumerate(rows, start=1):
        rank = ranked[-1].rank if previous == points else position
        ranked.append(BoardRow(rank, citizen_id, name, int(points)))
        previous = points
    return ranked


def points_of(citizen_id: int, period: str = "all", district_id: int | None = None, at: datetime | None = None) -> int:
    value = db.session.scalar(select(BoardTotal.points).where(
        BoardTotal.period == period, BoardTotal.period_start == period_start(period, at),
        BoardTotal.district_id == (district_id or CITY), BoardTotal.citizen_id == citizen_id))
    return int(value or 0)


def rank_of(citizen_id: int, period: str = "all", district_id: int | None = None, at: datetime | None = None) -> int | None:
    """The citizen's place on a public board; None when they hide from boards or have no points there."""
    check_period(period)
    citizen = db.session.get(Citizen, citizen_id)
    mine = points_of(citizen_id, period, district_id, at)
    if citizen is None or citizen.hidden_from_boards or mine <= 0:
        return None
    above = db.session.scalar(
        select(func.count()).select_from(BoardTotal).join(Citizen, _visible())
        .where(BoardTotal.period == period, BoardTotal.period_start == period_start(period, at),
               BoardTotal.district_id == (district_id or CITY), BoardTotal.points > mine))
    return int(above) + 1


def rebuild() -> int:
    """Recompute every board from the ledger (repair after a manual fix; the normal path is incremental).

    Takes an exclusive lock on board_totals for the rebuild, so awards wait rather than interleave.
    """
    db.session.execute(text("LOCK TABLE board_totals IN EXCLUSIVE MODE"))
    db.session.execute(text("DELETE FROM board_totals"))
    params = {"tz": current_app.config["CITY_TIMEZONE"], "epoch": ALL_TIME}
    inserted = 0
    for period, start in (("all", ":epoch"), ("week", "date_trunc('week', e.created_at AT TIME ZONE :tz)::date"),
                          ("month", "date_trunc('month', e.created_at AT TIME ZONE :tz)::date")):
        for scope in ("0", "e.district_id"):
            where = "WHERE e.district_id IS NOT NULL" if scope != "0" else ""
            result = db.session.execute(text(f"""
                INSERT INTO board_totals (period, period_start, district_id, citizen_id, points, validated_reports)
                SELECT '{period}', {start}, {scope}, e.citizen_id, SUM(e.amount),
                       SUM(CASE e.reason WHEN 'report_validated' THEN 1 WHEN 'reversal' THEN -1 ELSE 0 END)
                FROM point_entries e {where}
                GROUP BY 2, 3, 4"""), params)
            inserted += result.rowcount
    db.session.flush()
    return inserted
