"""Who earns what, and when: the incentives area's reactions to reports, supports and closed tasks.

Receivers run inside the sender's transaction (backend/signals.py), so an award commits or
rolls back with the fact it rewards; the ledger's unique key makes a replay write nothing.

- A report earns its reporter points when it is *validated*: accepted by its department
  (acknowledged, or taken straight to work / resolved / closed) or verified by citizens.
  Submission alone earns nothing.
- A report rejected as spam or abuse (ReportEvent.data["reason"] in PENALIZED_REJECT_REASONS) costs its
  reporter the spam penalty, takes back what the report had earned, and counts against
  their reputation.
- A "me too" earns the supporter a little, never on their own report.
- A closed task pays every answer that agreed with the consensus; campaign answers are
  multiplied by the campaign's multiplier. Nobody earns from a task about their own report.
"""
from __future__ import annotations

from typing import Any

from backend import signals
from backend.accounts.models import Citizen
from backend.city import service as city
from backend.clock import utcnow
from backend.extensions import db
from backend.incentives import awards, ledger, levels, rules
from backend.incentives.rules import Reason
from backend.reports.models import EventKind, Report, ReportEvent, ReportStatus
from backend.triage.service import PENALIZED_REJECT_REASONS
from backend.tasks import campaigns, reputation, service as tasks_service
from backend.tasks.service import coordinates as task_coordinates

# What the staff's reject action writes into ReportEvent.data["reason"] for a bad-faith report.

# Statuses a department only gives to a real issue: reaching one validates the report.
ACCEPTED = frozenset({ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.CLOSED})
TASK_REASONS = {"verify_report": Reason.VERIFICATION_AGREED, "confirm_fix": Reason.FIX_CONFIRMATION,
                "campaign": Reason.CAMPAIGN_ANSWER}


def report_subject(report_id: int) -> str:
    return f"report:{report_id}"


def validate_report(report: Report, *, how: str) -> None:
    """The report proved real: its reporter earns the report's points (once)."""
    if report.status in (ReportStatus.REJECTED, ReportStatus.DUPLICATE) or not awards.eligible(report.reporter_id):
        return
    awards.grant(report.reporter_id, Reason.REPORT_VALIDATED, report_subject(report.id), report_id=report.id,
                 district_id=report.district_id, acted_at=report.created_at, data={"how": how})


def penalize_spam(report: Report, event: ReportEvent) -> None:
    if report.reporter_id is None:
        return
    subject = report_subject(report.id)
    penalty = awards.grant(report.reporter_id, Reason.SPAM_PENALTY, subject, report_id=report.id,
                           district_id=report.district_id, data={"event_id": event.id})
    if penalty is None:
        return  # already done by an earlier run
    earned = ledger.find(report.reporter_id, Reason.REPORT_VALIDATED, subject)
    if earned is not None and earned.amount:
        awards.grant(report.reporter_id, Reason.REVERSAL, subject, amount=-earned.amount, report_id=report.id,
                     district_id=report.district_id, data={"reverses": earned.id})
    _reputation_loss(report.reporter_id)


def _reputation_loss(citizen_id: int) -> None:
    # Reputation is the tasks area's: a spam report counts like an answer that disagreed.
    reputation.record(citizen_id, False)


def _on_report_event(report: Report, event: ReportEvent, **_kw: Any) -> None:
    if event.to_status in ACCEPTED and event.from_status not in ACCEPTED:
        validate_report(report, how=f"status:{event.to_status.value}")
    elif event.kind == EventKind.NOTE and (event.data or {}).get("outcome") == "verified":
        validate_report(report, how="verified")
    elif event.to_status == ReportStatus.REJECTED and (event.data or {}).get("reason") in PENALIZED_REJECT_REASONS:
        penalize_spam(report, event)


def _on_report_supported(report: Report, citizen: Citizen, **_kw: Any) -> None:
    if citizen.id == report.reporter_id or report.status in (ReportStatus.REJECTED, ReportStatus.DUPLICATE):
        return
    if awards.eligible(citizen.id):
        awards.grant(citizen.id, Reason.SUPPORT, report_subject(report.id), report_id=report.id,
                     district_id=report.district_id, acted_at=utcnow())


def _on_task_closed(task: Any, outcome: str, answers: list, **_kw: Any) -> None:
    reason = TASK_REASONS.get(str(task.kind))
    if reason is None:
        return
    report = db.session.get(Report, task.report_id) if task.report_id else None
    multiplier = float(task.campaign.reward_multiplier) if task.campaign is not None else 1.0
    if reason != Reason.CAMPAIGN_ANSWER:
        multiplier = 1.0
    # A campaign task has no report: its place says which district's board it counts on.
    district_id = report.district_id if report is not None else city.district_id_at(*task_coordinates(task))
    # In citizen order, so two tasks closing at once lock board rows in the same order.
    for answer in sorted(answers, key=lambda a: a.citizen_id or 0):
        if answer.agreed is not True or answer.citizen_id is None:
            continue
        if report is not None and answer.citizen_id == report.reporter_id:
            continue  # no reward for checking one's own report
        if awards.eligible(answer.citizen_id):
            awards.grant(answer.citizen_id, reason, f"task:{task.id}", multiplier=multiplier,
                         report_id=task.report_id, district_id=district_id, acted_at=answer.created_at,
                         data={"outcome": outcome, "multiplier": multiplier} if multiplier != 1.0 else {"outcome": outcome})


def task_reward(kind: str, multiplier: float = 1.0) -> int:
    """What an agreeing answer to a task of this kind will earn now: for showing beside a task."""
    reason = TASK_REASONS[str(kind)]
    return round(rules.amount(reason) * (multiplier if reason == Reason.CAMPAIGN_ANSWER else 1.0))


def level_rank_of(citizen_id: int) -> int:
    """The citizen's level as a number (1 = first level): campaigns may require a minimum."""
    return levels.level_for(ledger.balance(citizen_id)).rank


signals.report_event.connect(_on_report_event)
signals.report_supported.connect(_on_report_supported)
signals.task_closed.connect(_on_task_closed)
campaigns.set_level_lookup(level_rank_of)
tasks_service.set_reward_lookup(task_reward)
