"""Campaigns, micro-tasks, claims, answers and each citizen's answering reputation."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (Boolean, CheckConstraint, DateTime, Enum, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.extensions import db


def _enum(e: type[enum.Enum], length: int = 20) -> Enum:
    return Enum(e, native_enum=False, length=length, values_callable=lambda x: [m.value for m in x])


class CampaignState(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class Campaign(db.Model):
    """A coordinator's design: what to look at, where, when, how many answers, what it is worth."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("ST_IsValid(area)", name="area_valid"),
        CheckConstraint("ends_at > starts_at", name="window_ordered"),
        CheckConstraint("redundancy >= 1", name="redundancy_positive"),
        CheckConstraint("reward_multiplier > 0", name="reward_positive"),
        CheckConstraint("category_id IS NOT NULL OR question_en <> '' OR question_zh <> ''", name="has_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_en: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200))
    instructions_en: Mapped[str] = mapped_column(Text, default="")
    instructions_zh: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    question_en: Mapped[str] = mapped_column(Text, default="")
    question_zh: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    redundancy: Mapped[int] = mapped_column(Integer, default=3)
    reward_multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    target_count: Mapped[int] = mapped_column(Integer)
    # A level of the incentives area; stored as a number, checked through tasks.campaigns.level_of.
    min_level: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[CampaignState] = mapped_column(_enum(CampaignState), default=CampaignState.ACTIVE, index=True)
    created_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def title(self, language: str) -> str:
        return (self.title_zh if language.startswith("zh") else self.title_en) or self.title_en or self.title_zh

    def instructions(self, language: str) -> str:
        zh = language.startswith("zh")
        return (self.instructions_zh if zh else self.instructions_en) or self.instructions_en or self.instructions_zh

    def question(self, language: str) -> str:
        zh = language.startswith("zh")
        return (self.question_zh if zh else self.question_en) or self.question_en or self.question_zh


class TaskKind(enum.StrEnum):
    VERIFY_REPORT = "verify_report"
    CONFIRM_FIX = "confirm_fix"
    CAMPAIGN = "campaign"


class TaskState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    # Nobody answered in time, or the report/campaign ended first.
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Outcome(enum.StrEnum):
    VERIFIED = "verified"
    REFUTED = "refuted"
    FIX_CONFIRMED = "fix_confirmed"
    FIX_DENIED = "fix_denied"
    YES = "yes"
    NO = "no"
    INCONCLUSIVE = "inconclusive"


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("redundancy >= 1", name="redundancy_positive"),
        CheckConstraint("report_id IS NOT NULL OR campaign_id IS NOT NULL", name="has_target"),
        Index("ix_tasks_report_kind", "report_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TaskKind] = mapped_column(_enum(TaskKind))
    state: Mapped[TaskState] = mapped_column(_enum(TaskState), default=TaskState.OPEN, index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    # The place to look at: the report's point or a point of the campaign's area.
    location: Mapped[Any] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    # Independent answers needed; grows by one on a tie, up to max_answers.
    redundancy: Mapped[int] = mapped_column(Integer)
    max_answers: Mapped[int] = mapped_column(Integer)
    reward: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))
    agreement: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="task", order_by="Answer.id")


class ClaimState(enum.StrEnum):
    ACTIVE = "active"
    ANSWERED = "answered"
    RELEASED = "released"
    EXPIRED = "expired"


class Claim(db.Model):
    """A citizen holding one slot of a task for a while."""

    __tablename__ = "task_claims"
    __table_args__ = (
        # One live claim per citizen, whatever the race.
        Index("uq_task_claims_one_active_per_citizen", "citizen_id", unique=True,
              postgresql_where=text("state = 'active'")),
        Index("ix_task_claims_task_state", "task_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    state: Mapped[ClaimState] = mapped_column(_enum(ClaimState), default=ClaimState.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    task: Mapped[Task] = relationship()


class Verdict(enum.StrEnum):
    YES = "yes"
    NO = "no"
    CANT_TELL = "cant_tell"


class Answer(db.Model):
    __tablename__ = "task_answers"
    __table_args__ = (UniqueConstraint("task_id", "citizen_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id", ondelete="SET NULL"), index=True)
    verdict: Mapped[Verdict] = mapped_column(_enum(Verdict))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    # Where the citizen said they were, if they shared it.
    location: Mapped[Any | None] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    distance_m: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    # Why the answer counts less than the citizen's reputation (e.g. "far_from_target").
    low_weight_reason: Mapped[str | None] = mapped_column(String(40))
    # Set when the task closes: did this answer agree with the outcome?
    agreed: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    task: Mapped[Task] = relationship(back_populates="answers")


class Reputation(db.Model):
    """A citizen's answering accuracy as a Beta(alpha, beta) distribution; the incentives area reads it."""

    __tablename__ = "reputations"
    __table_args__ = (CheckConstraint("alpha > 0 AND beta > 0", name="beta_positive"),)

    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), primary_key=True)
    alpha: Mapped[float] = mapped_column(Float)
    beta: Mapped[float] = mapped_column(Float)
    answers_agreed: Mapped[int] = mapped_column(Integer, default=0)
    answers_disagreed: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def score(self) -> float:
        """The expected accuracy, alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)
