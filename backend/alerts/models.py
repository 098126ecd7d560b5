"""Area subscriptions and the e-mails they owe."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Date, DateTime, Enum, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.city.models import District
from backend.clock import utcnow
from backend.extensions import db


def _enum(e: type[enum.Enum]) -> Enum:
    return Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class AreaKind(enum.StrEnum):
    DISTRICT = "district"
    CIRCLE = "circle"


class Frequency(enum.StrEnum):
    INSTANT = "instant"
    DAILY = "daily"


class AlertSubscription(db.Model):
    """One citizen following one area. With an e-mail address it sends mail once the address is
    confirmed (double opt-in); without one it is only a saved area with its Atom feed."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (
        CheckConstraint("(kind = 'district' AND district_id IS NOT NULL AND centre IS NULL) OR "
                        "(kind = 'circle' AND district_id IS NULL AND centre IS NOT NULL AND radius_m > 0)",
                        name="area_complete"),
        # The matcher reads only live, confirmed e-mail subscriptions.
        Index("ix_alert_subscriptions_live_district", "district_id",
              postgresql_where=text("confirmed_at IS NOT NULL AND unsubscribed_at IS NULL AND email IS NOT NULL")),
        Index("ix_alert_subscriptions_email", text("lower(email)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AreaKind] = mapped_column(_enum(AreaKind))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    centre: Mapped[Any] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=True)
    radius_m: Mapped[float | None] = mapped_column(Float)
    email: Mapped[str | None] = mapped_column(String(254))
    frequency: Mapped[Frequency] = mapped_column(_enum(Frequency), default=Frequency.INSTANT)
    language: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The daily digest: the city-local day of the last one, and where the next one starts.
    last_digest_on: Mapped[date | None] = mapped_column(Date)
    digest_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    district: Mapped[District | None] = relationship()


class MessageKind(enum.StrEnum):
    CONFIRM = "confirm"
    INSTANT = "instant"
    DIGEST = "digest"


class MessageState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    # Not sent because it no longer should be (unsubscribed, the report hidden since).
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


class AlertMessage(db.Model):
    """One e-mail, written when it is owed and sent by the outbox's job; `key` makes it once-only."""

    __tablename__ = "alert_messages"
    # How many confirmations an address got today (service.MAX_CONFIRMATIONS_PER_ADDRESS).
    __table_args__ = (Index("ix_alert_messages_confirm_address", text("lower(to_address)"), "created_at",
                            postgresql_where=text("kind = 'confirm'")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscriptions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(_enum(MessageKind))
    # "confirm:12:1", "instant:12:event:345", "digest:12:2025-06-01"
    key: Mapped[str] = mapped_column(String(120), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Reports the message speaks of: a report hidden before sending withdraws an instant alert.
    report_ids: Mapped[list] = mapped_column(JSONB, default=list)
    state: Mapped[MessageState] = mapped_column(_enum(MessageState), default=MessageState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    subscription: Mapped[AlertSubscription] = relationship()
