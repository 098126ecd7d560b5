"""Granting points: the ledger entry and everything it may lead to (a level, a streak bonus, badges)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from backend.accounts.models import Citizen
from backend.extensions import db
from backend.incentives import badges, boards, ledger, levels, notices, rules, streaks
from backend.incentives.models import PointEntry
from backend.incentives.rules import Reason


def eligible(citizen_id: int | None) -> bool:
    """Deleted (anonymized) accounts earn nothing; blocked ones neither, until unblocked."""
    if citizen_id is None:
        return False
    citizen = db.session.get(Citizen, citizen_id)
    return citizen is not None and citizen.deleted_at is None and not citizen.blocked


def grant(citizen_id: int, reason: Reason, subject: str, *, multiplier: float = 1.0, amount: int | None = None,
          report_id: int | None = None, district_id: int | None = None, acted_at: datetime | None = None,
          data: dict | None = None) -> PointEntry | None:
    """Write an entry worth the rule's amount (times `multiplier`), once per (citizen, reason, subject).

    `acted_at` is when the citizen did the thing: it marks that day active for streaks.
    Returns None when the entry already existed (a retried job): then nothing else happens either.
    """
    value = amount if amount is not None else round(rules.amount(reason) * multiplier)
    before = ledger.balance(citizen_id)
    entry = ledger.record(citizen_id, reason, subject, value, report_id=report_id, district_id=district_id,
                          data=data)
    if entry is None:
        return None
    _level_up(citizen_id, before, before + value)
    run = 0
    if value > 0 and acted_at is not None:
        activity = streaks.note(citizen_id, boards.city_day(acted_at))
        run = activity.run
        if activity.full_week is not None:
            grant(citizen_id, Reason.STREAK_WEEK, f"week:{activity.full_week.isoformat()}")
    badges.after_entry(citizen_id, reason, run)
    return entry


def _level_up(citizen_id: int, before: int, after: int) -> None:
    old, new = levels.level_for(before), levels.level_for(after)
    if new.rank > old.rank:
        # Only the level reached is announced, even when a big award skips one.
        notices.congratulate(citizen_id, "level", new.code, {
            "code": new.code, "rank": new.rank, "threshold": new.threshold,
            "name": {"en": new.name_en, "zh_Hans": new.name_zh},
            **notices.in_both_languages(lambda lang: _("You reached a new level: %(name)s.", name=new.name(lang)))})
