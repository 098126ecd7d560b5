"""Smart intake's rules: suggest a category, find possible duplicates, keep report vectors.

Nothing here knows HTTP; the API, the inbox, the jobs and the CLI call these functions.
Services flush, never commit: the request, job or command that calls them owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from backend import signals
from backend.city import service as city
from backend.city.models import Category
from backend.clock import utcnow
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.intake import candidates as finder, embeddings, model_store, ranking
from backend.intake.models import ReportVector
from backend.intake.text_features import language_of
from backend.outbox import service as outbox
from backend.reports import service as reports, support
from backend.reports.models import OPEN311_OPEN, EventKind, Report, ReportStatus

EMBED_JOB = "backend.intake.jobs.embed_report"
TOP = 3
# A text is understood when the model knows one of its whole words, or a fair share of its tokens
# (characters and pieces of words: "大坑" is not a word it learnt, "坑" is); below that ("asdf qwe",
# "啊啊啊") the answer says so and every confidence stays low.
UNDERSTOOD_SHARE = 0.15
NOT_UNDERSTOOD_FACTOR = 0.5
# The inbox keeps showing resolved reports as possible originals (a repeat of a fixed problem).
STAFF_ALIVE = set(ReportStatus) - {ReportStatus.DUPLICATE, ReportStatus.REJECTED, ReportStatus.CLOSED}


# --- category suggestion --------------------------------------------------------------
@dataclass
class Suggestion:
    suggestions: list[tuple[Category, float]]
    understood: bool
    model_version: int | None


def _categories_at(lat: Any, long: Any) -> list[Category]:
    """Active categories that someone handles at the place (all of them without a place)."""
    if lat is None and long is None:
        return city.active_categories()
    lat_f, long_f = reports.check_location(lat, long)
    return [c for c, _department in city.responsibilities_at(lat_f, long_f)]


def suggest(description: str | None, lat: Any = None, long: Any = None, vector=None) -> Suggestion:
    """The three likeliest categories for the description, each with its probability.

    `lat`/`long` (both or neither) keep to the categories handled at that place; a place outside
    the service area is refused like at submission. `vector`: the description's, when stored."""
    text = reports.check_description(description)
    allowed = {c.code: c for c in _categories_at(lat, long)}
    loaded = model_store.current()
    if loaded is None or not allowed:
        return Suggestion([], False, loaded[0] if loaded else None)
    version, model = loaded
    if text:
        probabilities = model.probabilities(text, vector if vector is not None else embeddings.cached(text))
        known_words, share = model.coverage(text)
        understood = known_words >= 1 or share >= UNDERSTOOD_SHARE
    else:
        probabilities, understood = model.priors, False
    if not understood:
        # What is common here, and said to be a guess.
        probabilities = model.priors
    scores = {code: float(p) for code, p in zip(model.classes, probabilities) if code in allowed}
    factor = 1.0 if understood else NOT_UNDERSTOOD_FACTOR
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return Suggestion([(allowed[code], round(p * factor, 3)) for code, p in ranked], understood, version)


def suggest_for(report: Report) -> Suggestion:
    """What the report's own description suggests (the inbox: is it filed under the right category?)."""
    lat, long = reports.coordinates(report)
    try:
        return suggest(report.description, lat, long, vector=_stored_vector(report))
    except ValidationFailed:  # a place no area covers any more: every category
        return suggest(report.description, vector=_stored_vector(report))


def _stored_vector(report: Report):
    stored = db.session.get(ReportVector, report.id)
    current = stored is not None and stored.digest == embeddings.digest(report.description or "")
    return embeddings.unpack(stored.vector) if current else None


# --- possible duplicates --------------------------------------------------------------
@dataclass
class Duplicate:
    report: Report
    match: ranking.Match


def _settings() -> tuple[float, float, timedelta]:
    config = current_app.config
    return (float(config["NEARBY_RADIUS_M"]), float(config["DUPLICATE_NEAR_M"]),
            timedelta(days=float(config["DUPLICATE_WINDOW_DAYS"])))


def _ranked(found: list[finder.Found], query: ranking.Text, category: str | None, radius: float, near: float,
            limit: int) -> list[Duplicate]:
    loaded = model_store.current()
    model = loaded[1] if loaded else None
    if model is not None and query.vector is not None and query.probabilities is None:
        query = ranking.describe(model, query.text, query.vector)
    by_id = {f.report.id: f.report for f in found}
    pool = []
    for f in found:
        text = f.report.description or ""
        current = f.vector is not None and f.digest == embeddings.digest(text)
        vector = embeddings.unpack(f.vector) if current else None
        pool.append(ranking.Candidate(f.report.id, f.report.category.code, f.distance_m,
                                      ranking.describe(model, text, vector)))
    matches = ranking.rank(model, query, category, pool, radius_m=radius, near_m=near, limit=limit)
    return [Duplicate(by_id[m.report_id], m) for m in matches]


def duplicates_near(lat: Any, long: Any, description: str | None = None, category: str | None = None,
                    limit: int = TOP) -> list[Duplicate]:
    """Open public reports that may be the problem a citizen is about to report, best first.

    `category` is a ranking hint (the citizen's choice so far), not a filter. Distances are from
    the public point, so a sensitive category's exact place never shows through."""
    lat_f, long_f = support.check_point(lat, long)
    code = city.category_by_code(category).code if category else None
    text = reports.check_description(description)
    radius, near, window = _settings()
    now = utcnow()
    found = finder.around(lat_f, long_f, radius_m=radius, created_between=(now - window, now + timedelta(minutes=5)),
                          statuses=OPEN311_OPEN, public=True)
    if not found:
        return []
    query = ranking.Text(text, embeddings.cached(text) if text else None)
    return _ranked(found, query, code, radius, near, limit)


def duplicates_of(report: Report, limit: int = 10) -> list[Duplicate]:
    """For staff: live reports near this one (its exact point), filed within the window around it."""
    radius, near, window = _settings()
    lat, long = reports.coordinates(report)
    found = finder.around(lat, long, radius_m=radius, statuses=STAFF_ALIVE, public=False, exclude_id=report.id,
                          created_between=(report.created_at - window, report.created_at + window))
    if not found:
        return []
    return _ranked(found, ranking.Text(report.description or "", _stored_vector(report)), report.category.code,
                   radius, near, limit)


# --- report vectors -------------------------------------------------------------------
def embed_report(report_id: int) -> str:
    """Store the vector of a report's description; nothing when it is already there for this text."""
    report = db.session.get(Report, report_id)
    if report is None:
        return "missing"
    text = report.description or ""
    stored = db.session.get(ReportVector, report_id)
    if not text.strip():
        if stored is not None:
            db.session.delete(stored)
        return "empty"
    digest = embeddings.digest(text)
    if stored is not None and stored.digest == digest:
        return "unchanged"
    values = {"report_id": report_id, "digest": digest, "language": language_of(text),
              "vector": embeddings.pack(embeddings.embed(text)), "created_at": utcnow()}
    statement = insert(ReportVector).values(**values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[ReportVector.report_id], set_={k: statement.excluded[k] for k in values if k != "report_id"},
        where=ReportVector.digest != statement.excluded.digest))
    db.session.flush()
    return "embedded"


def reports_without_vector(limit: int, recent_only: bool = True) -> list[int]:
    """Open reports with a description and no vector: missed by their job, or older than intake.

    `recent_only`: filed within the duplicates window (the periodic sweep; an index range, not the
    whole table); the CLI backfills everything."""
    conditions = [ReportVector.report_id.is_(None), Report.description != "", Report.status.in_(STAFF_ALIVE)]
    if recent_only:
        conditions.append(Report.created_at >= utcnow() - _settings()[2])
    return list(db.session.scalars(
        select(Report.id).outerjoin(ReportVector, ReportVector.report_id == Report.id)
        .where(*conditions).order_by(Report.id.desc()).limit(limit)))


def _on_report_event(report: Report, event, **_: Any) -> None:
    # A new report with words, or moderation that may have redacted them: the worker (re)embeds it.
    if (event.kind == EventKind.SUBMITTED and report.description) or event.kind == EventKind.MODERATED:
        outbox.add(EMBED_JOB, report_id=report.id)


signals.report_event.connect(_on_report_event)
