"""Tables of the staff side of the lifecycle: response templates, SLA escalations,
and the indexes the department inbox reads through."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.extensions import db
from backend.reports.models import Report

OPEN_STATUSES_SQL = "status IN ('open', 'acknowledged', 'in_progress')"

# Keyset pagination over a department's open reports: one index per sort order, partial so
# the closed history (most of the table after a year) does not weigh on the inbox.
Index("ix_reports_inbox_open_created", Report.department_id, Report.created_at, Report.id,
      postgresql_where=text(OPEN_STATUSES_SQL))
Index("ix_reports_inbox_open_due", Report.department_id, Report.due_at, Report.id,
      postgresql_where=text(OPEN_STATUSES_SQL))
Index("ix_reports_inbox_open_verified", Report.department_id, Report.verified, Report.created_at, Report.id,
      postgresql_where=text(OPEN_STATUSES_SQL))
# The SLA sweep reads overdue open reports city-wide.
Index("ix_reports_open_due", Report.due_at, postgresql_where=text(OPEN_STATUSES_SQL))
Index("ix_reports_reporter_status", Report.reporter_id, Report.status)
Index("ix_reports_duplicate_of", Report.duplicate_of_id, postgresql_where=text("duplicate_of_id IS NOT NULL"))


class TemplateUse:
    """What a response template is offered for."""

    NOTE = "note"
    RESOLVE = "resolve"
    REJECT = "reject"
    ALL = (NOTE, RESOLVE, REJECT)


class ResponseTemplate(db.Model):
    """A bilingual public answer staff pick instead of typing ("Fixed, thank you …")."""

    __tablename__ = "response_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    use: Mapped[str] = mapped_column(String(20), default=TemplateUse.NOTE)
    title_en: Mapped[str] = mapped_column(String(120))
    title_zh: Mapped[str] = mapped_column(String(120))
    body_en: Mapped[str] = mapped_column(Text)
    body_zh: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def body(self, language: str) -> str:
        return self.body_zh if language.startswith("zh") else self.body_en


class SlaEscalation(db.Model):
    """One breach of a report's due time, told to the coordinators once.

    Unique per (report, due time): a report given a new due time can breach again.
    """

    __tablename__ = "sla_escalations"
    __table_args__ = (UniqueConstraint("report_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    seen_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship()
