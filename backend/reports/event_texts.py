"""What a history entry's note says, in the reader's language.

Notes the system writes are stored as a code with parameters in the event's data
(`data["system_note"]`, see NOTE_* below) and rendered here when shown, so a supporter who reads
Chinese does not see what an English-speaking reporter's language froze, and a corrected
translation reaches old events too. Staff's own words stay as they wrote them; a response
template's text is shown in the reader's language; a rejection without words shows its reason.
Every place that shows a history (public page and API, the staff inbox, Open311, alert e-mails,
pushes) reads notes through `event_note()`. Events stored before codes existed keep their text.
"""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale, lazy_gettext as _l

from backend.i18n import normalize_language
from backend.reports.models import ReportEvent

# The key of the code in ReportEvent.data.
CODE = "system_note"

NOTE_OVERDUE = "sla.overdue"                    # data: overdue_hours
NOTE_UNROUTED = "routing.no_area"
NOTE_HELD = "moderation.held"
NOTE_HIDDEN = "moderation.hidden"               # note: the moderator's reason, if any
NOTE_SHOWN = "moderation.shown"
NOTE_PHOTO_REDACTED = "moderation.photo_redacted"
NOTE_PHRASE_REDACTED = "moderation.phrase_redacted"  # data: redacted_phrase.occurrences
NOTE_MERGED_INTO = "triage.merged_into"         # data: duplicate_of
NOTE_MERGED_FROM = "triage.merged_from"         # data: from_report
NOTE_VERIFIED = "tasks.verified"
NOTE_REFUTED = "tasks.refuted"
NOTE_INCONCLUSIVE = "tasks.inconclusive"
NOTE_FIX_CONFIRMED = "tasks.fix_confirmed"
NOTE_FIX_DENIED = "tasks.fix_denied"
NOTE_FIX_DENIED_AGAIN = "tasks.fix_denied_repeatedly"
NOTE_CAMPAIGN_FINDING = "tasks.campaign_finding"

TEXTS: dict[str, Any] = {
    NOTE_OVERDUE: _l("Overdue by %(hours)s h: escalated to the coordinators."),
    NOTE_UNROUTED: _l("No department area covers this place for this category."),
    NOTE_HELD: _l("The reporter is blocked: held for review."),
    NOTE_HIDDEN: _l("Hidden from the public."),
    NOTE_SHOWN: _l("Shown to the public again."),
    NOTE_PHOTO_REDACTED: _l("A photo was redacted."),
    NOTE_PHRASE_REDACTED: _l("A phrase was taken out of the description (%(n)s times)."),
    NOTE_MERGED_INTO: _l("Merged into report %(id)s."),
    NOTE_MERGED_FROM: _l("Report %(id)s was merged into this one."),
    NOTE_VERIFIED: _l("Citizens on the spot confirmed that this issue exists."),
    NOTE_REFUTED: _l("Citizens on the spot could not find this issue: please review the report."),
    NOTE_INCONCLUSIVE: _l("Citizens could not agree whether this issue exists."),
    NOTE_FIX_CONFIRMED: _l("Citizens confirmed the fix."),
    NOTE_FIX_DENIED: _l("Citizens on the spot say the issue is not fixed."),
    NOTE_FIX_DENIED_AGAIN: _l("Escalated: citizens denied the fix more than once."),
    NOTE_CAMPAIGN_FINDING: _l("Found by citizens in a campaign."),
}
# A code whose event also carries a person's words: both are shown.
WITH_WORDS = _l("%(what)s %(words)s")

# The reasons staff reject with (backend/triage/service.py checks them); an event keeps the code
# in data["reason"].
REJECT_REASONS: dict[str, Any] = {
    "not_city_responsibility": _l("This is not the city's responsibility."),
    "private_property": _l("This is on private property."),
    "insufficient_information": _l("There is not enough information to find or fix the problem."),
    "already_fixed": _l("The problem had already been fixed."),
    "not_a_problem": _l("After inspection, there is no problem to fix here."),
    "spam": _l("The report is spam or advertising."),
    "abusive": _l("The report breaks the rules of use."),
    "other": _l("Other reason (write it below)"),
}

# The data keys a note's text depends on (what a notification must carry to render it later).
_KEYS = (CODE, "overdue_hours", "redacted_phrase", "duplicate_of", "from_report", "reason", "texts")


def _number(value: Any) -> str:
    return format(float(value), "g")


def _params(code: str, data: dict) -> dict[str, Any]:
    if code == NOTE_OVERDUE:
        return {"hours": _number(data["overdue_hours"])}
    if code == NOTE_PHRASE_REDACTED:
        return {"n": int(data["redacted_phrase"]["occurrences"])}
    if code == NOTE_MERGED_INTO:
        return {"id": int(data["duplicate_of"])}
    if code == NOTE_MERGED_FROM:
        return {"id": int(data["from_report"])}
    return {}


def system(code: str, **data: Any) -> dict[str, Any]:
    """The data of an event whose note the system writes: `record_event(..., data=system(NOTE_…, key=value))`."""
    if code not in TEXTS:
        raise ValueError(f"unknown system note {code!r}")
    return {CODE: code, **data}


def note_data(event: ReportEvent) -> dict[str, Any]:
    """What of the event's data its note needs (a notification keeps it to render the note later)."""
    data = event.data or {}
    return {key: data[key] for key in _KEYS if key in data}


def note_text(note: str | None, data: dict | None, language: str) -> str:
    """The note of an event with this stored note and data, in `language` ("zh_Hans" or "en")."""
    note = (note or "").strip()
    data = data or {}
    language = normalize_language(language)
    with force_locale(language):
        code = data.get(CODE)
        if code in TEXTS:
            try:
                text = str(TEXTS[code]) % _params(code, data)
            except (KeyError, TypeError, ValueError):
                return note
            return str(WITH_WORDS) % {"what": text, "words": note} if note else text
        texts = data.get("texts")
        if isinstance(texts, dict) and note and note in (str(t).strip() for t in texts.values()):
            return str(texts.get(language) or note)
        if not note and data.get("reason") in REJECT_REASONS:
            return str(REJECT_REASONS[data["reason"]])
        return note


def event_note(event: ReportEvent, language: str) -> str:
    """The note of a history entry in `language`; "" when it has none."""
    return note_text(event.note, event.data, language)
