"""What a notification says, in the citizen's language."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext as _

from backend.feedback.models import Notification
from backend.i18n import normalize_language
from backend.reports.event_texts import note_text


def deep_link(report_id: int) -> str:
    """The bot's deep link when the bot's username is known (it opens the report's status in
    the chat), else the public page."""
    username = (current_app.config.get("TELEGRAM_BOT_USERNAME") or "").lstrip("@")
    if username:
        return f"https://t.me/{username}?start=r_{report_id}"
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/r/{report_id}"


def render(notification: Notification, language: str, *, link: bool = True) -> str:
    """The text of any notification in the citizen's language: a report event's is composed here,
    others (badges, levels …) arrive with their text already written in both languages."""
    language = normalize_language(language)
    payload = notification.payload or {}
    with force_locale(language):
        if "event" in payload:
            return _render(payload, language, link)
        prepared = payload.get("text_zh") if language == "zh_Hans" else payload.get("text_en")
        return str(prepared or payload.get("text_en") or payload.get("text_zh") or _("You have a new notification."))


def _name(names: dict | None, language: str) -> str:
    if not names:
        return ""
    return names.get(language) or names.get("en") or ""


def _render(p: dict, language: str, link: bool) -> str:
    category = _name(p.get("category"), language)
    department = _name(p.get("department"), language)
    if p.get("role") == "supporter":
        header = _("A report you support: %(ref)s · %(category)s", ref=p["reference"], category=category)
    elif p.get("role") == "follower":
        header = _("A report you follow: %(ref)s · %(category)s", ref=p["reference"], category=category)
    else:
        header = _("Your report %(ref)s · %(category)s", ref=p["reference"], category=category)
    note = note_text(p.get("note"), p.get("note_data"), language)
    body = _body(p, department, note)
    lines = [header, body]
    # The note is part of the body for rejections and notes; otherwise it follows.
    if note and p.get("event") != "note" and p.get("to_status") != "rejected":
        lines.append(_("Note: %(note)s", note=note))
    if link:
        lines.append(_("Details: %(url)s", url=deep_link(p["report_id"])))
    return "\n".join(lines)


def _body(p: dict, department: str, note: str) -> str:
    event, status = p.get("event"), p.get("to_status")
    if event == "submitted":
        return _("Received. We will tell you here when it moves.")
    if event == "routed":
        return _("Sent to %(department)s.", department=department) if department else _("Sent to the responsible department.")
    if event == "note":
        if department:
            return _("%(department)s added a note: %(note)s", department=department, note=note)
        return _("A note was added: %(note)s", note=note)
    if status == "acknowledged":
        return _("%(department)s has acknowledged it.", department=department) if department else _("Acknowledged.")
    if status == "in_progress":
        if p.get("from_status") == "resolved":
            return _("Reopened: work is in progress again.")
        return _("Work is in progress.")
    if status == "resolved":
        return _("Resolved — is it really fixed? If it is not, tell us.")
    if status == "closed":
        return _("Closed. Thank you for reporting.")
    if status == "rejected":
        return _("Rejected: %(reason)s", reason=note or _("no reason given"))
    if status == "duplicate":
        if p.get("duplicate_of_reference"):
            return _("Merged into %(ref)s, which is already being handled.", ref=p["duplicate_of_reference"])
        return _("Merged into another report that is already being handled.")
    if status == "open":
        return _("Open again.")
    return _("Status: %(status)s", status=status or "")
