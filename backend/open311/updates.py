"""servicerequestupdates (mySociety's extension), both ways.

GET: the public history of every report in a time window, the city's events and citizens'
updates, each with a text in the reader's language (else the report's) so that FixMyStreet
never drops one for having none. States are GeoReport's open/closed, or mySociety's
extended states (statuses.py) for a key that asks for them or with `extended_statuses=true`.
POST: a FixMyStreet user's update becomes a citizen's update on the report
(`backend.updates.service.add_update`), once per `update_id` of the posting key.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import select, tuple_
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict

from backend.accounts import service as accounts
from backend.accounts.models import Citizen
from backend.city.models import Department
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.i18n import requested_language
from backend.open311 import statuses
from backend.open311.formats import Open311Error
from backend.open311.params import date_window, param, parse_datetime, request_id
from backend.open311.service import MAX_RESULTS, check_media_url, domain_message, requester
from backend.disclosure import public_view
from backend.updates import service as citizen_updates
from backend.reports.event_texts import event_note
from backend.reports.models import Attachment, EventKind, Report, ReportEvent, ReportStatus
from backend.updates.models import ReportUpdate, UpdateSource

# Citizens' updates are numbered apart from the city's events: "u<id>".
CITIZEN_PREFIX = "u"
CITIZEN_WROTE = _l("A citizen wrote: %(text)s")
CITIZEN_PHOTO = _l("A citizen added a photo.")
MAX_UPDATE_ID = citizen_updates.MAX_EXTERNAL_KEY


def _wants_extended(args: MultiDict) -> bool:
    flag = param(args, "extended_statuses")
    if flag is not None:
        if flag.lower() not in ("true", "false"):
            raise Open311Error(400, "extended_statuses must be true or false")
        return flag.lower() == "true"
    given = param(args, "api_key")
    if given is None:
        return False
    key = accounts.api_key_valid(given)
    if key is None:
        # FixMyStreet sends its key on every fetch: a wrong one is said, not silently ignored.
        raise Open311Error(403, "api_key is not valid")
    return key.open311_extended_statuses


def _status_source(moment, tie):
    """The last status-setting event of the report up to (moment, tie): what the report was then."""
    earlier = aliased(ReportEvent)
    last = (select(earlier.id).where(earlier.report_id == Report.id, earlier.to_status.is_not(None),
                                     tuple_(earlier.created_at, earlier.id) <= tuple_(moment, tie))
            .order_by(earlier.created_at.desc(), earlier.id.desc()).limit(1).scalar_subquery())
    return aliased(ReportEvent), last


def _event_rows(start: datetime, end: datetime):
    then, last = _status_source(ReportEvent.created_at, ReportEvent.id)
    return db.session.execute(
        select(ReportEvent, then.from_status, then.to_status, then.data["reason"].astext, Citizen.language)
        .join(Report, Report.id == ReportEvent.report_id)
        .outerjoin(Citizen, Citizen.id == Report.reporter_id)
        .outerjoin(then, then.id == last)
        .where(ReportEvent.public.is_(True), Report.hidden.is_(False),
               ReportEvent.created_at >= start, ReportEvent.created_at <= end)
        .order_by(ReportEvent.created_at, ReportEvent.id).limit(MAX_RESULTS)).all()


def _update_rows(start: datetime, end: datetime):
    # The id bound is beyond any event id: an event at the same moment counts as earlier.
    then, last = _status_source(ReportUpdate.created_at, 2**31)
    return db.session.execute(
        select(ReportUpdate, then.from_status, then.to_status, then.data["reason"].astext, Citizen.language,
               Attachment.path)
        .join(Report, Report.id == ReportUpdate.report_id)
        .outerjoin(Citizen, Citizen.id == Report.reporter_id)
        .outerjoin(then, then.id == last)
        .outerjoin(Attachment, (Attachment.id == ReportUpdate.photo_id) & Attachment.redacted.is_(False))
        .where(ReportUpdate.held.is_(False), ReportUpdate.hidden.is_(False), Report.hidden.is_(False),
               ReportUpdate.created_at >= start, ReportUpdate.created_at <= end)
        .order_by(ReportUpdate.created_at, ReportUpdate.id).limit(MAX_RESULTS)).all()


def _states(extended: bool, status: ReportStatus, kind: EventKind | None, from_status, reason) -> dict[str, Any]:
    reopened = from_status == ReportStatus.RESOLVED and status == ReportStatus.IN_PROGRESS
    if extended:
        name, code = statuses.extended(status, kind=kind, reason=reason, reopened=reopened)
        return {"status": name, "external_status_code": code, "detailed_status": status.value}
    return {"status": status.open311, "detailed_status": status.value}


def feed(args: MultiDict) -> list[dict[str, Any]]:
    """GET servicerequestupdates: public history in the window, oldest first, at most 1000."""
    start, end = date_window(args)
    extended = _wants_extended(args)
    chosen = requested_language()
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_Hans")
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    entries = []
    for event, from_status, status, reason, reporter_language in _event_rows(start, end):
        lang = chosen or reporter_language or default
        with force_locale(lang):
            department = departments.get(event.department_id)
            text = event_note(event, lang) or public_view.event_title(event.kind, event.from_status, event.to_status,
                                                         department.name(lang) if department else None)
        entries.append(((event.created_at, 0, event.id), {
            "update_id": str(event.id), "service_request_id": str(event.report_id),
            **_states(extended, status or ReportStatus.SUBMITTED, event.kind, from_status, reason),
            "updated_datetime": event.created_at, "description": text, "media_url": None}))
    for update, from_status, status, reason, reporter_language, photo_path in _update_rows(start, end):
        with force_locale(chosen or reporter_language or default):
            text = str(CITIZEN_WROTE) % {"text": update.text} if update.text else str(CITIZEN_PHOTO)
        entries.append(((update.created_at, 1, update.id), {
            "update_id": f"{CITIZEN_PREFIX}{update.id}", "service_request_id": str(update.report_id),
            **_states(extended, status or ReportStatus.SUBMITTED, None, from_status, reason),
            "updated_datetime": update.created_at, "description": text,
            "media_url": public_view.media_url(photo_path) if photo_path else update.media_url}))
    entries.sort(key=lambda pair: pair[0])
    return [record for _key, record in entries[:MAX_RESULTS]]


# ---------- POST: a citizen's update from FixMyStreet ----------

def _required(form: MultiDict, name: str) -> str:
    value = param(form, name)
    if value is None:
        raise Open311Error(400, f"{name} is required")
    return value


def post_update(form: MultiDict) -> dict[str, Any]:
    """Store a FixMyStreet user's update; answers our update id (the same one every time for its update_id)."""
    key = accounts.api_key_valid(param(form, "api_key"))
    if key is None:
        raise Open311Error(403, "api_key is missing or not valid")
    raw_id = _required(form, "service_request_id")
    external = _required(form, "update_id")
    if len(external) > MAX_UPDATE_ID:
        raise Open311Error(400, f"update_id is too long (at most {MAX_UPDATE_ID} characters)")
    claimed = _required(form, "status").upper()
    if claimed not in statuses.EXTENDED and claimed not in ("OPEN", "CLOSED"):
        raise Open311Error(400, "status must be open, closed or one of " + ", ".join(statuses.EXTENDED))
    when = parse_datetime(_required(form, "updated_datetime"), "updated_datetime")
    code = param(form, "external_status_code")
    if code is not None and len(code) > 100:
        raise Open311Error(400, "external_status_code is too long (at most 100 characters)")
    media_url = check_media_url(param(form, "media_url"))
    number = request_id(raw_id)
    report = db.session.get(Report, number) if number is not None else None
    if report is None:
        raise Open311Error(404, f"service_request_id {raw_id[:40]!r} not found")
    data = {"status": claimed, "updated_datetime": when.isoformat()}
    if code:
        data["external_status_code"] = code
    try:
        citizen = requester(form, key.id)
        update = citizen_updates.add_update(report, citizen, text=form.get("description", ""), source=UpdateSource.OPEN311,
                                            external_key=external, api_key_id=key.id, media_url=media_url, data=data)
    except NotFound:
        raise Open311Error(404, f"service_request_id {raw_id[:40]!r} not found") from None
    except Conflict as exc:
        raise Open311Error(409, exc.message) from None
    except ValidationFailed as exc:
        raise Open311Error(400, domain_message(exc)) from None
    return {"update_id": f"{CITIZEN_PREFIX}{update.id}"}
