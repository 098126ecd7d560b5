"""How the inbox names the tasks area's verification states, task kinds and outcomes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

VERIFICATION = {
    "none": _l("No check by citizens yet"), "pending": _l("Citizens are checking it"),
    "unanswered": _l("Nobody answered in time"), "cancelled": _l("Check cancelled"),
    "verified": _l("Confirmed by citizens"), "refuted": _l("Not confirmed by citizens"),
    "inconclusive": _l("Citizens did not agree"), "fix_confirmed": _l("Fix confirmed by citizens"),
    "fix_denied": _l("Citizens say it is not fixed"), "yes": _l("Yes"), "no": _l("No"),
}
TASK_KINDS = {"verify_report": _l("Is it there?"), "confirm_fix": _l("Is it fixed?"), "campaign": _l("Campaign")}
TASK_STATES = {"open": _l("Open"), "closed": _l("Closed"), "expired": _l("Expired"), "cancelled": _l("Cancelled")}
