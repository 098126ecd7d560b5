"""The staff web: department inbox, report pages, coordinator notices and admin pages.

An interface only: every rule is a call into backend/reports, backend/city,
backend/accounts or backend/audit. Every POST carries a CSRF token (Flask-WTF).
"""
from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from backend.errors import DomainError
from backend.inbox.auth import bp as auth_bp, login_manager

STAFF_BLUEPRINTS = ("inbox", "inbox_auth", "inbox_admin")
_prepared: set[str] = set()


def _check_csrf() -> None:
    """Flask-WTF's check, limited to the staff pages (the JSON APIs use bearer tokens, not cookies)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.blueprint not in STAFF_BLUEPRINTS:
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None


def init_app(app: Flask) -> None:
    from backend.inbox import admin_views, campaign_views, city_map, pages, point_rules_views, reauth, triage_views  # noqa: F401,E501
    from backend.inbox.pages import bp as inbox_bp, layout_context
    from backend.inbox.admin_views import bp as admin_bp

    login_manager.init_app(app)
    app.before_request(_check_csrf)
    for bp in (auth_bp, inbox_bp, admin_bp):
        # Blueprints are module-level: set them up once, so create_app can run more than once a process.
        if bp.name not in _prepared:
            bp.context_processor(lambda: {"csrf_token": generate_csrf})
            bp.context_processor(layout_context)
            bp.register_error_handler(CSRFError, _csrf_refused)
            bp.register_error_handler(DomainError, _domain_error)
            bp.register_error_handler(404, _http_error)
            bp.register_error_handler(403, _http_error)
            _prepared.add(bp.name)
        app.register_blueprint(bp)


def _csrf_refused(exc: CSRFError):
    from flask import render_template

    return render_template("inbox/error.html", status=400, message=exc.description), 400


def _domain_error(exc: DomainError):
    """Not found (also another department's report) and forbidden get a page; the rest
    of the domain errors are handled by the views next to the form that caused them."""
    from flask import render_template

    return render_template("inbox/error.html", status=exc.status, message=exc.message), exc.status


def _http_error(exc):
    from flask import render_template
    from flask_babel import gettext as _

    message = _("There is nothing here.") if exc.code == 404 else _("You may not open this page.")
    return render_template("inbox/error.html", status=exc.code, message=message), exc.code
