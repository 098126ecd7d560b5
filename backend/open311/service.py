"""GeoReport v2 onto the reports service: parameters in, spec-shaped records out.

Every rule (validation, routing, disclosure) stays in its home service; this module
translates Open311's parameters and field names, and maps domain errors to 400.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from backend.accounts import service as accounts
from backend.api.catalogue import attribute_view
from backend.accounts.models import Channel
from backend.city import service as city
from backend.city.models import Category, District
from backend.clock import utcnow
from backend.errors import DomainError
from backend.extensions import db
from backend.open311.formats import Open311Error
from backend.open311.models import Open311Submission
from backend.reports import service as reports
from backend.disclosure import projection as disclosure, public_view
from backend.reports.models import OPEN311_OPEN, Report, ReportEvent
from backend.reports.support import supporter_count

MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
_EMAIL = re.compile(r"^[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{1,50}$")


def param(args: MultiDict, name: str) -> str | None:
    """A parameter's value; an empty one counts as absent (spec: optional means optional)."""
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


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
        localized = attribute_view(definition, lang)
        attributes.append({"variable": bool(definition.get("variable", True)), "code": localized["code"],
                           "datatype": localized["datatype"], "required": localized["required"],
                           "datatype_description": definition.get("datatype_description") or "",
                           "order": localized["order"], "description": localized["description"],
                           "values": localized["values"]})
    return {"service_code": category.code, "attributes": attributes}


def category(code: str | None, status: int = 404) -> Category:
    if not code:
        raise Open311Error(400, "service_code is required")
    try:
        return city.category_by_code(code)
    except DomainError:
        raise Open311Error(status, f"service_code {code[:60]!r} not found") from None


# ---------- requests: the public record ----------

def _latest_note(report: Report) -> str | None:
    notes = [e.note for e in disclosure.public_events(report) if e.note]
    return notes[-1] if notes else None


def request_view(report: Report, lang: str, extensions: bool = False) -> dict[str, Any]:
    lat, long = disclosure.public_location(report)
    submission = db.session.scalar(select(Open311Submission).where(Open311Submission.report_id == report.id))
    photos = public_view.photo_links(report)
    media = photos[0]["url"] if photos else (submission.media_url if submission else None)
    record = {
        "service_request_id": str(report.id),
        "status": report.status.open311,
        "status_notes": _latest_note(report),
        "service_name": report.category.name(lang),
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.department.name(lang) if report.department else None,
        "service_notice": None,
        "requested_datetime": report.created_at,
        "updated_datetime": report.updated_at,
        "expected_datetime": report.due_at if report.status in OPEN311_OPEN else None,
        "address": None if report.category.sensitive else report.address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": long,
        "media_url": media,
    }
    if extensions:
        record["extended_attributes"] = {
            "detailed_status": report.status.value, "reference": public_view.reference(report),
            "public_url": public_view.public_url(report), "supporters": supporter_count(report),
            "verified": report.verified, "channel": report.channel,
            "duplicate_of": str(report.duplicate_of_id) if report.duplicate_of_id else None,
            "photos": [p["url"] for p in photos],
        }
        record["notes"] = [note_view(e) for e in disclosure.public_events(report)]
    return record


def note_view(event: ReportEvent) -> dict[str, Any]:
    return {"datetime": event.created_at, "type": event.kind.value,
            "status": event.to_status.open311 if event.to_status else None,
            "detailed_status": event.to_status.value if event.to_status else None,
            "summary": event.to_status.value if event.to_status else event.kind.value, "description": event.note or ""}


def visible(report_id: str) -> Report:
    if not report_id.isdigit() or len(report_id) > 12:
        raise Open311Error(404, f"service_request_id {report_id[:40]!r} not found")
    report = db.session.get(Report, int(report_id))
    if report is None or not disclosure.is_public(report):
        raise Open311Error(404, f"service_request_id {report_id} not found")
    return report


# ---------- GET requests: filters ----------

def _list(args: MultiDict, name: str) -> list[str]:
    """A comma-delimited list; also accepts the parameter repeated."""
    values = []
    for raw in args.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return values


def parse_datetime(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+") if "T" in value else value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C datetime such as 2026-01-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(current_app.config["CITY_TIMEZONE"]))
    return parsed


def date_window(args: MultiDict) -> tuple[datetime, datetime]:
    """start/end: 90 days at most; either alone extends 90 days from it; neither = the last 90 days."""
    start, end = parse_datetime(param(args, "start_date"), "start_date"), parse_datetime(param(args, "end_date"), "end_date")
    if start is None and end is None:
        end = utcnow()
        start = end - WINDOW
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    return start, end


def _int(args: MultiDict, name: str, default: int, maximum: int) -> int:
    raw = param(args, name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise Open311Error(400, f"{name} must be a whole number from 1 to {maximum}")
    return int(raw)


def search(args: MultiDict) -> list[Report]:
    """GET requests: service_request_id overrides every other filter; newest first; at most 1000."""
    base = select(Report).where(Report.hidden.is_(False))
    ids = _list(args, "service_request_id")
    if ids:
        if any(not i.isdigit() or len(i) > 12 for i in ids):
            raise Open311Error(400, "service_request_id must be a comma-delimited list of request ids")
        return list(db.session.scalars(base.where(Report.id.in_([int(i) for i in ids]))
                                       .order_by(Report.created_at.desc(), Report.id.desc()).limit(MAX_RESULTS)))
    query = base
    codes = _list(args, "service_code")
    if codes:
        found = db.session.execute(select(Category.id, Category.code).where(Category.code.in_(codes))).all()
        unknown = set(codes) - {code for _id, code in found}
        if unknown:
            raise Open311Error(400, f"unknown service_code: {', '.join(sorted(unknown))[:200]}")
        query = query.where(Report.category_id.in_([i for i, _code in found]))
    statuses = {s.lower() for s in _list(args, "status")}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both (comma-delimited)")
    if statuses == {"open"}:
        query = query.where(Report.status.in_(OPEN311_OPEN))
    elif statuses == {"closed"}:
        query = query.where(Report.status.not_in(OPEN311_OPEN))
    start, end = date_window(args)
    query = query.where(Report.created_at >= start, Report.created_at <= end)
    page = _int(args, "page", 1, 100000)
    size = _int(args, "page_size", MAX_RESULTS, MAX_RESULTS)
    return list(db.session.scalars(query.order_by(Report.created_at.desc(), Report.id.desc())
                                   .offset((page - 1) * size).limit(size)))


def updates(args: MultiDict) -> list[dict[str, Any]]:
    """servicerequestupdates: public history entries in the window, oldest first, at most 1000."""
    start, end = date_window(args)
    rows = db.session.scalars(
        select(ReportEvent).join(Report, Report.id == ReportEvent.report_id)
        .where(ReportEvent.public.is_(True), Report.hidden.is_(False),
               ReportEvent.created_at >= start, ReportEvent.created_at <= end)
        .order_by(ReportEvent.created_at, ReportEvent.id).limit(MAX_RESULTS))
    out = []
    for event in rows:
        status = event.to_status or event.report.status
        out.append({"update_id": str(event.id), "service_request_id": str(event.report_id),
                    "status": status.open311, "detailed_status": status.value,
                    "updated_datetime": event.created_at, "description": event.note or "", "media_url": None})
    return out


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


def _requester(form: MultiDict, api_key_id: int):
    email, device, account = param(form, "email"), param(form, "device_id"), param(form, "account_id")
    if email is not None and not _EMAIL.match(email):
        raise Open311Error(400, "email is not a valid e-mail address")
    for name, value in (("device_id", device), ("account_id", account)):
        if value is not None and len(value) > 150:
            raise Open311Error(400, f"{name} is too long (at most 150 characters)")
    # Device and account ids are the application's own: scoped by its key so two apps never collide.
    if email:
        identity = (Channel.OPEN311_EMAIL, email.lower())
    elif account:
        identity = (Channel.OPEN311_ACCOUNT, f"{api_key_id}:{account}")
    elif device:
        identity = (Channel.OPEN311_DEVICE, f"{api_key_id}:{device}")
    else:
        return None
    first = param(form, "first_name")
    contact = {"first_name": first, "last_name": param(form, "last_name"), "email": email,
               "phone": param(form, "phone")}
    # Names stay in the contact record: a display name may be shown on boards, a real name must not.
    return accounts.contact_citizen(identity[0], identity[1], display_name="Open311", contact=contact)


def post_request(form: MultiDict) -> dict[str, Any]:
    """POST requests: create the report at once; answers service_request_id and a token."""
    key = accounts.api_key_valid(param(form, "api_key"))
    if key is None:
        raise Open311Error(403, "api_key is missing or not valid")
    category_ = category(param(form, "service_code"), status=400)
    lat, long, address = _locate(form)
    media_url = param(form, "media_url")
    if media_url is not None and (not re.match(r"^https?://[^\s]+$", media_url) or len(media_url) > 500):
        raise Open311Error(400, "media_url must be an http(s) URL of at most 500 characters")
    description = form.get("description", "")
    try:
        reporter = _requester(form, key.id)
        report = reports.submit(category=category_, lat=lat, long=long, description=description,
                                attributes=_attributes(form, category_), reporter=reporter, channel="open311",
                                address=address)
    except DomainError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise Open311Error(400, exc.message + (f" ({details})" if details else "")) from None
    token = secrets.token_urlsafe(16)
    db.session.add(Open311Submission(report_id=report.id, api_key_id=key.id, token=token, media_url=media_url))
    hours = category_.default_sla_hours
    answer = {"service_request_id": str(report.id), "token": token,
              "service_notice": _("We aim to handle this within %(hours)d hours.", hours=hours)}
    if param(form, "account_id"):
        answer["account_id"] = param(form, "account_id")
    return answer


def token_lookup(token: str) -> dict[str, Any]:
    row = db.session.scalar(select(Open311Submission).where(Open311Submission.token == token[:64]))
    if row is None:
        raise Open311Error(404, "token not found")
    return {"service_request_id": str(row.report_id), "token": row.token}

