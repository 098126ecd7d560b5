"""A citizen's update on a report (text, optional photo), its own record beside the report's events.

Events are what the city does to a report; updates are what citizens add to it (from
FixMyStreet over Open311, the web app, the bot). The rules are in `backend/updates/service.py`.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import Citizen
from backend.clock import utcnow
from backend.extensions import db
from backend.reports.models import Attachment


class UpdateSource(enum.StrEnum):
    OPEN311 = "open311"
    WEB = "web"
    BOT = "bot"


class ReportUpdate(db.Model):
    __tablename__ = "report_updates"
    __table_args__ = (
        # A retried submission finds the first one: the client's own id, within whose it is.
        UniqueConstraint("idempotency_scope", "external_key"),
        Index("ix_report_updates_report_created", "report_id", "created_at"),
        Index("ix_report_updates_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id", ondelete="SET NULL"), index=True)
    # The Open311 application that posted it (FixMyStreet's key); null for our own channels.
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"), index=True)
    source: Mapped[UpdateSource] = mapped_column(
        Enum(UpdateSource, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]))
    text: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="SET NULL"))
    # A photo the client hosts (Open311 media_url); published as a link, never fetched.
    media_url: Mapped[str | None] = mapped_column(String(500))
    # "apikey:<id>" or "citizen:<id>": two clients may use the same external ids.
    idempotency_scope: Mapped[str | None] = mapped_column(String(40))
    external_key: Mapped[str | None] = mapped_column(String(100))
    # Its author was blocked when it came in: staff see it, the public does not until released.
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    # What the client said beside the text (Open311: its status claim and its own time); never acted on.
    data: Mapped[dict] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    citizen: Mapped[Citizen | None] = relationship()
    photo: Mapped[Attachment | None] = relationship()

    @property
    def public(self) -> bool:
        return not self.held and not self.hidden
