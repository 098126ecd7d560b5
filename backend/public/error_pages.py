"""Errors of every door that has no format of its own (the public site, an unknown address, the
health and media doors): a branded, localized page, or JSON for a client that asked for data.

The API, Open311 and the staff inbox answer their own errors (their blueprints' handlers come
first, and `backend.doors` routes the errors that reach no blueprint to the door their path
belongs to); a crash anywhere else is logged by Flask and shown as the same page, status 500.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from backend import doors
from backend.errors import DomainError
from backend.public import bp

DATA_SUFFIXES = (".json", ".geojson", ".csv", ".xml", ".atom")


def _wants_data() -> bool:
    if request.path.endswith(DATA_SUFFIXES):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _titles() -> dict[int, str]:
    return {400: _("This request could not be understood"), 403: _("You may not open this page"),
            404: _("There is nothing at this address"), 405: _("This address does not take that method"),
            413: _("That is too large"), 422: _("Some of what was sent is not valid"),
            429: _("Too many requests"), 500: _("Something went wrong on our side")}


def page(status: int, message: str, code: str, fields: dict[str, str] | None = None) -> tuple[Any, int]:
    if _wants_data():
        body: dict[str, Any] = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    from backend.public.pages import language

    title = _titles().get(status, _titles()[400 if status < 500 else 500])
    return render_template("public/error.html", status=status, title=title, message=message, fields=fields or {},
                           lang=language()), status


@bp.app_errorhandler(DomainError)
def _domain_error(exc: DomainError):
    door = doors.answer_for_request()
    if door is not None:
        return door(exc)
    return page(exc.status, exc.message, exc.code, exc.fields)


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    door = doors.answer_for_request()
    if door is not None:
        return door(exc)
    status = exc.code or 500
    if status == 404 and not _wants_data():
        from backend.public.pages import not_found

        return not_found()
    messages = {404: _("The page may have moved, or the report is not public."),
                405: _("Use the links on the site instead."),
                429: _("Please wait a moment and try again."),
                413: _("Send something smaller.")}
    return page(status, messages.get(status, _("Please go back and try again.")), {404: "not_found"}.get(status, "error"))


@bp.app_errorhandler(500)
def _crash(exc: Exception):
    # Flask asks handlers registered for a code before any registered for a class, so this one
    # would answer a crash inside the API or Open311 too: their doors answer in their format.
    door = doors.answer_for_request()
    if door is not None:
        return door(exc)
    return page(500, _("The problem has been logged. Please try again in a moment."), "internal_error")
