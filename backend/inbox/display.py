"""How the staff pages show things: labels in the page's language, local times, time left."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale, lazy_gettext as _l, ngettext

from backend.accounts.models import StaffRole
from backend.city.attributes import attribute_label, attribute_value
from backend.reports.event_texts import event_note
from backend.reports.models import EventKind, ReportStatus

STATUS_LABELS = {
    ReportStatus.SUBMITTED: _l("Submitted"), ReportStatus.OPEN: _l("Open"), ReportStatus.ACKNOWLEDGED: _l("Acknowledged"),
    ReportStatus.IN_PROGRESS: _l("In progress"), ReportStatus.RESOLVED: _l("Resolved"), ReportStatus.CLOSED: _l("Closed"),
    ReportStatus.REJECTED: _l("Rejected"), ReportStatus.DUPLICATE: _l("Duplicate"),
}
EVENT_LABELS = {
    EventKind.SUBMITTED: _l("Submitted"), EventKind.ROUTED: _l("Routed"), EventKind.UNROUTED: _l("No department found"),
    EventKind.STATUS: _l("Status changed"), EventKind.NOTE: _l("Note"), EventKind.HANDED_OVER: _l("Handed over"),
    EventKind.MERGED: _l("Duplicate merged in"), EventKind.ESCALATED: _l("Escalated (overdue)"),
    EventKind.HELD: _l("Held for review"), EventKind.RELEASED: _l("Released for routing"),
    EventKind.MODERATED: _l("Moderated"),
}
ACTIVE_LABEL = _l("Active")
ROLE_LABELS = {StaffRole.STAFF: _l("Department staff"), StaffRole.COORDINATOR: _l("Coordinator"), StaffRole.ADMIN: _l("Administrator")}
SORT_LABELS = {"newest": _l("Newest first"), "oldest": _l("Oldest first"), "due": _l("Due soonest"),
               "supported": _l("Most supported"), "verified": _l("Verified first")}


def language() -> str:
    return "zh_Hans" if str(get_locale()).startswith("zh") else "en"


def local(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if dt is None:
        return ""
    return dt.astimezone(ZoneInfo(current_app.config["CITY_TIMEZONE"])).strftime(fmt)


def duration(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes >= 48 * 60:
        return ngettext("%(num)d day", "%(num)d days", minutes // 1440)
    if minutes >= 60:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", max(minutes, 1))


def reference(report_id: int) -> str:
    return f"CG-{report_id:06d}"


def filters() -> dict:
    return {"local": local, "duration": duration, "reference": reference,
            "status_label": lambda s: STATUS_LABELS.get(s, s), "event_label": lambda k: EVENT_LABELS.get(k, k),
            "role_label": lambda r: ROLE_LABELS.get(r, r), "event_note": lambda e: event_note(e, language()),
            "attribute_label": lambda d: attribute_label(d, language()),
            "attribute_value": lambda d, v: attribute_value(d, v, language())}
