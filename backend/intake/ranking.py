"""How alike a new report and an open one are: wording, kind of problem, category and distance.

Pure functions over what the candidates query found. Studies of 311 duplicates find that place
and time do most of the work and text adds the rest; here place and time pick the candidates
(PostGIS, backend/intake/candidates.py) and this module decides which of them to offer and why.

- wording: the two descriptions' e5 vectors, each less its language's mean (classifier.centred),
  as a cosine mapped from [WORDING_FLOOR, WORDING_FULL] onto [0, 1]; or their shared words
  (TF-IDF cosine) when that is higher, e.g. for a report the worker has not embedded yet;
- kind: how much the classifier's category probabilities for the two texts overlap (the
  Bhattacharyya coefficient): "路灯不亮" filed under streetlights and "晚上这段路很黑" filed under
  roads are both streetlight problems to it, whatever the citizens chose;
- the same category, and closeness (1 at the point, 0 at the radius).
A candidate is offered when the weighted sum reaches OFFER_AT and is within MARGIN of the best one. Without any description (or before
the city's first classifier is trained) the old rule applies too: the same category within `near_m`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backend.intake.classifier import Classifier
from backend.intake.text_features import language_of

WORDING_FLOOR, WORDING_FULL = 0.10, 0.50
WEIGHTS = {"wording": 0.45, "kind": 0.25, "category": 0.15, "closeness": 0.15}
# Chosen on bench/intake_data's scenes (docs/INTAKE.md; either half of the pairs gives the same
# choice): offered from 0.46, and only within 0.15 of the best candidate.
OFFER_AT = 0.46
MARGIN = 0.15
SIMILAR_WORDING_AT = 0.5


@dataclass
class Text:
    """A description with what the models make of it (vector None: not embedded)."""
    text: str
    vector: np.ndarray | None = None
    probabilities: np.ndarray | None = None


@dataclass
class Candidate:
    report_id: int
    category: str
    distance_m: float
    text: Text


@dataclass
class Match:
    report_id: int
    score: float
    distance_m: float
    wording: float | None
    same_category: bool
    reasons: list[str] = field(default_factory=list)


def describe(model: Classifier | None, text: str, vector: np.ndarray | None) -> Text:
    probabilities = model.probabilities(text, vector) if model is not None and vector is not None and text else None
    return Text(text, vector, probabilities)


def wording(model: Classifier | None, a: Text, b: Text) -> float | None:
    """0..1, or None when either text is empty."""
    if not a.text.strip() or not b.text.strip():
        return None
    scores = []
    if a.vector is not None and b.vector is not None:
        if model is not None:
            cosine = float(model.centred(a.vector, language_of(a.text)) @ model.centred(b.vector, language_of(b.text)))
        else:  # no classifier yet, so no language means: raw e5 cosines sit around 0.8 for anything
            cosine = (float(a.vector @ b.vector) - 0.8) * 2.5
        scores.append(min(1.0, max(0.0, (cosine - WORDING_FLOOR) / (WORDING_FULL - WORDING_FLOOR))))
    if model is not None:
        ta, tb = model.tfidf(a.text), model.tfidf(b.text)
        scores.append(sum(v * tb.get(k, 0.0) for k, v in ta.items()))
    return max(scores) if scores else None


def kind(a: Text, b: Text) -> float | None:
    if a.probabilities is None or b.probabilities is None:
        return None
    return float(np.sum(np.sqrt(a.probabilities * b.probabilities)))


def rank(model: Classifier | None, query: Text, category: str | None, candidates: list[Candidate], *,
         radius_m: float, near_m: float, limit: int = 3) -> list[Match]:
    """The candidates worth offering, best first, at most `limit`."""
    matches = []
    for c in candidates:
        same = category is not None and c.category == category
        closeness = max(0.0, 1.0 - c.distance_m / radius_m)
        w = wording(model, query, c.text)
        if w is None:
            if not (same and c.distance_m <= near_m):
                continue
            score = 0.5 + 0.5 * closeness
        else:
            k = kind(query, c.text)
            score = (WEIGHTS["wording"] * w + WEIGHTS["kind"] * (k if k is not None else w)
                     + WEIGHTS["category"] * same + WEIGHTS["closeness"] * closeness)
            # Before the first classifier exists the wording alone is too rough to drop the old rule.
            old_rule = model is None and same and c.distance_m <= near_m
            if score < OFFER_AT and not old_rule:
                continue
        reasons = (["near"] if c.distance_m <= near_m else []) + (["similar_wording"] if w and w >= SIMILAR_WORDING_AT else []) \
            + (["same_category"] if same else [])
        matches.append(Match(c.report_id, round(score, 3), c.distance_m, None if w is None else round(w, 3), same, reasons))
    matches.sort(key=lambda m: (-m.score, m.distance_m, m.report_id))
    if matches:
        # A clear best match leaves the weaker ones out: they are then more likely other problems.
        matches = [m for m in matches if m.score >= matches[0].score - MARGIN]
    return matches[:limit]


