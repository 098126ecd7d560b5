"""Reports and their history."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import Citizen
from backend.city.models import Category, Department, District
from backend.clock import utcnow
from backend.extensions import db


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"

    @property
    def open311(self) -> str:
        """Open311 knows only open and closed."""
        return "open" if self in OPEN311_OPEN else "closed"


OPEN311_OPEN = {ReportStatus.SUBMITTED, ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS}


def _enum(e: type[enum.Enum], length: int = 20) -> Enum:
    return Enum(e, native_enum=False, length=length, values_callable=lambda x: [m.value for m in x])


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_department_status_created", "department_id", "status", "created_at"),
        Index("ix_reports_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id", ondelete="SET NULL"), index=True)
    location: Mapped[Any] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    address: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict] = mapped_column(JSONB, default=dict)
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), default=ReportStatus.SUBMITTED, index=True)
    channel: Mapped[str] = mapped_column(String(20), default="api")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Hidden by moderation: not on public pages, maps or open data.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))

    category: Mapped[Category] = relationship()
    department: Mapped[Department | None] = relationship()
    district: Mapped[District | None] = relationship()
    reporter: Mapped[Citizen | None] = relationship()
    events: Mapped[list[ReportEvent]] = relationship(back_populates="report", order_by="ReportEvent.id")


class EventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    ROUTED = "routed"
    UNROUTED = "unrouted"
    STATUS = "status"
    NOTE = "note"
    # Staff side (backend/triage/service.py, sla.py, moderation.py)
    HANDED_OVER = "handed_over"
    MERGED = "merged"
    ESCALATED = "escalated"
    HELD = "held"
    RELEASED = "released"
    MODERATED = "moderated"


class ActorType(enum.StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"
    SYSTEM = "system"


class ReportEvent(db.Model):
    """One entry of a report's history: a transition or a note, public or internal."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    from_status: Mapped[ReportStatus | None] = mapped_column(_enum(ReportStatus))
    to_status: Mapped[ReportStatus | None] = mapped_column(_enum(ReportStatus))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_type: Mapped[ActorType] = mapped_column(_enum(ActorType))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    actor_citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    data: Mapped[dict] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="events")


class Supporter(db.Model):
    """A citizen who said "me too" about a report; told of its changes like the reporter."""

    __tablename__ = "supporters"
    __table_args__ = (UniqueConstraint("report_id", "citizen_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attachment(db.Model):
    """A photo: re-encoded, EXIF stripped, stored under MEDIA_DIR with an unguessable name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    # Relative to MEDIA_DIR; random, never derived from the uploaded name.
    path: Mapped[str] = mapped_column(String(200), unique=True)
    thumbnail_path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # Redacted by moderation: kept for the record, never shown.
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
