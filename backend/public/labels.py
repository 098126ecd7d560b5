"""Words the public pages show for statuses and events (translated at render time)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from backend.reports.models import ReportStatus as S

STATUS = {
    S.SUBMITTED: _l("Submitted"), S.OPEN: _l("Open"), S.ACKNOWLEDGED: _l("Acknowledged"),
    S.IN_PROGRESS: _l("In progress"), S.RESOLVED: _l("Resolved"), S.CLOSED: _l("Closed"),
    S.REJECTED: _l("Rejected"), S.DUPLICATE: _l("Duplicate"),
}

# What an event reads like on the timeline: backend.disclosure.public_view.event_title.

STATUS_COLOURS = {
    S.SUBMITTED: "#6b7280", S.OPEN: "#dc2626", S.ACKNOWLEDGED: "#ea580c", S.IN_PROGRESS: "#d97706",
    S.RESOLVED: "#16a34a", S.CLOSED: "#15803d", S.REJECTED: "#4b5563", S.DUPLICATE: "#9ca3af",
}
