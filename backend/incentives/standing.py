"""A citizen's standing: balance, level and progress, badges, ranks, reputation and visible impact.

Read by GET /api/v1/me/points and the bot's /points; every figure is a bounded read
(one citizen's rows), never a scan of the ledger.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from backend.errors import NotFound
from backend.i18n import normalize_language
from backend.extensions import db
from backend.accounts.models import Citizen
from backend.incentives import badges, boards, ledger, levels
from backend.incentives.models import PointEntry
from backend.incentives.rules import LABELS, Reason
from backend.reports.models import Report, ReportStatus
from backend.tasks import reputation as task_reputation  # the tasks area owns reputation

FIXED = (ReportStatus.RESOLVED, ReportStatus.CLOSED)
CHECKS = (Reason.VERIFICATION_AGREED.value, Reason.FIX_CONFIRMATION.value)


def impact(citizen_id: int) -> dict:
    """What the citizen's work changed: their reports fixed, and the people their checks helped.

    People helped: the reporters and supporters (other than the citizen) of the reports whose
    verification or fix confirmation the citizen got right.
    """
    fixed = db.session.scalar(select(func.count()).select_from(Report).where(
        Report.reporter_id == citizen_id, Report.status.in_(FIXED)))
    validated = ledger.count(citizen_id, Reason.REPORT_VALIDATED)
    helped = db.session.scalar(text("""
        SELECT count(DISTINCT person) FROM (
            SELECT r.reporter_id AS person FROM point_entries e JOIN reports r ON r.id = e.report_id
             WHERE e.citizen_id = :c AND e.reason = ANY(:reasons)
            UNION
            SELECT s.citizen_id FROM point_entries e JOIN supporters s ON s.report_id = e.report_id
             WHERE e.citizen_id = :c AND e.reason = ANY(:reasons)
        ) people WHERE person IS NOT NULL AND person <> :c"""), {"c": citizen_id, "reasons": list(CHECKS)})
    checked = db.session.scalar(select(func.count()).select_from(PointEntry).where(
        PointEntry.citizen_id == citizen_id, PointEntry.reason.in_(CHECKS)))
    return {"reports_fixed": int(fixed), "reports_validated": int(validated), "checks_agreed": int(checked),
            "people_helped": int(helped)}


def reputation(citizen_id: int) -> dict:
    rep = task_reputation.get(citizen_id)
    return {"score": round(rep.score, 3), "answers_agreed": rep.answers_agreed or 0,
            "answers_disagreed": rep.answers_disagreed or 0}


def summary(citizen_id: int, language: str = "zh_Hans", recent: int = 10, at: datetime | None = None) -> dict:
    """Everything /points shows, in `language` (level and badge names, entry labels)."""
    citizen = db.session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound("citizen_not_found", _("There is no such citizen."))
    language = normalize_language(language)
    balance = ledger.balance(citizen_id)
    where = levels.progress(balance)
    with force_locale(language):
        entries = [{"amount": e.amount, "reason": e.reason, "label": str(LABELS[Reason(e.reason)]),
                    "report_id": e.report_id, "created_at": e.created_at} for e in ledger.recent(citizen_id, recent)]
    return {
        "balance": balance,
        "level": where["level"].as_dict(language),
        "next_level": where["next"].as_dict(language) if where["next"] else None,
        "points_to_next": where["points_to_next"],
        "progress": where["fraction"],
        "period_points": {p: boards.points_of(citizen_id, p, at=at) for p in boards.PERIODS},
        "rank": {p: boards.rank_of(citizen_id, p, at=at) for p in boards.PERIODS},
        "hidden_from_boards": citizen.hidden_from_boards,
        "badges": [_badge(a, language) for a in badges.held(citizen_id)],
        "recent": entries,
        "reputation": reputation(citizen_id),
        "impact": impact(citizen_id),
    }


def _badge(award, language: str) -> dict:
    badge = badges.BY_CODE[award.code]
    return {"code": badge.code, "name": badge.name(language), "description": badge.description(language),
            "earned_at": award.earned_at}


def set_hidden_from_boards(citizen: Citizen, hidden: bool) -> None:
    """A citizen's choice to stay off public boards (their points and badges are kept)."""
    citizen.hidden_from_boards = bool(hidden)
    db.session.flush()
