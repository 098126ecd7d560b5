"""GeoReport v2 onto the reports service: parameters in, spec-shaped records out.

Every rule (validation, routing, disclosure) stays in its home service; this module
translates Open311's parameters and field names, and maps domain errors to 400.
Parameters are parsed in `params.py`; servicerequestupdates (both ways) is `updates.py`.
"""
from __future__ import annotations

import re
import secrets
from collections import defaultdict
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from backend.accounts import service as accounts
from backend.api.catalogue import attribute_view
from backend.city.attributes import localized
from backend.city import service as city
from backend.city.models import Category, District
from backend.errors import DomainError
from backend.extensions import db
from backend.open311.formats import Open311Error
from backend.open311.models import Open311Submission
from backend.open311.params import as_list, date_window, param, request_id, whole_number
from backend.reports import service as reports
from backend.reports.event_texts import event_note
from backend.disclosure import projection as disclosure, public_view
from backend.reports.models import OPEN311_OPEN, Attachment, Report, ReportEvent, Supporter

MAX_RESULTS = 1000
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
_EMAIL = re.compile(r"^[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{1,50}$")


def check_jurisdiction(args: MultiDict) -> None:
    given = param(args, "jurisdiction_id")
    if given is not None and given != current_app.config["OPEN311_JURISDICTION_ID"]:
        raise Open311Error(404, f"jurisdiction_id {given[:60]!r} is not served here")


# ---------- services ----------

def service_view(category: Category, lang: str) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": category.name(lang),
            "description": category.description(lang), "metadata": bool(category.attributes), "type": "realtime",
            "keywords": category.keywords, "group": category.group}


def definition_view(category: Category, lang: str) -> dict[str, Any]:
    """The spec's service definition: every attribute, in the spec's field order."""
    attributes = []
    for definition in sorted(category.attributes, key=lambda d: d.get("order", 0)):
        view = attribute_view(definition, lang)
        attributes.append({"variable": bool(definition.get("variable", True)), "code": view["code"],
                           "datatype": view["datatype"], "required": view["required"],
                           "datatype_description": localized(definition, "datatype_description", lang),
                           "order": view["order"], "description": view["description"],
                           "values": view["values"]})
    return {"service_code": category.code, "attributes": attributes}


def category(code: str | None, status: int = 404) -> Category:
    if not code:
        raise Open311Error(400, "service_code is required")
    try:
        return city.category_by_code(code)
    except DomainError:
        raise Open311Error(status, f"service_code {code[:60]!r} not found") from None


# ---------- requests: the public record ----------

class _Batch:
    """What the records of many reports need, read in a fixed number of queries (never one per report)."""

    def __init__(self, rows: list[Report], extensions: bool):
        ids = [r.id for r in rows]
        self.submissions = {s.report_id: s for s in db.session.scalars(
            select(Open311Submission).where(Open311Submission.report_id.in_(ids)))} if ids else {}
        self.photos: dict[int, list[Attachment]] = defaultdict(list)
        self.events: dict[int, list[ReportEvent]] = defaultdict(list)
        self.supporters: dict[int, int] = {}
        if not ids:
            return
        for attachment in db.session.scalars(select(Attachment).where(Attachment.report_id.in_(ids),
                                                                      Attachment.redacted.is_(False))
                                             .order_by(Attachment.id)):
            self.photos[attachment.report_id].append(attachment)
        for event in db.session.scalars(select(ReportEvent).where(ReportEvent.report_id.in_(ids),
                                                                  ReportEvent.public.is_(True))
                                        .order_by(ReportEvent.id)):
            self.events[event.report_id].append(event)
        if extensions:
            self.supporters = dict(db.session.execute(
                select(Supporter.report_id, func.count()).where(Supporter.report_id.in_(ids))
                .group_by(Supporter.report_id)).all())


def _loaded(query) -> list[Report]:
    return list(db.session.scalars(query.options(joinedload(Report.category), joinedload(Report.department))))


def request_views(rows: list[Report], lang: str, extensions: bool = False) -> list[dict[str, Any]]:
    batch = _Batch(rows, extensions)
    return [_request_view(report, batch, lang, extensions) for report in rows]


def _request_view(report: Report, batch: _Batch, lang: str, extensions: bool) -> dict[str, Any]:
    lat, long = disclosure.public_location(report)
    submission = batch.submissions.get(report.id)
    photos = [{"url": public_view.media_url(a.path), "thumbnail_url": public_view.media_url(a.thumbnail_path)}
              for a in batch.photos[report.id]]
    media = photos[0]["url"] if photos else (submission.media_url if submission else None)
    events = batch.events[report.id]
    notes = [text for text in (event_note(e, lang) for e in events) if text]
    record = {
        "service_request_id": str(report.id),
        "status": report.status.open311,
        "status_notes": notes[-1] if notes else None,
        "service_name": report.category.name(lang),
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.department.name(lang) if report.department else None,
        "service_notice": None,
        "requested_datetime": report.created_at,
        "updated_datetime": report.updated_at,
        "expected_datetime": report.due_at if report.status in OPEN311_OPEN else None,
        "address": disclosure.public_address(report),
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": long,
        "media_url": media,
    }
    if extensions:
        record["extended_attributes"] = {
            "detailed_status": report.status.value, "reference": public_view.reference(report),
            "public_url": public_view.public_url(report), "supporters": batch.supporters.get(report.id, 0),
            "verified": report.verified, "channel": report.channel,
            "duplicate_of": str(report.duplicate_of_id) if report.duplicate_of_id else None,
            "photos": [p["url"] for p in photos],
        }
        record["notes"] = [note_view(e, lang) for e in events]
    return record


def note_view(event: ReportEvent, lang: str) -> dict[str, Any]:
    return {"datetime": event.created_at, "type": event.kind.value,
            "status": event.to_status.open311 if event.to_status else None,
            "detailed_status": event.to_status.value if event.to_status else None,
            "summary": event.to_status.value if event.to_status else event.kind.value, "description": event_note(event, lang)}


def visible(raw_id: str) -> Report:
    """The request the public may see; the spec's 404 for anything else, a malformed id included."""
    number = request_id(raw_id)
    report = _loaded(select(Report).where(Report.id == number)) if number is not None else []
    if not report or not disclosure.is_public(report[0]):
        raise Open311Error(404, f"service_request_id {raw_id[:40]!r} not found")
    return report[0]


# ---------- GET requests: filters ----------

def search(args: MultiDict) -> list[Report]:
    """GET requests: service_request_id overrides every other filter; newest first; at most 1000."""
    base = select(Report).where(Report.hidden.is_(False))
    order = (Report.created_at.desc(), Report.id.desc())
    raw_ids = as_list(args, "service_request_id")
    if raw_ids:
        if any(not re.fullmatch(r"[0-9]{1,20}", i) for i in raw_ids):
            raise Open311Error(400, "service_request_id must be a comma-delimited list of request ids")
        # A number beyond the id range names no request: it is simply not in the list.
        ids = [n for n in (request_id(i) for i in raw_ids) if n is not None]
        return _loaded(base.where(Report.id.in_(ids)).order_by(*order).limit(MAX_RESULTS))
    query = base
    codes = as_list(args, "service_code")
    if codes:
        found = db.session.execute(select(Category.id, Category.code).where(Category.code.in_(codes))).all()
        unknown = set(codes) - {code for _id, code in found}
        if unknown:
            raise Open311Error(400, f"unknown service_code: {', '.join(sorted(unknown))[:200]}")
        query = query.where(Report.category_id.in_([i for i, _code in found]))
    statuses = {s.lower() for s in as_list(args, "status")}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both (comma-delimited)")
    if statuses == {"open"}:
        query = query.where(Report.status.in_(OPEN311_OPEN))
    elif statuses == {"closed"}:
        query = query.where(Report.status.not_in(OPEN311_OPEN))
    start, end = date_window(args)
    query = query.where(Report.created_at >= start, Report.created_at <= end)
    page = whole_number(args, "page", 1, 100000)
    size = whole_number(args, "page_size", MAX_RESULTS, MAX_RESULTS)
    return _loaded(query.order_by(*order).offset((page - 1) * size).limit(size))


# ---------- POST requests ----------

def _attributes(form: MultiDict, category_: Category) -> dict[str, Any]:
    multi = {d["code"] for d in category_.attributes if d.get("datatype") == "multivaluelist"}
    values: dict[str, Any] = {}
    for key in form.keys():
        match = _ATTRIBUTE_KEY.match(key)
        if not match:
            continue
        code, is_list = match.group(1), bool(match.group(2))
        items = [v for v in form.getlist(key) if v.strip()]
        if not items:
            continue  # empty means absent
        values[code] = items if (is_list or code in multi) else items[0]
    return values


def _locate(form: MultiDict) -> tuple[Any, Any, str | None]:
    """lat+long, or an address_string naming a district (we run no street geocoder)."""
    lat, long, address = param(form, "lat"), param(form, "long"), param(form, "address_string")
    if lat is not None or long is not None:
        if lat is None or long is None:
            raise Open311Error(400, "lat and long must be given together")
        return lat, long, address
    if address is None:
        if param(form, "address_id"):
            raise Open311Error(400, "address_id is not known here: send lat and long, or an address_string")
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    needle = address.lower()
    point = func.ST_PointOnSurface(District.geom)
    for name_en, name_zh, y, x in db.session.execute(select(District.name_en, District.name_zh, func.ST_Y(point),
                                                            func.ST_X(point)).order_by(District.id)):
        if name_en.lower() in needle or name_zh in address:
            return y, x, address
    raise Open311Error(400, "address_string could not be located: send lat and long (only district names are geocoded)")


def requester(form: MultiDict, api_key_id: int):
    """The citizen behind email / account_id / device_id, scoped to the posting key (accounts.open311_citizen)."""
    email, device, account = param(form, "email"), param(form, "device_id"), param(form, "account_id")
    if email is not None and not _EMAIL.match(email):
        raise Open311Error(400, "email is not a valid e-mail address")
    for name, value in (("device_id", device), ("account_id", account)):
        if value is not None and len(value) > 150:
            raise Open311Error(400, f"{name} is too long (at most 150 characters)")
    contact = {"first_name": param(form, "first_name"), "last_name": param(form, "last_name"), "email": email,
               "phone": param(form, "phone")}
    # Names stay in the contact record: a display name may be shown on boards, a real name must not.
    return accounts.open311_citizen(api_key_id, email=email, account_id=account, device_id=device, contact=contact)


def post_request(form: MultiDict) -> dict[str, Any]:
    """POST requests: the report is created at once, so the answer names it: service_request_id, no token.

    (GeoReport v2: a token is for a request that gets its id later; `tokens/{token}` still
    answers for the tokens issued before.)
    """
    key = accounts.api_key_valid(param(form, "api_key"))
    if key is None:
        raise Open311Error(403, "api_key is missing or not valid")
    category_ = category(param(form, "service_code"), status=400)
    lat, long, address = _locate(form)
    media_url = check_media_url(param(form, "media_url"))
    description = form.get("description", "")
    try:
        reporter = requester(form, key.id)
        report = reports.submit(category=category_, lat=lat, long=long, description=description,
                                attributes=_attributes(form, category_), reporter=reporter, channel="open311",
                                address=address)
    except DomainError as exc:
        raise Open311Error(400, domain_message(exc)) from None
    db.session.add(Open311Submission(report_id=report.id, api_key_id=key.id, token=secrets.token_urlsafe(16),
                                     media_url=media_url))
    hours = category_.default_sla_hours
    answer = {"service_request_id": str(report.id),
              "service_notice": _("We aim to handle this within %(hours)d hours.", hours=hours)}
    if param(form, "account_id"):
        answer["account_id"] = param(form, "account_id")
    return answer


def check_media_url(media_url: str | None) -> str | None:
    if media_url is not None and (not re.match(r"^https?://[^\s]+$", media_url) or len(media_url) > 500):
        raise Open311Error(400, "media_url must be an http(s) URL of at most 500 characters")
    return media_url


def domain_message(exc: DomainError) -> str:
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    return exc.message + (f" ({details})" if details else "")


def token_lookup(token: str) -> dict[str, Any]:
    row = db.session.scalar(select(Open311Submission).where(Open311Submission.token == token[:64]))
    if row is None:
        raise Open311Error(404, "token not found")
    return {"service_request_id": str(row.report_id), "token": row.token}

