"""Notifications to citizens: one per (event, recipient), with its delivery state."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.extensions import db


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    # The channel refuses us (the user blocked the bot): kept in the feed, not pushed.
    BLOCKED = "blocked"
    # Only in the feed: the citizen has no push channel.
    FEED_ONLY = "feed_only"


class Notification(db.Model):
    __tablename__ = "notifications"
    # A retried job must not tell the same person the same thing twice.
    __table_args__ = (UniqueConstraint("citizen_id", "kind", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("report_events.id", ondelete="CASCADE"))
    # e.g. "status", "note", "badge", "task_outcome"
    kind: Mapped[str] = mapped_column(String(30))
    # What the notification is about, unique per citizen and kind: "event:123", "badge:first_report".
    subject_key: Mapped[str] = mapped_column(String(80))
    # Everything needed to render the text in the citizen's language, without further queries.
    payload: Mapped[dict] = mapped_column(JSONB, default=dict)
    channel: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[DeliveryState] = mapped_column(
        Enum(DeliveryState, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=DeliveryState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    external_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a push was put off (rate limit, RetryAfter, a transient error): the sweep
    # re-enqueues pending pushes whose time has long passed, in case that job was lost.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
