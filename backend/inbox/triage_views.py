"""Staff actions from the web: each form posts here and calls one rule of backend/reports."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import login_required

from backend import parameters
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db
from backend.inbox.auth import current_staff
from backend.inbox.pages import bp
from backend.updates import service as updates
from backend.triage import moderation, service as triage, sla
from backend.reports.models import Report
from backend.triage.policy import may_see_report
from backend.inbox.reauth import fresh_sign_in_required
from backend.safe_redirect import safe_next

RECOVERABLE = (ValidationFailed, Conflict, Forbidden)
# Actions that change who handles a report or what the public sees need a recent password (inbox/reauth.py).
SENSITIVE_ACTIONS = frozenset({"hand_over", "hide", "unhide", "redact_phrase", "redact_photo", "release"})


def _back(report_id: int | None = None):
    default = url_for("inbox.report", report_id=report_id) if report_id is not None else url_for("inbox.index")
    return redirect(safe_next(request.form.get("next"), default))


def _attempt(fn, success: str) -> bool:
    try:
        fn()
    except RECOVERABLE as exc:
        db.session.rollback()
        detail = "; ".join(str(v) for v in exc.fields.values() if v)
        flash(f"{exc.message} {detail}".strip() if detail and detail not in exc.message else exc.message, "error")
        return False
    flash(success, "success")
    return True


@bp.post("/reports/<int:report_id>/act/<action>")
@login_required
@fresh_sign_in_required(when=lambda action, **_kw: action in SENSITIVE_ACTIONS)
def act(report_id: int, action: str):
    staff = current_staff()
    form = request.form
    note, template_id = form.get("note", ""), form.get("template") or None
    calls = {
        "acknowledge": (lambda: triage.acknowledge(staff, report_id, note=note, template_id=template_id), _("Acknowledged.")),
        "start": (lambda: triage.start_work(staff, report_id, note=note, template_id=template_id), _("Work started.")),
        "resolve": (lambda: triage.resolve(staff, report_id, note=note, template_id=template_id), _("Resolved.")),
        "reject": (lambda: triage.reject(staff, report_id, reason=form.get("reason", ""), note=note), _("Rejected.")),
        "duplicate": (lambda: triage.mark_duplicate(staff, report_id, form.get("original", "").strip().lstrip("#")),
                      _("Marked as a duplicate; its supporters moved over.")),
        "hand_over": (lambda: triage.hand_over(staff, report_id, form.get("department", ""), note=note), _("Handed over.")),
        "internal_note": (lambda: triage.internal_note(staff, report_id, note), _("Internal note added.")),
        "public_note": (lambda: triage.public_note(staff, report_id, note, template_id=template_id), _("Public note added.")),
        "hide": (lambda: moderation.set_hidden(staff, report_id, True, reason=note), _("Hidden from public view.")),
        "unhide": (lambda: moderation.set_hidden(staff, report_id, False, reason=note), _("Visible in public again.")),
        "redact_phrase": (lambda: moderation.redact_phrase(staff, report_id, form.get("phrase", "")), _("Phrase redacted.")),
        "redact_photo": (lambda: moderation.redact_photo(staff, report_id, parameters.identifier(form.get("attachment"), "attachment")),
                         _("Photo redacted.")),
        "release": (lambda: moderation.release(staff, report_id), _("Released: the report will be routed.")),
    }
    if action not in calls:
        return redirect(url_for("inbox.report", report_id=report_id))
    fn, success = calls[action]
    _attempt(fn, success)
    report = db.session.get(Report, report_id)
    if report is None or not may_see_report(staff, report):
        return redirect(url_for("inbox.index"))  # handed over to a department this staff member cannot see
    return _back(report_id)


@bp.post("/updates/<int:update_id>/<any(hide, unhide, release):action>")
@login_required
def moderate_update(update_id: int, action: str):
    """Hide (with a reason), show again or release a citizen's update; the service asks the policy and audits."""
    staff = current_staff()
    reason = request.form.get("note", "")
    calls = {
        "hide": (lambda: updates.set_hidden(staff, update_id, True, reason=reason), _("The update is hidden from the public.")),
        "unhide": (lambda: updates.set_hidden(staff, update_id, False), _("The update is public again.")),
        "release": (lambda: updates.release(staff, update_id), _("Released: the update is public.")),
    }
    fn, success = calls[action]
    done: list = []
    if _attempt(lambda: done.append(fn()), success):
        return _back(done[0].report_id)
    return _back()


@bp.post("/citizens/<int:citizen_id>/<any(block, unblock):action>")
@login_required
@fresh_sign_in_required
def block(citizen_id: int, action: str):
    staff = current_staff()
    _attempt(lambda: moderation.set_blocked(staff, citizen_id, action == "block", reason=request.form.get("note", "")),
             _("The citizen is blocked: their new reports are held for review.") if action == "block"
             else _("The citizen is no longer blocked."))
    return _back()


@bp.post("/bulk")
@login_required
@fresh_sign_in_required
def bulk():
    staff = current_staff()
    ids = parameters.identifiers(request.form.getlist("ids"), "ids", limit=200)
    action = request.form.get("action", "")
    if not ids:
        flash(_("Select at least one report."), "error")
        return _back()
    try:
        done, failed = triage.bulk(staff, ids, action, note=request.form.get("note", ""),
                                   template_id=request.form.get("template") or None,
                                   department_id=request.form.get("department") or None)
    except RECOVERABLE as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back()
    if done:
        flash(ngettext("%(num)d report updated.", "%(num)d reports updated.", len(done)), "success")
    for report_id, reason in failed.items():
        flash(_("Report %(id)s: %(reason)s", id=report_id, reason=reason), "error")
    return _back()


@bp.post("/escalations/<int:escalation_id>/seen")
@login_required
def escalation_seen(escalation_id: int):
    _attempt(lambda: sla.mark_seen(current_staff(), escalation_id), _("Marked as seen."))
    return redirect(url_for("inbox.escalations"))
