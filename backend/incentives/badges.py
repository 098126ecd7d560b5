"""Badges, defined as data and awarded once each, with the moment they were earned.

A badge's `kind` says how it is earned:
- "count": the citizen has at least `threshold` ledger entries of one of `reasons`;
- "streak": `threshold` consecutive active days;
- "campaign": an answer counted in a campaign that has finished;
- "district_month": the most validated reports in a district in a calendar month (crowned by a job).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from backend.accounts.models import Citizen
from backend.clock import utcnow
from backend.extensions import db
from backend.incentives import boards, ledger, notices
from backend.incentives.models import BadgeAward, BoardTotal
from backend.incentives.rules import Reason
from backend.tasks.models import Answer, Campaign, CampaignState, Task


@dataclass(frozen=True)
class Badge:
    code: str
    kind: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    threshold: int = 1
    reasons: tuple[Reason, ...] = field(default=())

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def description(self, language: str) -> str:
        return self.description_zh if language.startswith("zh") else self.description_en

    def payload(self) -> dict:
        return {"code": self.code, "name": {"en": self.name_en, "zh_Hans": self.name_zh},
                "description": {"en": self.description_en, "zh_Hans": self.description_zh},
                **notices.in_both_languages(lambda lang: _("New badge: %(name)s. %(description)s",
                                                           name=self.name(lang), description=self.description(lang)))}


BADGES: tuple[Badge, ...] = (
    Badge("first_report", "count", "First Report", "首份报告",
          "Your first report was verified or accepted by a department.", "你的第一份报告已被核实或被部门受理。",
          threshold=1, reasons=(Reason.REPORT_VALIDATED,)),
    Badge("ten_verified_reports", "count", "Ten Verified Reports", "十份有效报告",
          "Ten of your reports were verified or accepted.", "你已有十份报告被核实或受理。",
          threshold=10, reasons=(Reason.REPORT_VALIDATED,)),
    Badge("keen_eye", "count", "Keen Eye", "火眼金睛",
          "Ten of your checks agreed with everyone else's.", "你有十次核实与众人的结论一致。",
          threshold=10, reasons=(Reason.VERIFICATION_AGREED, Reason.FIX_CONFIRMATION)),
    Badge("seven_day_streak", "streak", "Seven-Day Streak", "连续七天",
          "You helped the city seven days in a row.", "你连续七天为城市出力。", threshold=7),
    Badge("campaign_finished", "campaign", "Campaign Finisher", "专项任务完成者",
          "A campaign you answered has reached its end.", "你参与的专项任务已圆满结束。"),
    Badge("district_champion", "district_month", "District Champion", "街区之星",
          "The most verified reports in your district in a month.", "你在一个月内是本区有效报告最多的市民。"),
)
BY_CODE = {badge.code: badge for badge in BADGES}


def award(citizen_id: int, code: str, subject: str = "") -> BadgeAward | None:
    """Give a badge unless the citizen has it; a new badge sends one congratulation."""
    badge = BY_CODE[code]
    award_id = db.session.scalar(
        insert(BadgeAward).values(citizen_id=citizen_id, code=code, subject=subject, earned_at=utcnow())
        .on_conflict_do_nothing(index_elements=[BadgeAward.citizen_id, BadgeAward.code])
        .returning(BadgeAward.id))
    if award_id is None:
        return None
    notices.congratulate(citizen_id, "badge", code, badge.payload())
    return db.session.get(BadgeAward, award_id)


def held(citizen_id: int) -> list[BadgeAward]:
    return list(db.session.scalars(select(BadgeAward).where(BadgeAward.citizen_id == citizen_id)
                                   .order_by(BadgeAward.earned_at, BadgeAward.id)))


def after_entry(citizen_id: int, reason: Reason, streak_run: int) -> list[BadgeAward]:
    """Check the badges a new entry (and the activity it recorded) could have earned."""
    have = {a.code for a in held(citizen_id)}
    earned = []
    for badge in BADGES:
        if badge.code in have:
            continue
        if badge.kind == "count" and reason in badge.reasons:
            total = sum(ledger.count(citizen_id, r) for r in badge.reasons)
            if total >= badge.threshold:
                earned.append(award(citizen_id, badge.code, f"{reason.value}:{total}"))
        elif badge.kind == "streak" and streak_run >= badge.threshold:
            earned.append(award(citizen_id, badge.code, f"days:{streak_run}"))
    return [a for a in earned if a is not None]


def campaign_finishers(closed_since: datetime) -> int:
    """Everyone whose answer agreed with the consensus in a campaign closed since then earns the finisher badge."""
    rows = db.session.execute(
        select(Answer.citizen_id, func.min(Task.campaign_id))
        .join(Task, Task.id == Answer.task_id).join(Campaign, Campaign.id == Task.campaign_id)
        .where(Campaign.state == CampaignState.CLOSED, Campaign.updated_at >= closed_since,
               Answer.agreed.is_(True), Answer.citizen_id.is_not(None),
               ~select(BadgeAward.id).where(BadgeAward.citizen_id == Answer.citizen_id,
                                            BadgeAward.code == "campaign_finished").exists())
        .group_by(Answer.citizen_id)).all()
    return sum(award(cid, "campaign_finished", f"campaign:{campaign_id}") is not None for cid, campaign_id in rows)


def previous_month(at: datetime | None = None) -> date:
    first = boards.period_start("month", at)
    return (first - timedelta(days=1)).replace(day=1)


def crown_district_champions(month: date) -> int:
    """Per district, whoever had the most validated reports in `month` (ties share it).

    Reads the monthly district boards (one row per citizen and district), not the ledger.
    """
    best = (select(BoardTotal.district_id, func.max(BoardTotal.validated_reports).label("most"))
            .where(BoardTotal.period == "month", BoardTotal.period_start == month, BoardTotal.district_id != boards.CITY,
                   BoardTotal.validated_reports > 0)
            .group_by(BoardTotal.district_id).subquery())
    winners = db.session.execute(
        select(BoardTotal.citizen_id, BoardTotal.district_id)
        .join(best, (best.c.district_id == BoardTotal.district_id) & (best.c.most == BoardTotal.validated_reports))
        .join(Citizen, (Citizen.id == BoardTotal.citizen_id) & Citizen.deleted_at.is_(None))
        .where(BoardTotal.period == "month", BoardTotal.period_start == month)
        .order_by(BoardTotal.district_id, BoardTotal.citizen_id)).all()
    return sum(award(cid, "district_champion", f"month:{month:%Y-%m}:district:{did}") is not None
               for cid, did in winners)
