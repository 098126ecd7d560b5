"""What alert e-mails and feed entries say, in the follower's language.

Nothing a citizen typed about the subscription goes into a message: a confirmation goes to an
address nobody has vouched for yet, so it speaks only of the area and of us.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext as _
from geoalchemy2.shape import to_shape

from backend.alerts.models import AlertSubscription, AreaKind
from backend.city import service as city
from backend.city.models import District
from backend.extensions import db
from backend.i18n import normalize_language
from backend.disclosure import projection as disclosure, public_view
from backend.reports.event_texts import event_note
from backend.reports.models import EventKind, Report, ReportEvent

MAX_DESCRIPTION = 300


def area_name(subscription: AlertSubscription, language: str) -> str:
    with force_locale(normalize_language(language)):
        if subscription.kind == AreaKind.DISTRICT:
            return subscription.district.name(language)
        point = to_shape(subscription.centre)
        lat, long = point.y, point.x
        district_id = city.district_id_at(lat, long)
        district = db.session.get(District, district_id) if district_id else None
        radius = int(round(subscription.radius_m or 0))
        if district is not None:
            return _("%(radius)d m around a place in %(district)s", radius=radius, district=district.name(language))
        return _("%(radius)d m around %(lat).4f, %(long).4f", radius=radius, lat=lat, long=long)


def event_title(event: ReportEvent, report: Report, language: str) -> str:
    """One line for an event: "New report CG-000012: Pothole", "CG-000012 Pothole: Work in progress"."""
    with force_locale(normalize_language(language)):
        ref, category = public_view.reference(report), report.category.name(language)
        if event.kind == EventKind.ROUTED:
            return _("New report %(ref)s: %(category)s", ref=ref, category=category)
        department = report.department.name(language) if report.department else None
        what = public_view.event_title(event.kind, event.from_status, event.to_status, department)
        return _("%(ref)s %(category)s: %(what)s", ref=ref, category=category, what=what)


def event_lines(event: ReportEvent, report: Report, language: str) -> list[str]:
    """The title and what the public may read of the report: description, address, note, link."""
    with force_locale(normalize_language(language)):
        lines = [event_title(event, report, language)]
        description = (report.description or "").strip()
        if description:
            cut = description if len(description) <= MAX_DESCRIPTION else description[:MAX_DESCRIPTION] + "…"
            lines.append(cut)
        address = disclosure.public_address(report)
        if address:
            lines.append(_("Address: %(address)s", address=address))
        note = event_note(event, language)
        if note and event.kind != EventKind.ROUTED:
            lines.append(_("Note: %(note)s", note=note))
        lines.append(public_view.public_url(report))
        return lines


def _footer(subscription: AlertSubscription, unsubscribe_url: str, feed_url: str, language: str) -> list[str]:
    return ["", "-- ",
            _("You receive this because this address follows %(area)s on CrowdGov.",
              area=area_name(subscription, language)),
            _("Unsubscribe in one click: %(url)s", url=unsubscribe_url),
            _("The same news as an Atom feed: %(url)s", url=feed_url)]


def confirmation(subscription: AlertSubscription, confirm_url: str) -> tuple[str, str]:
    language = normalize_language(subscription.language)
    city_name = current_app.config["CITY_NAME"]
    with force_locale(language):
        area = area_name(subscription, language)
        subject = _("Confirm your CrowdGov alerts for %(area)s", area=area)
        body = "\n".join([
            _("Someone, we hope you, asked CrowdGov %(city)s to e-mail this address about new reports and "
              "status changes in %(area)s.", city=city_name, area=area),
            "",
            _("To confirm, open this link within 7 days:"),
            confirm_url,
            "",
            _("If it was not you, ignore this message: nothing more will be sent to you."),
        ])
    return subject, body


def instant(subscription: AlertSubscription, event: ReportEvent, report: Report, unsubscribe_url: str,
            feed_url: str) -> tuple[str, str]:
    language = normalize_language(subscription.language)
    with force_locale(language):
        subject = event_title(event, report, language)
        lines = event_lines(event, report, language) + _footer(subscription, unsubscribe_url, feed_url, language)
    return subject, "\n".join(lines)


def digest(subscription: AlertSubscription, events: list[tuple[ReportEvent, Report]], unsubscribe_url: str,
           feed_url: str) -> tuple[str, str]:
    language = normalize_language(subscription.language)
    with force_locale(language):
        area = area_name(subscription, language)
        subject = _("%(count)d updates in %(area)s", count=len(events), area=area) if len(events) != 1 \
            else _("1 update in %(area)s", area=area)
        lines = [_("What happened in %(area)s since the last message:", area=area), ""]
        for event, report in events:
            lines.extend(event_lines(event, report, language))
            lines.append("")
        lines.extend(_footer(subscription, unsubscribe_url, feed_url, language))
    return subject, "\n".join(lines)
