"""Staff sign-in: Flask-Login sessions over StaffUser, argon2 passwords, throttled attempts."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from backend import transaction
from backend.accounts import service as accounts
from backend.accounts.models import StaffUser
from backend.audit import service as audit
from backend.extensions import db
from backend.inbox import login_throttle

login_manager = LoginManager()
login_manager.login_view = "inbox_auth.login"
login_manager.session_protection = "strong"
bp = Blueprint("inbox_auth", __name__, url_prefix="/inbox")
# Verifying against a real hash when the e-mail is unknown keeps the answer time the same.
_DUMMY = StaffUser(password_hash=accounts.hash_password("not a real password, only for timing"))


class StaffSession(UserMixin):
    """The signed-in staff member. The session id carries the end of the password hash,
    so changing a password signs out every other session of that account."""

    def __init__(self, staff: StaffUser):
        self.staff = staff

    def get_id(self) -> str:
        return f"{self.staff.id}:{self.staff.password_hash[-16:]}"

    @property
    def is_active(self) -> bool:
        return self.staff.active


@login_manager.user_loader
def _load(session_id: str) -> StaffSession | None:
    staff_id, _sep, tail = session_id.partition(":")
    staff = db.session.get(StaffUser, int(staff_id)) if staff_id.isdigit() else None
    if staff is None or not staff.active or staff.password_hash[-16:] != tail:
        return None
    return StaffSession(staff)


def current_staff() -> StaffUser:
    return current_user.staff


def _address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    email = ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()[:200]
        password = request.form.get("password") or ""
        wait = login_throttle.locked_for(email, _address())
        if wait:
            flash(_("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=max(1, -(-wait // 60))), "error")
            return render_template("inbox/login.html", email=email), 429
        staff = accounts.staff_by_email(email) if email else None
        valid = accounts.check_password(staff or _DUMMY, password) and staff is not None and staff.active
        if not valid:
            login_throttle.record_failure(email, _address())
            if staff is not None:
                audit.record(staff, "staff.login_failed", "staff", staff.id, after={"address": _address()})
                transaction.keep_despite_error_status()  # the 401 answers; the failed attempt stays on record
            flash(_("The e-mail or the password is wrong."), "error")
            return render_template("inbox/login.html", email=email), 401
        login_throttle.record_success(email, _address())
        session.clear()  # a fresh session at sign-in (no fixation)
        login_user(StaffSession(staff))
        session.permanent = True
        audit.record(staff, "staff.login", "staff", staff.id, after={"address": _address()})
        target = request.args.get("next") or ""
        # Only local paths: an open redirect would help phishing.
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("inbox.index")
        response = redirect(target)
        if "lang" not in request.cookies:  # the account's language until the switcher says otherwise
            _remember_language(response, staff.language)
        return response
    return render_template("inbox/login.html", email=email)


def _remember_language(response, code: str) -> None:
    response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("inbox_auth.login"))


@bp.get("/lang/<code>")
def language(code: str):
    from backend.i18n import LANGUAGES

    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("inbox.index")
    response = redirect(target)
    if code in LANGUAGES:
        _remember_language(response, code)
    return response
