"""Our lifecycle in mySociety's extended update states (what FixMyStreet's `map_state` reads).

GeoReport v2 knows only open and closed, which FixMyStreet shows as "open" and "fixed": a
rejected or duplicate report would be shown as fixed. A client that asks for extended states
(its API key is set so, or `extended_statuses=true`) gets one of these per update, chosen so
that FixMyStreet shows what happened, plus `external_status_code`, our own finer code
(`rejected.private_property`, `in_progress.reopened` …) for its response templates.
"""
from __future__ import annotations

from backend.reports.models import EventKind, ReportStatus as S

# Every value of mySociety's extension; a citizen's update may claim any of them.
EXTENDED = ("FIXED", "CLOSED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING", "DUPLICATE",
            "NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "FOR_TRIAGE", "CANCELLED",
            "REOPEN", "OPEN")

BY_STATUS = {
    # Received, not routed yet: FixMyStreet keeps it open ("confirmed").
    S.SUBMITTED: "OPEN",
    S.OPEN: "OPEN",
    S.ACKNOWLEDGED: "INVESTIGATING",
    S.IN_PROGRESS: "IN_PROGRESS",
    S.RESOLVED: "FIXED",
    # Closed after a resolution that citizens did not dispute: fixed, for FixMyStreet too.
    S.CLOSED: "FIXED",
    S.DUPLICATE: "DUPLICATE",
}

# Reasons (backend/reports/triage.py REJECT_REASONS) in FixMyStreet's words.
BY_REJECT_REASON = {
    "not_city_responsibility": "NOT_COUNCILS_RESPONSIBILITY",
    "private_property": "NOT_COUNCILS_RESPONSIBILITY",
    "insufficient_information": "NO_FURTHER_ACTION",
    "not_a_problem": "NO_FURTHER_ACTION",
    "already_fixed": "FIXED",
    # Spam, abuse and reasons written out: closed, not fixed. (FixMyStreet knows "closed";
    # it would ignore CANCELLED unless a cobrand adds that state, and keep showing the report open.)
    "spam": "CLOSED",
    "abusive": "CLOSED",
    "other": "CLOSED",
}


def extended(status: S, *, kind: EventKind | None = None, reason: str | None = None,
             reopened: bool = False) -> tuple[str, str]:
    """(status, external_status_code) of an update after which the report is `status`.

    `kind` is the event's kind (a hand-over keeps the status it had: FixMyStreet's INTERNAL_REFERRAL
    is a closed state, and the report is still being handled, by another department); `reason` a rejection's
    reason; `reopened` when citizens said a resolved report was not fixed (IN_PROGRESS, which
    FixMyStreet applies; REOPEN it would not, and would keep showing the report as fixed).
    """
    if status == S.REJECTED:
        code = f"rejected.{reason}" if reason else "rejected"
        return BY_REJECT_REASON.get(reason or "", "CLOSED"), code
    if kind == EventKind.HANDED_OVER and status in (S.OPEN, S.ACKNOWLEDGED, S.IN_PROGRESS):
        return BY_STATUS[status], f"{status.value}.handed_over"
    if reopened and status == S.IN_PROGRESS:
        return "IN_PROGRESS", "in_progress.reopened"
    return BY_STATUS[status], status.value
