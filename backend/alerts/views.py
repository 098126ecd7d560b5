"""The alerts' web doors, without login: Atom feeds, and the confirmation and unsubscribe links of e-mails."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from backend.alerts import feeds, service, texts
from backend.alerts.places import Place, area_events
from backend.errors import DomainError, NotFound
from backend.disclosure import public_view
from backend.reports import service as reports
from backend.disclosure.projection import is_public, public_events
from backend.reports.support import check_point

bp = Blueprint("alerts", __name__, template_folder="templates")
FEED_ENTRIES = 50


def _language() -> str:
    return str(get_locale() or "zh_Hans")


def _atom(body: bytes) -> Response:
    response = Response(body, mimetype="application/atom+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def _refused(error: DomainError) -> Response:
    return Response(error.message + "\n", status=error.status, mimetype="text/plain")


@bp.get("/feeds/districts/<code>.atom")
def district_feed(code: str) -> Any:
    try:
        district = service.district_by_code(code[:40])
    except NotFound:
        abort(404)
    lang = _language()
    place = Place(district_id=district.id)
    title = _("CrowdGov · %(area)s: new reports and status changes", area=district.name(lang))
    return _atom(feeds.document(title=title, path=f"district/{district.code}", self_url=service.feed_url(place, lang),
                                alternate_url=service.public_base() + "/explore", events=area_events(place, limit=FEED_ENTRIES),
                                language=lang))


@bp.get("/feeds/around.atom")
def around_feed() -> Any:
    lang = _language()
    try:
        lat, long = check_point(request.args.get("lat"), request.args.get("long"))
        radius = service.check_radius(request.args.get("radius_m", 500))
    except DomainError as exc:
        return _refused(exc)
    place = Place(lat=lat, long=long, radius_m=radius)
    title = _("CrowdGov · %(radius)d m around %(lat).4f, %(long).4f", radius=int(radius), lat=lat, long=long)
    return _atom(feeds.document(title=title, path=f"around/{lat:.5f},{long:.5f},{int(radius)}",
                                self_url=service.feed_url(place, lang),
                                alternate_url=f"{service.public_base()}/explore#16/{lat:.5f}/{long:.5f}",
                                events=area_events(place, limit=FEED_ENTRIES), language=lang))


@bp.get("/feeds/reports/<int:report_id>.atom")
def report_feed(report_id: int) -> Any:
    try:
        report = reports.get(report_id)
    except NotFound:
        abort(404)
    if not is_public(report) or reports.is_held(report):
        abort(404)
    lang = _language()
    events = [(e, report) for e in reversed(public_events(report))][:FEED_ENTRIES]
    title = _("CrowdGov · %(ref)s %(category)s", ref=public_view.reference(report), category=report.category.name(lang))
    return _atom(feeds.document(title=title, path=f"report/{report.id}", self_url=service.report_feed_url(report.id),
                                alternate_url=public_view.public_url(report), events=events, language=lang))


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Any:
    """GET shows what is being confirmed and a button; only the POST confirms (mail scanners
    that open every link must not be able to say yes for the address's owner)."""
    lang = _language()
    try:
        subscription = service.subscription_for_confirm_token(token)
    except NotFound as exc:
        return render_template("alerts/message.html", lang=lang, title=_("Link not valid"), text=exc.message), 404
    area = texts.area_name(subscription, lang)
    if request.method == "POST":
        service.confirm(subscription)
    if subscription.unsubscribed_at is not None:
        return render_template("alerts/message.html", lang=lang, title=_("These alerts were stopped"),
                               text=_("Subscribe again in the app if you want them back.")), 410
    if subscription.confirmed_at is not None:
        how = (_("You will get one e-mail a day when something happened.") if subscription.frequency.value == "daily"
               else _("You will get an e-mail whenever something happens."))
        return render_template("alerts/message.html", lang=lang, title=_("Alerts confirmed"),
                               text=_("This address now follows %(area)s.", area=area) + " " + how,
                               feed_url=service.feed_url(service.place_of(subscription), lang),
                               unsubscribe_url=service.unsubscribe_url(subscription))
    return render_template("alerts/confirm.html", lang=lang, area=area, email=subscription.email, token=token)


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """One click: opening the link (or a mail client's List-Unsubscribe-Post) stops the alerts."""
    lang = _language()
    try:
        subscription = service.subscription_for_unsubscribe_token(token)
    except NotFound as exc:
        return render_template("alerts/message.html", lang=lang, title=_("Link not valid"), text=exc.message), 404
    service.unsubscribe(subscription)
    if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
        return Response(_("Unsubscribed.") + "\n", mimetype="text/plain")
    return render_template("alerts/message.html", lang=lang, title=_("Unsubscribed"),
                           text=_("This address gets no more alerts about %(area)s.",
                                  area=texts.area_name(subscription, lang)))


def init_app(app) -> None:
    app.register_blueprint(bp)

