"""Sensitive staff actions need a recent password: hand-over, bulk actions, moderation, point rules,
campaign state changes and every admin page (STAFF_FRESH_LOGIN_MINUTES after the sign-in or the last
re-authentication).

A GET of such a page sends the browser to /inbox/reauth?next=<the page>, which returns there once the
password is given. A POST is answered with the same form in place, carrying the action's own fields;
confirming posts them again with the password, and the action is carried out in that request. Wrong
passwords count towards the sign-in lockout; when it locks, the sign-in ends.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from backend.accounts import staff_sessions
from backend.audit import service as audit
from backend.inbox.auth import address, bp, check_password_throttled, current_sign_in, current_staff, end_sign_in, \
    lockout_message
from backend.safe_redirect import safe_next

PASSWORD_FIELD = "reauth_password"


def fresh_sign_in_response():
    """None when the signed-in member gave the password recently enough (or gives it with this POST);
    otherwise the answer that asks for it."""
    if not current_user.is_authenticated:
        return None  # login_required answers
    if staff_sessions.is_fresh(current_sign_in(), current_app.config["STAFF_FRESH_LOGIN_MINUTES"]):
        return None
    if request.method == "POST" and PASSWORD_FIELD in request.form:
        return _confirm(request.form[PASSWORD_FIELD])
    if request.method in ("GET", "HEAD") and request.endpoint != "inbox_auth.reauth":
        return redirect(url_for("inbox_auth.reauth", next=request.full_path if request.query_string else request.path))
    return _page(status=200 if request.endpoint == "inbox_auth.reauth" else 403)


def fresh_sign_in_required(view: Callable | None = None, *, when: Callable[..., bool] | None = None):
    """Decorate a view (under login_required) that needs a recent password; `when(**view_kwargs)`
    narrows it to some of the view's actions."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if when is None or when(**kwargs):
                answer = fresh_sign_in_response()
                if answer is not None:
                    return answer
            return view(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def _confirm(password: str):
    staff, sign_in = current_staff(), current_sign_in()
    checked, wait = check_password_throttled(staff.email, password)
    if wait:  # someone guessing with a session that is not theirs, perhaps: end it
        audit.record(staff, "staff.reauth_locked", "staff", staff.id, after={"address": address()})
        response = end_sign_in(redirect(url_for("inbox_auth.login")))
        flash(lockout_message(wait), "error")
        return response
    if checked is None or checked.id != staff.id:
        return _page(status=401, error=_("The password is wrong."))
    staff_sessions.confirm(sign_in)
    audit.record(staff, "staff.reauthenticated", "staff", staff.id, after={"address": address()})
    # Committed with the action it unlocks: an action refused and rolled back asks again next time.
    return None


def _page(status: int, error: str | None = None):
    posted = request.method == "POST" and request.endpoint != "inbox_auth.reauth"
    fields = [(name, value) for name, values in request.form.lists() if name not in ("csrf_token", PASSWORD_FIELD)
              for value in values] if posted else []
    cancel = safe_next(request.form.get("next") if posted else request.args.get("next"), url_for("inbox.index"))
    return render_template("inbox/reauth.html", action=request.full_path, fields=fields, error=error,
                           files_dropped=posted and any(f.filename for f in request.files.values()),
                           cancel=cancel, minutes=current_app.config["STAFF_FRESH_LOGIN_MINUTES"],
                           password_field=PASSWORD_FIELD), status


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
def reauth():
    """Give the password again, then go back to the page that asked for it."""
    return fresh_sign_in_response() or redirect(safe_next(request.args.get("next"), url_for("inbox.index")))
