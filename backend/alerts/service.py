"""Following an area: subscribing (double opt-in for e-mail), confirming, unsubscribing, the
instant alerts owed by a public event, the daily digests, and sending one message.

Every e-mail is written as an `AlertMessage` with a unique key in the transaction that owes
it, with an outbox row that sends it: Redis being down delays mail and loses none, and a
job run twice sends nothing twice. Services flush; the request or job commits.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert

from backend import signals
from backend.accounts import data_rights
from backend.accounts.models import Citizen
from backend.alerts import mail, texts
from backend.alerts.models import AlertMessage, AlertSubscription, AreaKind, Frequency, MessageKind, MessageState
from backend.alerts.places import MAX_RADIUS_M, MIN_RADIUS_M, Place, area_events, districts_of, is_announced
from backend.city import service as city
from backend.city.models import District
from backend.clock import utcnow
from backend.errors import DomainError, NotFound, ValidationFailed
from backend.extensions import db
from backend.i18n import normalize_language
from backend.outbox import service as outbox
from backend.disclosure.projection import is_public, public_location
from backend.reports.models import Report, ReportEvent
from backend.reports.service import check_location

SEND_JOB = "backend.alerts.jobs.send"
MAX_LIVE_PER_CITIZEN = 20
# Confirmation mails one address may receive per day, whoever asks: we must not become a way to
# flood somebody's inbox.
MAX_CONFIRMATIONS_PER_ADDRESS = 3
CONFIRM_DAYS = 7
MAX_ATTEMPTS = 8
DIGEST_BATCH = 200
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


class TooMany(DomainError):
    status = 429


# --- subscribing ---------------------------------------------------------------------------

def check_email(value: Any) -> str | None:
    """A plausible address (no display name, no spaces or line breaks), lower-cased domain; None for empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValidationFailed("invalid_email", _("This is not an e-mail address we can write to."),
                               {"email": "an address like name@example.org"})
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def check_radius(value: Any) -> float:
    try:
        radius = float(value)
    except (TypeError, ValueError):
        radius = float("nan")
    if not (MIN_RADIUS_M <= radius <= MAX_RADIUS_M):
        raise ValidationFailed("invalid_radius", _("The radius must be between %(min)d and %(max)d metres.",
                                                   min=MIN_RADIUS_M, max=MAX_RADIUS_M),
                               {"radius_m": f"{MIN_RADIUS_M} to {MAX_RADIUS_M}"})
    return radius


def district_by_code(code: str) -> District:
    district = db.session.scalar(select(District).where(District.code == code))
    if district is None:
        raise NotFound("unknown_district", _("There is no district with the code %(code)s.", code=str(code)[:40]))
    return district


def subscribe(citizen: Citizen, *, district: str | None = None, lat: Any = None, long: Any = None,
              radius_m: Any = None, email: Any = None, frequency: str = "instant",
              language: str | None = None) -> tuple[AlertSubscription, bool]:
    """Follow a district (by code) or a circle; returns (subscription, created).

    With an e-mail address nothing is sent but a confirmation until its owner confirms — unless this
    citizen confirmed the same address before. Asking again for the same area and address gives the
    existing subscription back (and sends nothing more)."""
    try:
        chosen = Frequency(frequency)
    except ValueError:
        raise ValidationFailed("invalid_frequency", _("Choose instant or daily."), {"frequency": "instant or daily"}) from None
    address = check_email(email)
    if district:
        place = Place(district_id=district_by_code(district).id)
    elif lat is not None or long is not None:
        lat_f, long_f = check_location(lat, long)
        place = Place(lat=lat_f, long=long_f, radius_m=check_radius(radius_m))
    else:
        raise ValidationFailed("missing_area", _("Choose a district or a place with a radius."),
                               {"district": "a district code, or lat, long and radius_m"})
    live = live_subscriptions(citizen)
    for existing in live:
        if existing.email == address and existing.frequency == chosen and _same_place(place_of(existing), place):
            return existing, False
    if len(live) >= MAX_LIVE_PER_CITIZEN:
        raise TooMany("too_many_alerts", _("You follow %(n)d areas already; stop following one first.",
                                           n=MAX_LIVE_PER_CITIZEN))
    now = utcnow()
    subscription = AlertSubscription(citizen_id=citizen.id, email=address, frequency=chosen,
                                     language=normalize_language(language or citizen.language), created_at=now)
    if place.is_district:
        subscription.kind, subscription.district_id = AreaKind.DISTRICT, place.district_id
    else:
        subscription.kind, subscription.radius_m = AreaKind.CIRCLE, place.radius_m
        subscription.centre = from_shape(Point(place.long, place.lat), srid=4326)
    if address is None or _address_confirmed_by(citizen, address):
        subscription.confirmed_at = subscription.digest_from = now
        db.session.add(subscription)
        db.session.flush()
        return subscription, True
    if _confirmations_today(address) >= MAX_CONFIRMATIONS_PER_ADDRESS:
        raise TooMany("too_many_confirmations",
                      _("This address was sent enough confirmation requests today. Please try again tomorrow."))
    db.session.add(subscription)
    db.session.flush()
    subject, body = texts.confirmation(subscription, confirm_url(subscription))
    _owe_message(subscription, MessageKind.CONFIRM, f"confirm:{subscription.id}", subject, body, [])
    return subscription, True


def _same_place(a: Place, b: Place) -> bool:
    if a.is_district or b.is_district:
        return a.district_id == b.district_id
    return abs(a.lat - b.lat) < 1e-6 and abs(a.long - b.long) < 1e-6 and abs(a.radius_m - b.radius_m) < 0.5


def _address_confirmed_by(citizen: Citizen, address: str) -> bool:
    return bool(db.session.scalar(select(exists().where(
        AlertSubscription.citizen_id == citizen.id, func.lower(AlertSubscription.email) == address.lower(),
        AlertSubscription.confirmed_at.is_not(None)))))


def _confirmations_today(address: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AlertMessage).where(
        AlertMessage.kind == MessageKind.CONFIRM, func.lower(AlertMessage.to_address) == address.lower(),
        AlertMessage.created_at > utcnow() - timedelta(days=1)))


def live_subscriptions(citizen: Citizen) -> list[AlertSubscription]:
    return list(db.session.scalars(select(AlertSubscription).where(
        AlertSubscription.citizen_id == citizen.id, AlertSubscription.unsubscribed_at.is_(None))
        .order_by(AlertSubscription.id)))


def owned_subscription(citizen: Citizen, subscription_id: int) -> AlertSubscription:
    """The citizen's own live subscription; anyone else's does not exist for them."""
    subscription = db.session.get(AlertSubscription, subscription_id)
    if subscription is None or subscription.citizen_id != citizen.id or subscription.unsubscribed_at is not None:
        raise NotFound("alert_not_found", _("You do not follow this area."))
    return subscription


def confirm(subscription: AlertSubscription) -> bool:
    """The address's owner said yes; False when it was already confirmed or has been stopped."""
    if subscription.confirmed_at is not None or subscription.unsubscribed_at is not None:
        return False
    subscription.confirmed_at = subscription.digest_from = utcnow()
    return True


def unsubscribe(subscription: AlertSubscription) -> bool:
    """Stop it; messages not sent yet are withdrawn when their turn comes. False when already stopped."""
    if subscription.unsubscribed_at is not None:
        return False
    subscription.unsubscribed_at = utcnow()
    return True


def status(subscription: AlertSubscription) -> str:
    if subscription.unsubscribed_at is not None:
        return "stopped"
    return "active" if subscription.confirmed_at is not None else "awaiting_confirmation"


# --- links ---------------------------------------------------------------------------------

def public_base() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


class _ClockSigner(TimestampSigner):
    """Link ages by the one clock (tests move it), not the machine's."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _confirm_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="crowdgov-alert-confirm", signer=_ClockSigner)


def _unsubscribe_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="crowdgov-alert-unsubscribe")


def confirm_url(subscription: AlertSubscription) -> str:
    token = _confirm_signer().dumps({"s": subscription.id, "a": subscription.email})
    # The page opens in the follower's language whatever the browser says.
    return f"{public_base()}/alerts/confirm/{token}?lang={subscription.language}"


def unsubscribe_url(subscription: AlertSubscription) -> str:
    token = _unsubscribe_signer().dumps({"s": subscription.id})
    return f"{public_base()}/alerts/unsubscribe/{token}?lang={subscription.language}"


def subscription_for_confirm_token(token: str) -> AlertSubscription:
    """The subscription a confirmation link names; NotFound for a forged, altered or expired link."""
    try:
        data = _confirm_signer().loads(token, max_age=CONFIRM_DAYS * 86400)
    except SignatureExpired:
        raise NotFound("link_expired", _("This confirmation link has expired. Please subscribe again.")) from None
    except BadSignature:
        raise NotFound("bad_link", _("This link is not valid.")) from None
    subscription = db.session.get(AlertSubscription, data.get("s")) if isinstance(data, dict) else None
    if subscription is None or subscription.email != data.get("a"):
        raise NotFound("bad_link", _("This link is not valid."))
    return subscription


def subscription_for_unsubscribe_token(token: str) -> AlertSubscription:
    try:
        data = _unsubscribe_signer().loads(token)
    except BadSignature:
        raise NotFound("bad_link", _("This link is not valid.")) from None
    subscription = db.session.get(AlertSubscription, data.get("s")) if isinstance(data, dict) else None
    if subscription is None:
        raise NotFound("bad_link", _("This link is not valid."))
    return subscription


def place_of(subscription: AlertSubscription) -> Place:
    if subscription.kind == AreaKind.DISTRICT:
        return Place(district_id=subscription.district_id)
    point = to_shape(subscription.centre)
    return Place(lat=point.y, long=point.x, radius_m=subscription.radius_m)


def feed_url(place: Place, language: str) -> str:
    lang = normalize_language(language)
    if place.is_district:
        code = db.session.scalar(select(District.code).where(District.id == place.district_id))
        return f"{public_base()}/feeds/districts/{code}.atom?lang={lang}"
    return (f"{public_base()}/feeds/around.atom?lat={place.lat:.5f}&long={place.long:.5f}"
            f"&radius_m={int(round(place.radius_m))}&lang={lang}")


def report_feed_url(report_id: int) -> str:
    return f"{public_base()}/feeds/reports/{report_id}.atom"


# --- what is owed ----------------------------------------------------------------------------

def _owe_message(subscription: AlertSubscription, kind: MessageKind, key: str, subject: str, body: str,
                 report_ids: list[int]) -> int | None:
    new_id = db.session.scalar(insert(AlertMessage).values(
        subscription_id=subscription.id, kind=kind.value, key=key, to_address=subscription.email, subject=subject[:300],
        body=body, report_ids=report_ids, state=MessageState.PENDING.value, attempts=0, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["key"]).returning(AlertMessage.id))
    if new_id is not None:
        outbox.add(SEND_JOB, message_id=new_id)
    return new_id


def _mailing(frequency: Frequency) -> list[Any]:
    return [AlertSubscription.confirmed_at.is_not(None), AlertSubscription.unsubscribed_at.is_(None),
            AlertSubscription.email.is_not(None), AlertSubscription.frequency == frequency]


@signals.report_event.connect
def _on_report_event(report: Report, event: ReportEvent) -> None:
    owe_instant_alerts(report, event)


def owe_instant_alerts(report: Report, event: ReportEvent) -> int:
    """One e-mail per instant subscription whose area holds the report's public point; returns how many."""
    if not is_announced(event, report):
        return 0
    if not db.session.scalar(select(exists().where(*_mailing(Frequency.INSTANT)))):
        return 0
    lat, long = public_location(report)
    here = city.point_sql(lat, long)
    in_area = or_(
        and_(AlertSubscription.kind == AreaKind.DISTRICT, AlertSubscription.district_id.in_(districts_of(report) or [-1])),
        and_(AlertSubscription.kind == AreaKind.CIRCLE, city.within_metres(AlertSubscription.centre, here, MAX_RADIUS_M),
             func.ST_DWithin(func.Geography(AlertSubscription.centre), func.Geography(here), AlertSubscription.radius_m)))
    owed = 0
    for subscription in db.session.scalars(select(AlertSubscription).where(*_mailing(Frequency.INSTANT), in_area)
                                           .order_by(AlertSubscription.id)):
        subject, body = texts.instant(subscription, event, report, unsubscribe_url(subscription),
                                      feed_url(place_of(subscription), subscription.language))
        if _owe_message(subscription, MessageKind.INSTANT, f"instant:{subscription.id}:event:{event.id}", subject, body,
                        [report.id]) is not None:
            owed += 1
    return owed


def prepare_digests(now: datetime | None = None, batch: int = DIGEST_BATCH) -> int:
    """Write today's digest of every daily subscription not done today (once the city's morning has come).

    Returns how many subscriptions were handled; the job calls it until it answers 0, committing
    each batch. A subscription with nothing new gets no message, only its day marked done."""
    now = now or utcnow()
    local = now.astimezone(ZoneInfo(current_app.config["CITY_TIMEZONE"]))
    if local.hour < current_app.config["ALERT_DIGEST_HOUR"]:
        return 0
    today = local.date()
    due = list(db.session.scalars(select(AlertSubscription).where(
        *_mailing(Frequency.DAILY),
        or_(AlertSubscription.last_digest_on.is_(None), AlertSubscription.last_digest_on < today))
        .order_by(AlertSubscription.id).limit(batch).with_for_update(skip_locked=True)))
    for subscription in due:
        since = subscription.digest_from or subscription.confirmed_at
        events = list(reversed(area_events(place_of(subscription), since=since, until=now, limit=100)))
        if events:
            subject, body = texts.digest(subscription, events, unsubscribe_url(subscription),
                                         feed_url(place_of(subscription), subscription.language))
            _owe_message(subscription, MessageKind.DIGEST, f"digest:{subscription.id}:{today.isoformat()}", subject,
                         body, sorted({r.id for _e, r in events}))
        subscription.last_digest_on = today
        subscription.digest_from = now
    db.session.flush()
    return len(due)


def send(message_id: int) -> str:
    """Send one owed message if it is still pending and still wanted; the job commits.

    Returns "sent", "withdrawn", "failed", "retry" (the server did not take it: the outbox tries
    again later), "missing", or the state it already had."""
    message = db.session.scalar(select(AlertMessage).where(AlertMessage.id == message_id).with_for_update())
    if message is None:
        return "missing"
    if message.state != MessageState.PENDING:
        return message.state.value
    subscription = message.subscription
    if not _still_wanted(message, subscription):
        message.state = MessageState.WITHDRAWN
        return "withdrawn"
    unsubscribe = unsubscribe_url(subscription) if message.kind != MessageKind.CONFIRM else None
    email = mail.compose(to=message.to_address, subject=message.subject, body=message.body, unsubscribe_url=unsubscribe)
    message.attempts += 1
    try:
        mail.send(email)
    except mail.MailNotSent as exc:
        message.last_error = str(exc)[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.state = MessageState.FAILED
            return "failed"
        return "retry"
    message.state, message.sent_at, message.last_error = MessageState.SENT, utcnow(), None
    return "sent"


def _still_wanted(message: AlertMessage, subscription: AlertSubscription) -> bool:
    if subscription.unsubscribed_at is not None:
        return False
    if message.kind == MessageKind.CONFIRM:
        return subscription.confirmed_at is None
    if subscription.confirmed_at is None:
        return False
    if message.kind == MessageKind.INSTANT:
        # Hidden by moderation since the alert was written: it is not public any more.
        return all(is_public(r) for r in db.session.scalars(select(Report).where(Report.id.in_(message.report_ids))))
    return True


# --- data rights ---------------------------------------------------------------------------

def _export(citizen: Citizen) -> list[dict[str, Any]]:
    out = []
    for s in db.session.scalars(select(AlertSubscription).where(AlertSubscription.citizen_id == citizen.id)
                                .order_by(AlertSubscription.id)):
        place = place_of(s)
        out.append({"id": s.id, "kind": s.kind.value, "district_id": s.district_id, "lat": place.lat,
                    "long": place.long, "radius_m": s.radius_m, "email": s.email, "frequency": s.frequency.value,
                    "language": s.language, "created_at": s.created_at.isoformat(),
                    "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
                    "unsubscribed_at": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None})
    return out


def _erase(citizen: Citizen) -> None:
    # Their messages go with them (ON DELETE CASCADE): nothing more is sent to the address.
    db.session.execute(delete(AlertSubscription).where(AlertSubscription.citizen_id == citizen.id))


data_rights.register_export("alerts", _export)
data_rights.register_erasure(_erase)
