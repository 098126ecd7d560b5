"""How many points each kind of contribution is worth: defaults here, a coordinator's edits in `point_rules`."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from backend.accounts.models import StaffUser
from backend.audit import service as audit
from backend.clock import utcnow
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.incentives.models import PointRule
from backend.incentives.policy import may_edit_point_rules
from backend.policy import require


class Reason(enum.StrEnum):
    REPORT_VALIDATED = "report_validated"
    SUPPORT = "support"
    VERIFICATION_AGREED = "verification_agreed"
    FIX_CONFIRMATION = "fix_confirmation"
    CAMPAIGN_ANSWER = "campaign_answer"
    STREAK_WEEK = "streak_week"
    SPAM_PENALTY = "spam_penalty"
    # Takes back what a report earned when it later turns out to be spam; not editable.
    REVERSAL = "reversal"


@dataclass(frozen=True)
class RuleDefault:
    reason: Reason
    amount: int
    label: object  # lazy text


DEFAULTS: dict[Reason, RuleDefault] = {d.reason: d for d in (
    RuleDefault(Reason.REPORT_VALIDATED, 10, _l("A report verified or accepted by its department")),
    RuleDefault(Reason.SUPPORT, 1, _l("A \"me too\" on someone else's report")),
    RuleDefault(Reason.VERIFICATION_AGREED, 3, _l("A verification that agreed with the consensus")),
    RuleDefault(Reason.FIX_CONFIRMATION, 3, _l("A fix confirmation that agreed with the consensus")),
    RuleDefault(Reason.CAMPAIGN_ANSWER, 5, _l("A campaign answer (times the campaign's multiplier)")),
    RuleDefault(Reason.STREAK_WEEK, 15, _l("Active on every day of a week")),
    RuleDefault(Reason.SPAM_PENALTY, -30, _l("A report rejected as spam or abuse")),
)}
LABELS = {**{r: d.label for r, d in DEFAULTS.items()}, Reason.REVERSAL: _l("Points of a rejected report taken back")}
# A coordinator can tune amounts, not turn a reward into a fine (or the fine into a reward).
LIMIT = 1000


def amount(reason: Reason) -> int:
    edited = db.session.scalar(select(PointRule.amount).where(PointRule.reason == reason.value))
    return DEFAULTS[reason].amount if edited is None else edited


def table() -> list[dict]:
    """Every editable rule with its effective amount, for the coordinators' page."""
    edited = {r.reason: r for r in db.session.scalars(select(PointRule))}
    rows = []
    for reason, default in DEFAULTS.items():
        row = edited.get(reason.value)
        rows.append({"reason": reason.value, "label": str(default.label), "default": default.amount,
                     "amount": default.amount if row is None else row.amount,
                     "updated_at": row.updated_at if row else None})
    return rows


def set_amount(reason: str, value: int, *, staff: StaffUser) -> int:
    """A coordinator sets what a reason is worth from now on (entries already written stay);
    a change is audited (`point_rule.update`, the amount before and after)."""
    require(may_edit_point_rules(staff))
    try:
        key = Reason(reason)
        default = DEFAULTS[key]
    except (ValueError, KeyError):
        raise ValidationFailed("unknown_reason", _("There is no point rule called %(reason)s.", reason=reason),
                               {"reason": "unknown"}) from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("invalid_amount", _("The amount must be a whole number."), {"amount": "integer"})
    penalty = default.amount < 0
    if (penalty and not -LIMIT <= value <= 0) or (not penalty and not 0 <= value <= LIMIT):
        raise ValidationFailed("amount_out_of_range",
                               _("This amount must be between %(low)d and %(high)d.",
                                 low=-LIMIT if penalty else 0, high=0 if penalty else LIMIT),
                               {"amount": "out of range"})
    before = amount(key)
    if value == before:
        return value
    stmt = insert(PointRule).values(reason=key.value, amount=value, updated_at=utcnow(), updated_by_staff_id=staff.id)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[PointRule.reason],
        set_={"amount": value, "updated_at": stmt.excluded.updated_at, "updated_by_staff_id": staff.id}))
    audit.record(staff, "point_rule.update", "point_rule", key.value, before={"amount": before}, after={"amount": value})
    return value
