"""Smart intake, quality: category suggestion accuracy and duplicate precision/recall at 3, on the
evaluation set in bench/intake_data (written for this purpose; none of it is in the demo catalogue).

`python -m bench.intake_quality` (about two minutes: the demo city is seeded through the real
services). Its own database (<db>_intake_eval), so the city-scale benchmark data is untouched.

Categories: top-1/top-3 over descriptions.tsv (312 texts, 13 categories, half Chinese, half English)
for three models: the catalogue alone (a new city), the catalogue plus the demo's year of reports
(what `crowdgov seed demo` trains), and a 5-fold cross-validation where four fifths of the set play the
city's history.

Duplicates: every pair of duplicate_pairs.tsv is a scene somewhere in the city: the open report A,
three open reports about other problems 15-150 m around (a fair share of them of the new report's
category: another pothole down the street), and the new report B, filed `days_apart` later at
`distance_m` from A. Forty more scenes have no duplicate at all. Each new report asks for possible
duplicates the way the bot and the API do (`intake.duplicates_near`); the baseline is the old rule,
the same category within 50 m, nearest first (`reports.support.nearby`). recall@3: share of pairs
whose A is among the first three offered; precision@3: share of the offered that are the true A.
"""
from __future__ import annotations

import json
import math
import random
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from backend import config, create_app, embedded_services
from backend.clock import set_clock, utcnow
from backend.extensions import db

DATA = Path(__file__).parent / "intake_data"
RESULTS = Path(__file__).parent / "results" / "intake_quality.json"
SCENE_ORIGIN = (31.180, 121.425)      # south-west corner of the scene grid, inside the demo city
SCENE_SPACING_DEG = 0.006             # ~600 m between scenes: none reaches another's 150 m
DISTRACTORS = 3
SAME_CATEGORY_SHARE = 0.35
NO_DUPLICATE_SCENES = 40


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def descriptions() -> list[tuple[str, str, str]]:
    return [(c, lang, t) for c, lang, t in _rows("descriptions.tsv")]


def pairs() -> list[dict]:
    return [{"distance_m": float(d), "days": float(days), "category_a": ca, "text_a": ta, "category_b": cb, "text_b": tb}
            for d, days, ca, ta, cb, tb in _rows("duplicate_pairs.tsv")]


def eval_app():
    base = make_url(config.database_url())
    url = base.set(database=f"{base.database}_intake_eval")
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    embedded_services.ensure_database(admin, url.database)
    redis_url = config.redis_url().rsplit("/", 1)[0] + "/10"
    return create_app({"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False), "REDIS_URL": redis_url,
                       "RQ_QUEUE": "crowdgov-intake-eval"})


def _reset() -> None:
    upgrade()
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


# --- categories -------------------------------------------------------------------------
def _accuracy(model, rows) -> dict:
    from backend.intake import classifier, embeddings

    texts = [t for _c, _l, t in rows]
    vectors = embeddings.embed_many(texts)
    out = classifier.top_k_accuracy(model, texts, [c for c, _l, _t in rows], vectors)
    for lang in ("zh", "en"):
        keep = [i for i, (_c, l, _t) in enumerate(rows) if l == lang]
        sub = classifier.top_k_accuracy(model, [texts[i] for i in keep], [rows[i][0] for i in keep], vectors[keep])
        out[f"top1_{lang}"], out[f"top3_{lang}"] = sub["top1"], sub["top3"]
    return out


def categories(echo=print) -> dict:
    from backend.demo import _seed_map, seed_demo
    from backend.intake import examples, training

    rows = descriptions()
    _seed_map()
    items, vectors = training._vectors(examples.collect())
    cold = _accuracy(training._fit(items, vectors), rows)
    echo(f"  catalogue only: top-1 {cold['top1']:.3f}, top-3 {cold['top3']:.3f}")
    from backend.intake import classifier
    words_only = _accuracy(classifier.fit([e.text for e in items], [e.category for e in items], vectors,
                                          [e.weight for e in items], embed_weight=0.0), rows)
    echo(f"  catalogue only, TF-IDF alone (Signalen's recipe): top-1 {words_only['top1']:.3f}, "
         f"top-3 {words_only['top3']:.3f}")
    started = time.perf_counter()
    seed_demo()   # a year of reports through the real services, then the demo's first model
    echo(f"  demo city seeded in {time.perf_counter() - started:.0f}s")
    items, vectors = training._vectors(examples.collect())
    history = _accuracy(training._fit(items, vectors), rows)
    echo(f"  catalogue + demo history ({sum(1 for e in items if e.report_id)} reports): "
         f"top-1 {history['top1']:.3f}, top-3 {history['top3']:.3f}")
    # Four fifths of the evaluation set as the city's history, the last fifth as new reports.
    from backend.intake import embeddings
    from backend.intake.examples import ROUTED_WEIGHT, Example
    folds, hits1, hits3 = 5, 0, 0
    base_items, base_vectors = training._vectors([e for e in examples.collect() if e.report_id is None])
    set_vectors = embeddings.embed_many([t for _c, _l, t in rows])
    order = list(range(len(rows)))
    random.Random(19).shuffle(order)
    for k in range(folds):
        test = [i for n, i in enumerate(order) if n % folds == k]
        train = [i for n, i in enumerate(order) if n % folds != k]
        fold_items = base_items + [Example(rows[i][2], rows[i][0], ROUTED_WEIGHT) for i in train]
        model = training._fit(fold_items, np.vstack([base_vectors, set_vectors[train]]))
        from backend.intake import classifier
        part = classifier.top_k_accuracy(model, [rows[i][2] for i in test], [rows[i][0] for i in test], set_vectors[test])
        hits1 += part["top1"] * part["n"]
        hits3 += part["top3"] * part["n"]
    crossval = {"n": len(rows), "top1": round(hits1 / len(rows), 4), "top3": round(hits3 / len(rows), 4)}
    echo(f"  5-fold, the set as history: top-1 {crossval['top1']:.3f}, top-3 {crossval['top3']:.3f}")
    return {"catalogue_only": cold, "catalogue_only_tfidf_alone": words_only, "catalogue_and_demo_history": history,
            "cross_validated": crossval}


# --- duplicates -------------------------------------------------------------------------
def _offset(lat: float, long: float, metres: float, bearing: float) -> tuple[float, float]:
    dlat = metres * math.cos(bearing) / 111_195
    dlong = metres * math.sin(bearing) / (111_195 * math.cos(math.radians(lat)))
    return lat + dlat, long + dlong


def _scenes(rng: random.Random) -> list[dict]:
    pool: dict[str, list[str]] = {}
    for c, _l, t in descriptions():
        pool.setdefault(c, []).append(t)
    codes = sorted(pool)
    scenes = []
    for n, pair in enumerate(pairs()):
        scenes.append({"pair": n, **pair})
    for n in range(NO_DUPLICATE_SCENES):
        code = rng.choice(codes)
        scenes.append({"pair": None, "category_b": code, "text_b": rng.choice(pool[code])})
    for n, scene in enumerate(scenes):
        row, column = divmod(n, 16)
        scene["centre"] = (SCENE_ORIGIN[0] + row * SCENE_SPACING_DEG, SCENE_ORIGIN[1] + column * SCENE_SPACING_DEG)
        others = []
        for _ in range(DISTRACTORS):
            if rng.random() < SAME_CATEGORY_SHARE:
                code = scene["category_b"]
            else:
                code = rng.choice([c for c in codes if c not in (scene["category_b"], scene.get("category_a"))])
            choices = [t for t in pool[code] if t not in (scene.get("text_a"), scene["text_b"])]
            others.append((code, rng.choice(choices), rng.uniform(15, 150), rng.uniform(0, 2 * math.pi),
                           rng.uniform(0, 20)))
        scene["others"] = others
        scene["bearing"] = rng.uniform(0, 2 * math.pi)
    return scenes


def duplicates(echo=print) -> dict:
    from backend.city.models import Category
    from backend.intake import jobs, service as intake
    from backend.reports import support
    from backend.reports.models import Report, ReportStatus

    db.session.execute(text("TRUNCATE reports RESTART IDENTITY CASCADE"))
    db.session.commit()
    ids = {c.code: c for c in db.session.scalars(db.select(Category))}
    now = utcnow()
    rng = random.Random(2026)
    scenes = _scenes(rng)

    def add(code: str, description: str, lat: float, long: float, days_ago: float) -> Report:
        created = now - timedelta(days=days_ago)
        report = Report(category=ids[code], location=f"SRID=4326;POINT({long} {lat})", status=ReportStatus.OPEN,
                        description=description, attributes={}, channel="api", created_at=created, updated_at=created)
        db.session.add(report)
        return report

    for scene in scenes:
        lat, long = scene["centre"]
        if scene["pair"] is not None:
            a_lat, a_long = _offset(lat, long, scene["distance_m"], scene["bearing"])
            scene["a"] = add(scene["category_a"], scene["text_a"], a_lat, a_long, scene["days"])
        for code, description, metres, bearing, days in scene["others"]:
            add(code, description, *_offset(lat, long, metres, bearing), days)
    db.session.commit()
    started = time.perf_counter()
    embedded = 0
    while (done := jobs.embed_missing(recent_only=False)) > 0:
        embedded += done
    echo(f"  {embedded} scene reports embedded in {time.perf_counter() - started:.1f}s")

    def score(offered_for) -> dict:
        found = offered = true = false_on_new = 0
        by_kind = {"same_category_within_50": [0, 0], "same_category_farther": [0, 0], "other_category": [0, 0]}
        for scene in scenes:
            ranked = offered_for(scene)[:3]
            offered += len(ranked)
            if scene["pair"] is None:
                false_on_new += len(ranked)
                continue
            hit = scene["a"].id in ranked
            found += hit
            true += hit
            kind = ("other_category" if scene["category_a"] != scene["category_b"] else
                    "same_category_within_50" if scene["distance_m"] <= 50 else "same_category_farther")
            by_kind[kind][0] += hit
            by_kind[kind][1] += 1
        n = sum(1 for s in scenes if s["pair"] is not None)
        return {"pairs": n, "recall_at_3": round(found / n, 4), "precision_at_3": round(true / offered, 4) if offered else None,
                "offered": offered, "offered_for_new_problems": false_on_new,
                "recall_by_kind": {k: f"{h}/{t}" for k, (h, t) in by_kind.items()}}

    ours = score(lambda s: [d.report.id for d in intake.duplicates_near(*s["centre"], s["text_b"], s["category_b"])])
    baseline = score(lambda s: [r.id for r, _d in support.nearby(*s["centre"], s["category_b"], 50)])
    db.session.rollback()
    echo(f"  ranked by meaning: recall@3 {ours['recall_at_3']:.3f}, precision@3 {ours['precision_at_3']:.3f}")
    echo(f"  baseline (same category, 50 m): recall@3 {baseline['recall_at_3']:.3f}, "
         f"precision@3 {baseline['precision_at_3']:.3f}")
    return {"ranked_by_meaning": ours, "baseline_same_category_50m": baseline}


def main() -> dict:
    app = eval_app()
    with app.app_context():
        _reset()
        set_clock(None)
        print("categories …", flush=True)
        figures = {"categories": categories()}
        print("duplicates …", flush=True)
        figures["duplicates"] = duplicates()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print(f"written to {RESULTS}")
    return figures


if __name__ == "__main__":
    main()
