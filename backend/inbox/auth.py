"""Staff sign-in: Flask-Login sessions over StaffUser, argon2 passwords, throttled attempts.

Each sign-in is bound to its browser (backend/accounts/staff_sessions.py): the session names the
sign-in, and the browser must present the sign-in's key in a second cookie. Flask-Login's own
"strong" protection does nothing for permanent sessions (it only marks them not fresh), so it is off.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from backend import transaction
from backend.accounts import service as accounts
from backend.accounts import staff_sessions
from backend.accounts.models import StaffSignIn, StaffUser
from backend.audit import service as audit
from backend.extensions import db
from backend.i18n import language_switch, remember_language
from backend.inbox import login_throttle
from backend.safe_redirect import safe_next

login_manager = LoginManager()
login_manager.login_view = "inbox_auth.login"
login_manager.session_protection = None  # the sign-in's key cookie binds the session instead
bp = Blueprint("inbox_auth", __name__, url_prefix="/inbox")
# Verifying against a real hash when the e-mail is unknown keeps the answer time the same.
_DUMMY = StaffUser(password_hash=accounts.hash_password("not a real password, only for timing"))
KEY_COOKIE = "staff_key"


class StaffSession(UserMixin):
    """The signed-in staff member in this browser. The session id carries the end of the password hash,
    so changing a password signs out every other session of that account, and the sign-in's id."""

    def __init__(self, staff: StaffUser, sign_in: StaffSignIn):
        self.staff = staff
        self.sign_in = sign_in

    def get_id(self) -> str:
        return f"{self.staff.id}:{self.staff.password_hash[-16:]}:{self.sign_in.id}"

    @property
    def is_active(self) -> bool:
        return self.staff.active


@login_manager.user_loader
def _load(session_id: str) -> StaffSession | None:
    staff_id, tail, sign_in_id = (session_id.split(":") + ["", ""])[:3]
    if not (staff_id.isascii() and staff_id.isdigit() and sign_in_id.isascii() and sign_in_id.isdigit()):
        return None  # also sessions from before sign-ins were bound: sign in again
    staff = db.session.get(StaffUser, int(staff_id))
    if staff is None or not staff.active or staff.password_hash[-16:] != tail:
        return None
    sign_in = staff_sessions.find(int(sign_in_id), staff, request.cookies.get(KEY_COOKIE),
                                  request.headers.get("User-Agent"))
    return StaffSession(staff, sign_in) if sign_in is not None else None


def current_staff() -> StaffUser:
    return current_user.staff


def current_sign_in() -> StaffSignIn:
    return current_user.sign_in


def address() -> str:
    """The client's address (behind TRUSTED_PROXY_HOPS proxies, ProxyFix has put it here)."""
    return request.remote_addr or "unknown"


def check_password_throttled(email: str, password: str) -> tuple[StaffUser | None, int]:
    """(the active staff member whose password this is, else None; seconds of lockout, 0 if none).
    A failure counts towards the lockout of the e-mail and of the address, and is audited."""
    wait = login_throttle.locked_for(email, address())
    if wait:
        return None, wait
    staff = accounts.staff_by_email(email) if email else None
    valid = accounts.check_password(staff or _DUMMY, password) and staff is not None and staff.active
    if not valid:
        login_throttle.record_failure(email, address())
        if staff is not None:
            audit.record(staff, "staff.login_failed", "staff", staff.id, after={"address": address()})
            transaction.keep_despite_error_status()  # the refusal answers 401/403; the attempt stays on record
        return None, 0
    login_throttle.record_success(email, address())
    return staff, 0


def lockout_message(wait: int) -> str:
    return _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=max(1, -(-wait // 60)))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    email = ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()[:200]
        staff, wait = check_password_throttled(email, request.form.get("password") or "")
        if wait:
            flash(lockout_message(wait), "error")
            return render_template("inbox/login.html", email=email), 429
        if staff is None:
            flash(_("The e-mail or the password is wrong."), "error")
            return render_template("inbox/login.html", email=email), 401
        session.clear()  # a fresh session at sign-in (no fixation)
        lifetime = timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
        sign_in, key = staff_sessions.start(staff, request.headers.get("User-Agent"), lifetime)
        login_user(StaffSession(staff, sign_in))
        session.permanent = True
        audit.record(staff, "staff.login", "staff", staff.id, after={"address": address()})
        response = redirect(safe_next(request.args.get("next"), url_for("inbox.index")))
        response.set_cookie(KEY_COOKIE, key, max_age=int(lifetime.total_seconds()), path="/inbox", httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        if "lang" not in request.cookies:  # the account's language until the switcher says otherwise
            remember_language(response, staff.language)
        return response
    return render_template("inbox/login.html", email=email)


def end_sign_in(response):
    """End this browser's sign-in (every copy of its cookies stops working too) and forget it here."""
    staff_sessions.end(current_sign_in())
    logout_user()
    session.clear()
    response.delete_cookie(KEY_COOKIE, path="/inbox")
    return response


@bp.post("/logout")
@login_required
def logout():
    response = end_sign_in(redirect(url_for("inbox_auth.login")))
    flash(_("You are signed out."), "info")
    return response


@bp.get("/lang/<code>")
def language(code: str):
    return language_switch(code, url_for("inbox.index"))
