"""The points ledger and what is derived from it: board totals, activity days, badges, editable rules.

The ledger is append-only: a correction is a new entry (a penalty, a reversal), never an
update. Balances and boards are kept in `board_totals`, maintained in the same transaction
as each entry, so reading a board never touches the ledger.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.extensions import db


class PointEntry(db.Model):
    __tablename__ = "point_entries"
    # The unique key is what makes awarding idempotent: a retried job inserts nothing.
    __table_args__ = (
        UniqueConstraint("citizen_id", "reason", "subject"),
        Index("ix_point_entries_citizen_created", "citizen_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(Integer)
    # A key of incentives.rules.Reason
    reason: Mapped[str] = mapped_column(String(40))
    # What is rewarded: "report:12", "task:7", "week:2026-11-23" …
    subject: Mapped[str] = mapped_column(String(80))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"), index=True)
    # Where it counts on the per-district boards (the report's district).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    data: Mapped[dict] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BoardTotal(db.Model):
    """Points of one citizen in one period (all / week / month) and one scope (city = 0, or a district)."""

    __tablename__ = "board_totals"
    __table_args__ = (
        # Scanned backwards, it yields a board in order (points, then citizen, both descending).
        Index("ix_board_totals_ranking", "period", "period_start", "district_id", "points", "citizen_id"),
    )

    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    # The first day of the week/month in the city's time zone; 1970-01-01 for all-time.
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    # 0 is the whole city (a sentinel rather than NULL so it can be part of the key).
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    # How many validated reports: the district-of-the-month badge reads it.
    validated_reports: Mapped[int] = mapped_column(Integer, default=0)


class ActivityDay(db.Model):
    """A day (city time) on which the citizen did something rewarded: streaks are read from these."""

    __tablename__ = "activity_days"

    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class BadgeAward(db.Model):
    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("citizen_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    # What earned it, e.g. "month:2026-10:district:3"
    subject: Mapped[str] = mapped_column(String(80), default="")
    earned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PointRule(db.Model):
    """A coordinator's amount for a reason; reasons without a row use the default in incentives.rules."""

    __tablename__ = "point_rules"

    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
