"""What an Open311 POST brings beyond a report: which application sent it, its token, its media_url."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.extensions import db


class Open311Submission(db.Model):
    __tablename__ = "open311_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"), index=True)
    # GET tokens/{token} answers the service_request_id; random, unique.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # A photo the client hosts; published as the request's media_url when we hold none of our own.
    media_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
