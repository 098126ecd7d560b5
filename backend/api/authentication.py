"""Bearer tokens: who is calling, resolved once per request."""
from __future__ import annotations

from functools import wraps

from flask import request
from flask_babel import gettext as _

from backend.accounts import service as accounts
from backend.accounts.models import Citizen
from backend.errors import DomainError


class Unauthorized(DomainError):
    status = 401


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


_KEY = "crowdgov.citizen"


def current_citizen() -> Citizen | None:
    """The citizen of the presented token, resolved once per request (kept on the request, not on g:
    an app context, and so g, may outlive one request)."""
    if _KEY not in request.environ:
        token = presented_token()
        # citizen_for_token notes last_used_at (at most hourly): the request's transaction keeps it.
        request.environ[_KEY] = accounts.citizen_for_token(token) if token else None
    return request.environ[_KEY]


def forget_citizen() -> None:
    request.environ.pop(_KEY, None)


def require_citizen() -> Citizen:
    citizen = current_citizen()
    if citizen is None:
        raise Unauthorized("unauthorized", _("A valid bearer token is needed (Authorization: Bearer …)."))
    return citizen


def citizen_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        require_citizen()
        return view(*args, **kwargs)

    return wrapper
