"""Training a new classifier version from the platform's examples, with held-out figures."""
from __future__ import annotations

import logging

import numpy as np
from sqlalchemy import select

from backend.extensions import db
from backend.intake import classifier, embeddings, examples as labelled, model_store
from backend.intake.models import CategoryModel, ReportVector

log = logging.getLogger(__name__)
# Below this many report examples a held-out share says nothing; the figures say so instead.
MIN_FOR_EVALUATION = 50
HOLD_OUT_EVERY = 5   # every fifth report example (by id) is held out for the figures
# Reports whose vector the worker has not stored yet are embedded here, up to this many.
EMBED_AT_MOST = 2_000


def _vectors(items: list[labelled.Example]) -> tuple[list[labelled.Example], np.ndarray]:
    """Each example with its vector: stored ones for reports, fresh ones for the seed texts."""
    wanted = {e.report_id: embeddings.digest(e.text) for e in items if e.report_id is not None}
    stored = {}
    for report_id, digest, vector in db.session.execute(
            select(ReportVector.report_id, ReportVector.digest, ReportVector.vector)
            .where(ReportVector.report_id.in_(list(wanted)))):
        if wanted[report_id] == digest:
            stored[report_id] = embeddings.unpack(vector)
    missing = [e for e in items if e.report_id is None or e.report_id not in stored]
    reports_missing = [e for e in missing if e.report_id is not None]
    if len(reports_missing) > EMBED_AT_MOST:
        log.warning("%d report examples have no vector yet; training without %d of them",
                    len(reports_missing), len(reports_missing) - EMBED_AT_MOST)
        dropped = {e.report_id for e in reports_missing[EMBED_AT_MOST:]}
        items = [e for e in items if e.report_id not in dropped]
        missing = [e for e in missing if e.report_id not in dropped]
    fresh = dict(zip((id(e) for e in missing), embeddings.embed_many([e.text for e in missing])))
    vectors = np.stack([stored[e.report_id] if e.report_id in stored else fresh[id(e)] for e in items])
    return items, vectors


def _fit(items: list[labelled.Example], vectors: np.ndarray) -> classifier.Classifier:
    return classifier.fit([e.text for e in items], [e.category for e in items], vectors, [e.weight for e in items])


def evaluate(items: list[labelled.Example], vectors: np.ndarray) -> dict:
    """Top-1/top-3 on a held-out fifth of the report examples, the model fitted on the rest."""
    held = [i for i, e in enumerate(items) if e.report_id is not None and e.report_id % HOLD_OUT_EVERY == 0]
    reports = sum(1 for e in items if e.report_id is not None)
    if reports < MIN_FOR_EVALUATION or not held:
        return {"n": 0, "top1": None, "top3": None, "note": f"fewer than {MIN_FOR_EVALUATION} report examples"}
    kept = [i for i in range(len(items)) if i not in set(held)]
    model = _fit([items[i] for i in kept], vectors[kept])
    return classifier.top_k_accuracy(model, [items[i].text for i in held], [items[i].category for i in held],
                                     vectors[held])


def train(force: bool = False) -> CategoryModel | None:
    """A new version when the examples changed (or `force`); None when there was nothing new to learn.

    Flushes; the job or the command commits."""
    fingerprint = labelled.fingerprint()
    newest = model_store.latest()
    if not force and newest is not None and newest.fingerprint == fingerprint and newest.embedder == embeddings.EMBEDDER:
        return None
    items = labelled.collect()
    if len({e.category for e in items}) < 2:
        log.warning("fewer than two categories with examples: no classifier trained")
        return None
    items, vectors = _vectors(items)
    figures = evaluate(items, vectors)
    model = _fit(items, vectors)
    per_category: dict[str, int] = {}
    for e in items:
        per_category[e.category] = per_category.get(e.category, 0) + 1
    figures["examples_per_category"] = per_category
    return model_store.save(model, embedder=embeddings.EMBEDDER, examples=len(items),
                            report_examples=sum(1 for e in items if e.report_id is not None),
                            fingerprint=fingerprint, evaluation=figures)
