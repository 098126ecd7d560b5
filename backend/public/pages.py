"""The public pages: home, a report's page, the map, the dashboard, the language switch."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from backend.city.models import Category, Department
from backend.errors import NotFound
from backend.extensions import db
from backend.i18n import language_switch
from backend.public import bp, charts, figures_cache
from backend.public.labels import STATUS, STATUS_COLOURS
from backend.public.map_api import map_config
from backend.reports import service as reports
from backend.reports.event_texts import event_note
from backend.disclosure import public_view, statistics
from backend.disclosure.projection import is_public, public_address, public_location
from backend.reports.models import Report, ReportStatus, Supporter
from backend.updates.models import ReportUpdate

def language() -> str:
    return str(get_locale())


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(current_app.config["CITY_TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"local_time": local_time, "status_label": lambda s: STATUS[ReportStatus(s)],
            "status_colour": lambda s: STATUS_COLOURS[ReportStatus(s)], "current_language": language,
            "city_name": current_app.config["CITY_NAME"]}


@bp.get("/")
def home() -> str:
    total = db.session.scalar(select(func.count()).select_from(Report).where(Report.hidden.is_(False)))
    fixed = db.session.scalar(select(func.count()).select_from(Report).where(
        Report.hidden.is_(False), Report.status.in_([ReportStatus.RESOLVED.value, ReportStatus.CLOSED.value])))
    latest = db.session.scalars(select(Report).where(Report.hidden.is_(False))
                                .order_by(Report.created_at.desc()).limit(8)).all()
    return render_template("public/home.html", total=total, fixed=fixed, latest=latest, lang=language())


@bp.get("/lang/<code>")
def switch_language(code: str) -> Any:
    return language_switch(code, url_for("public.home"))


def _timeline(report: Report) -> list[dict[str, Any]]:
    departments = {d.id: d.name(language()) for d in db.session.scalars(select(Department))}
    items = []
    for entry in public_view.timeline(report):
        if isinstance(entry, ReportUpdate):
            items.append({"when": local_time(entry.created_at), "title": str(public_view.CITIZEN_UPDATE),
                          "note": entry.text, "status": None, "photo": public_view.update_photo(entry),
                          "media_url": entry.media_url, "citizen": True})
            continue
        title = public_view.event_title(entry.kind, entry.from_status, entry.to_status,
                                        departments.get(entry.department_id))
        items.append({"when": local_time(entry.created_at), "title": title, "note": event_note(entry, language()),
                      "status": entry.to_status.value if entry.to_status else None})
    return items


def not_found(report_id: int | None = None) -> tuple[str, int]:
    """The branded, localized 404 page (a missing report names its number)."""
    return render_template("public/not_found.html", report_id=report_id, lang=language()), 404


@bp.get("/r/<int:report_id>")
def report_page(report_id: int) -> Any:
    try:
        report = reports.get(report_id)
    except NotFound:
        return not_found(report_id)
    if not is_public(report):
        return not_found(report_id)
    lat, long = public_location(report)
    supporters = db.session.scalar(select(func.count()).select_from(Supporter).where(Supporter.report_id == report.id))
    duplicate_of = report.duplicate_of_id
    if duplicate_of and not is_public(db.session.get(Report, duplicate_of)):
        duplicate_of = None
    return render_template(
        "public/report.html", report=report, lat=lat, long=long, sensitive=report.category.sensitive,
        address=public_address(report), category=report.category.name(language()),
        department=report.department.name(language()) if report.department else None,
        timeline=_timeline(report), photos=public_view.photo_links(report), supporters=supporters, duplicate_of=duplicate_of,
        map_config=map_config(), lang=language())


@bp.get("/explore")
def explore() -> str:
    categories = db.session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.name_en)).all()
    departments = db.session.scalars(select(Department).order_by(Department.name_en)).all()
    return render_template("public/explore.html", map_config=map_config(), categories=categories,
                           departments=departments, statuses=STATUS, lang=language())


def _hours(v: float) -> str:
    return f"{v:.0f} h" if v >= 10 else f"{v:.1f} h"


def _percent(v: float) -> str:
    return f"{v * 100:.0f}%"


@bp.get("/stats")
def stats() -> str:
    lang = language()
    departments = figures_cache.by_department(lang)
    categories = figures_cache.by_category(lang)
    weeks = figures_cache.weekly()
    for rows in (departments, categories):
        for row in rows:
            if row.key == statistics.NOT_ROUTED:
                row.name = _("Not routed yet")
    routed = [d for d in departments if d.key != statistics.NOT_ROUTED]
    chart = {
        "ack": charts.bar_chart([(d.name, d.median_ack_hours) for d in routed], title=_("Median time to acknowledge"), fmt=_hours),
        "resolve": charts.bar_chart([(d.name, d.median_resolve_hours) for d in routed], title=_("Median time to resolve"),
                                    fmt=_hours, color=charts.PALETTE[1]),
        "on_time": charts.bar_chart([(d.name, d.on_time_rate) for d in routed], title=_("On-time rate"), fmt=_percent,
                                    max_value=1, color=charts.PALETTE[2]),
        "categories": charts.bar_chart(sorted(((c.name, c.received) for c in categories if c.key != statistics.NOT_ROUTED),
                                              key=lambda item: -item[1]),
                                       title=_("Reports received per category"), color=charts.PALETTE[4]),
        "weekly": charts.line_chart([w.week_start.strftime("%m-%d") for w in weeks],
                                    [(_("Received"), [w.received for w in weeks]), (_("Resolved"), [w.resolved for w in weeks])],
                                    title=_("Reports per week")),
    }
    return render_template("public/stats.html", departments=departments, categories=categories, weeks=weeks,
                           chart=chart, hours=_hours, percent=_percent, total=statistics.totals(departments), lang=lang)

