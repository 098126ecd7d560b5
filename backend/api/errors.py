"""Every /api/v1 error is JSON: {"code", "message", "fields"?} with a 4xx status."""
from __future__ import annotations

import flask_babel
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from backend.errors import DomainError


def error_response(status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None):
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_messages(messages: dict) -> dict[str, str]:
    """webargs' {"json": {"lat": ["Not a valid number."]}} → {"lat": "Not a valid number."}"""
    fields: dict[str, str] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            fields[prefix] = " ".join(value)
        else:
            fields[prefix] = str(value)

    for location in messages.values() if all(k in ("json", "query", "form", "files", "headers", "view_args")
                                             for k in messages) else [messages]:
        walk("", location)
    return fields


def _http_error(error: HTTPException):
    status = error.code or 500
    if status == 422:
        messages = (getattr(error, "data", None) or {}).get("messages") or {}
        return error_response(422, "invalid_input", _("Some fields are not valid."), _flatten_messages(messages))
    if status == 429:
        return error_response(429, "rate_limited", _("Too many requests. Please wait a moment and try again."))
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             413: "request_too_large", 415: "unsupported_media_type"}
    messages = {400: _("The request could not be understood."), 401: _("Please log in first."),
                404: _("Nothing was found at this address."), 405: _("This method is not allowed here."),
                413: _("The request is too large."), 415: _("This content type is not accepted.")}
    return error_response(status, codes.get(status, "error"), messages.get(status, error.description or ""))


def _domain_error(error: DomainError):
    return error_response(error.status, error.code, error.message, error.fields)


def _too_deep(error: RecursionError):
    # Only a request body nested deeper than the JSON parser's recursion limit gets here as a 400.
    if request.is_json:
        return error_response(400, "invalid_json", _("The JSON body is nested too deeply."), {"body": "too deep"})
    raise error


def answer(error: Exception):
    """The API's answer to an error raised outside its blueprints' views (routing, before_request)."""
    flask_babel.refresh()
    if isinstance(error, DomainError):
        return _domain_error(error)
    response = _http_error(error)
    if isinstance(error, HTTPException) and error.code == 405:
        response.headers["Allow"] = ", ".join(sorted(getattr(error, "valid_methods", None) or []))
    return response


def register(bp: Blueprint) -> None:
    # The language is chosen per request (Accept-Language), never carried over from an earlier one.
    bp.before_request(flask_babel.refresh)
    bp.register_error_handler(RecursionError, _too_deep)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(DomainError, _domain_error)
