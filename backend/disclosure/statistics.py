"""The transparency figures: how each department and category answers reports.

Definitions (the /stats page repeats them for readers):
- received: reports created (hidden ones excluded, as everywhere in public);
- time to acknowledge: from creation to the first move to acknowledged, in progress or
  resolved (a department that fixes at once has acknowledged too); median, in hours;
- time to resolve: from creation to the first move to resolved; median, in hours;
- on-time rate: of the reports with an SLA due time that were resolved or whose due time
  has passed (rejected and duplicate ones excluded), the share first resolved by due_at;
- reopen rate: of the reports ever resolved, the share that went resolved → in_progress
  (citizens said the fix did not happen);
- citizen-confirmed fix rate: of the reports ever resolved, the share that were closed
  without ever being reopened. Until a citizen "confirm the fix" step exists, closing a
  resolved report that nobody reopened stands for that confirmation.
Weeks are Monday-to-Sunday in the city's time zone.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, literal_column, select

from backend.city.models import Category, Department
from backend.clock import utcnow
from backend.extensions import db
from backend.reports.models import Report, ReportEvent, ReportStatus as S

ACKNOWLEDGING = [S.ACKNOWLEDGED.value, S.IN_PROGRESS.value, S.RESOLVED.value]
NOT_ROUTED = "-"


@dataclass
class Figures:
    key: str              # department or category code ("-" for reports not routed yet)
    name: str
    received: int
    median_ack_hours: float | None
    median_resolve_hours: float | None
    on_time_rate: float | None          # 0..1
    reopen_rate: float | None
    confirmed_fix_rate: float | None

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Week:
    week_start: date      # the Monday, city-local
    received: int
    resolved: int
    median_resolve_hours: float | None


def _history():
    """One row per report with the moments the figures need, read from the events once."""
    ev = (select(ReportEvent.report_id,
                 func.min(ReportEvent.created_at).filter(ReportEvent.to_status.in_(ACKNOWLEDGING)).label("acked_at"),
                 func.min(ReportEvent.created_at).filter(ReportEvent.to_status == S.RESOLVED).label("resolved_at"),
                 func.bool_or(and_(ReportEvent.from_status == S.RESOLVED, ReportEvent.to_status == S.IN_PROGRESS))
                 .label("reopened"))
          .where(ReportEvent.to_status.is_not(None)).group_by(ReportEvent.report_id).subquery())
    return (select(Report.id, Report.department_id, Report.category_id, Report.created_at, Report.due_at,
                   Report.status, ev.c.acked_at, ev.c.resolved_at, func.coalesce(ev.c.reopened, False).label("reopened"))
            .select_from(Report).outerjoin(ev, ev.c.report_id == Report.id)
            .where(Report.hidden.is_(False)))


def _hours(later, earlier):
    return func.extract("epoch", later - earlier) / 3600.0


def _median(expr):
    return func.percentile_cont(0.5).within_group(expr)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _figures(key_column: str, since: datetime | None) -> list[tuple[Any, ...]]:
    h = _history()
    if since is not None:
        h = h.where(Report.created_at >= since)
    h = h.subquery()
    now = utcnow()
    resolved = h.c.resolved_at.is_not(None)
    judged = and_(h.c.due_at.is_not(None), h.c.status.not_in([S.REJECTED.value, S.DUPLICATE.value]),
                  (resolved | (h.c.due_at < now)))
    stmt = (select(h.c[key_column], func.count(),
                   _median(_hours(h.c.acked_at, h.c.created_at)),
                   _median(_hours(h.c.resolved_at, h.c.created_at)),
                   func.count().filter(and_(judged, h.c.resolved_at <= h.c.due_at)),
                   func.count().filter(judged),
                   func.count().filter(and_(resolved, h.c.reopened)),
                   func.count().filter(and_(resolved, h.c.status == S.CLOSED.value, ~h.c.reopened)),
                   func.count().filter(resolved))
            .group_by(h.c[key_column]))
    return list(db.session.execute(stmt))


def _build(rows, names: dict[Any, tuple[str, str]], order: list[Any]) -> list[Figures]:
    by_key = {}
    for key, received, ack, res, on_time, judged, reopened, confirmed, ever_resolved in rows:
        by_key[key] = (received, ack, res, on_time, judged, reopened, confirmed, ever_resolved)
    out = []
    for key in order + ([None] if None in by_key else []):
        received, ack, res, on_time, judged, reopened, confirmed, ever_resolved = by_key.get(key, (0, None, None, 0, 0, 0, 0, 0))
        code, name = names.get(key, (NOT_ROUTED, NOT_ROUTED))
        out.append(Figures(key=code, name=name, received=received,
                           median_ack_hours=None if ack is None else round(ack, 1),
                           median_resolve_hours=None if res is None else round(res, 1),
                           on_time_rate=_ratio(on_time, judged), reopen_rate=_ratio(reopened, ever_resolved),
                           confirmed_fix_rate=_ratio(confirmed, ever_resolved)))
    return out


def by_department(language: str = "en", since: datetime | None = None) -> list[Figures]:
    """Every department (also those with nothing yet), then reports not routed yet, if any."""
    departments = db.session.execute(select(Department.id, Department.code, Department.name_en, Department.name_zh)
                                     .order_by(Department.name_en)).all()
    names = {d: (code, zh if language.startswith("zh") else en) for d, code, en, zh in departments}
    return _build(_figures("department_id", since), names, [d[0] for d in departments])


def by_category(language: str = "en", since: datetime | None = None) -> list[Figures]:
    categories = db.session.execute(select(Category.id, Category.code, Category.name_en, Category.name_zh)
                                    .order_by(Category.group, Category.name_en)).all()
    names = {c: (code, zh if language.startswith("zh") else en) for c, code, en, zh in categories}
    return _build(_figures("category_id", since), names, [c[0] for c in categories])


def weekly(weeks: int = 26) -> list[Week]:
    """Received and resolved per city-local week, the last `weeks` weeks including this one."""
    tz = current_app.config["CITY_TIMEZONE"]
    today = utcnow().astimezone(ZoneInfo(tz)).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start_utc = datetime.combine(first, datetime.min.time(), ZoneInfo(tz))
    h = _history().subquery()

    def week_of(column):
        # Grouped by position (GROUP BY 1): bound parameters would make two different expressions.
        return func.date(func.date_trunc("week", func.timezone(tz, column)))

    received = dict(db.session.execute(
        select(week_of(h.c.created_at), func.count()).where(h.c.created_at >= start_utc)
        .group_by(literal_column("1"))).all())
    resolved = {w: (n, m) for w, n, m in db.session.execute(
        select(week_of(h.c.resolved_at), func.count(), _median(_hours(h.c.resolved_at, h.c.created_at)))
        .where(h.c.resolved_at >= start_utc).group_by(literal_column("1")))}
    out = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        n, median = resolved.get(monday, (0, None))
        out.append(Week(monday, received.get(monday, 0), n, None if median is None else round(median, 1)))
    return out


def totals(rows: list[Figures]) -> int:
    return sum(r.received for r in rows)

