"""The /open311 routes: discovery and GeoReport v2 under /open311/v2, each in .json and .xml."""
from __future__ import annotations

import logging

import flask_babel
from flask import Blueprint, Flask, Response, current_app, request, request_finished
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException, InternalServerError

from backend.api.catalogue import language
from backend.api.limits import limiter
from backend.city import service as city
from backend.extensions import db
from backend.open311 import service, updates
from backend.open311.params import param
from backend.open311.formats import FORMATS, Open311Error, error, respond
from backend.errors import DomainError

bp = Blueprint("open311", __name__, url_prefix="/open311")
bp.before_request(flask_babel.refresh)
limiter.limit(lambda: current_app.config["OPEN311_RATE_LIMIT"], key_func=get_remote_address, scope="open311")(bp)
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-04T00:00:00Z"
log = logging.getLogger(__name__)
# Only these answers tell a client when to come back (RFC 9110); the rate limiter would add it to all.
RETRY_AFTER_STATUSES = (429, 503)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, f"format {fmt[:10]!r} not supported: use json or xml")
    return fmt


@bp.errorhandler(Open311Error)
def _open311_error(exc: Open311Error):
    db.session.rollback()  # a refused request leaves nothing behind (e.g. a citizen made for it)
    return error(_requested_format(), exc.status, exc.description)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    # Raised before the view (the app-wide text check) or by a parameter parser: the spec's 400.
    where = ", ".join(f"{name}: {why}" for name, why in exc.fields.items())
    return error(_requested_format(), 400, f"{where} ({exc.message})" if where else exc.message)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    status = exc.code or 500
    if isinstance(exc, InternalServerError):
        # Flask hands an unhandled exception over as a 500: it is ours, so say so (and log it).
        db.session.rollback()
        log.error("Open311 %s %s failed", request.method, request.path, exc_info=exc.original_exception or exc)
        return error(_requested_format(), 500, "internal server error")
    descriptions = {429: "too many requests; retry later", 404: "not found", 405: "method not allowed",
                    413: "request too large", 503: "service unavailable; retry later"}
    if status not in descriptions:
        status = 400
    return error(_requested_format(), status, descriptions.get(status) or exc.description or "bad request")


def _retry_after_only_when_meant(_sender: Flask, response: Response, **_extra) -> None:
    if request.blueprint == bp.name and response.status_code not in RETRY_AFTER_STATUSES:
        response.headers.pop("Retry-After", None)


def connect_signals(app: Flask) -> None:
    # After every after_request hook, the rate limiter's included (it runs last and sets the header).
    request_finished.connect(_retry_after_only_when_meant, app)


def _requested_format() -> str:
    path = request.path
    return "xml" if path.endswith(".xml") else "json"


@bp.get("/discovery.<fmt>")
def discovery(fmt: str):
    fmt = _format(fmt)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/open311/v2/"
    data = {"changeset": CHANGESET, "contact": current_app.config["OPEN311_CONTACT"],
            "key_service": "API keys are issued to registered applications by the city's administrators; contact "
                           + current_app.config["OPEN311_CONTACT"],
            "endpoints": [{"specification": SPEC, "url": base, "changeset": CHANGESET, "type": "production",
                           "formats": list(FORMATS[f].split(";")[0] for f in ("xml", "json"))}]}
    return respond(fmt, "discovery", data)


@bp.get("/v2/services.<fmt>")
def services(fmt: str):
    fmt = _format(fmt)
    service.check_jurisdiction(request.args)
    lang = language()
    return respond(fmt, "services", [service.service_view(c, lang) for c in city.active_categories()])


@bp.get("/v2/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    fmt = _format(fmt)
    service.check_jurisdiction(request.args)
    return respond(fmt, "service_definition", service.definition_view(service.category(code), language()))


@bp.post("/v2/requests.<fmt>")
def post_request(fmt: str):
    fmt = _format(fmt)
    service.check_jurisdiction(request.form)
    return respond(fmt, "service_requests", [service.post_request(request.form)], status=201)


def _extensions() -> bool:
    return (param(request.args, "extensions") or "").lower() == "true"


@bp.get("/v2/requests.<fmt>")
def get_requests(fmt: str):
    fmt = _format(fmt)
    service.check_jurisdiction(request.args)
    lang, ext = language(), _extensions()
    return respond(fmt, "service_requests", service.request_views(service.search(request.args), lang, ext))


@bp.get("/v2/requests/<request_id>.<fmt>")
def get_request(request_id: str, fmt: str):
    fmt = _format(fmt)
    service.check_jurisdiction(request.args)
    report = service.visible(request_id)
    return respond(fmt, "service_requests", service.request_views([report], language(), _extensions()))


@bp.get("/v2/tokens/<token>.<fmt>")
def token(token: str, fmt: str):
    fmt = _format(fmt)
    service.check_jurisdiction(request.args)
    return respond(fmt, "service_requests", [service.token_lookup(token)])


@bp.get("/v2/servicerequestupdates.<fmt>")
def request_updates(fmt: str):
    fmt = _format(fmt)
    service.check_jurisdiction(request.args)
    return respond(fmt, "service_request_updates", updates.feed(request.args))


@bp.post("/v2/servicerequestupdates.<fmt>")
def post_request_update(fmt: str):
    """mySociety's extension: FixMyStreet sends its citizens' updates here."""
    fmt = _format(fmt)
    service.check_jurisdiction(request.form)
    answer = updates.post_update(request.form)
    # The same answer every time for the same update_id, so a retry after a lost answer is harmless.
    return respond(fmt, "service_request_updates", [answer], status=201)


@bp.route("/<path:anything>", methods=["GET", "POST"])
def unknown(anything: str):
    raise Open311Error(404, "no such Open311 resource")
