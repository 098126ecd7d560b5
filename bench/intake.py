"""Smart intake at city scale: the suggestion endpoint, nearby possible duplicates with ranking, and
the worker's embedding rate, over the benchmark city (1,000,000 reports at scale 1.0).

Every report gets a vector, so the side table is as large as it would be in production
(report_vectors: 1M rows of 768 bytes). The benchmark reports all say "benchmark report"; their
vectors are real e5 vectors of the evaluation descriptions (bench/intake_data), spread over the
reports, so the ranking compares real vectors (the cost does not depend on which).
Quality figures are bench/intake_quality.py's.
"""
from __future__ import annotations

import random
import time

from sqlalchemy import text

from datetime import timedelta

from backend.clock import utcnow
from backend.extensions import db
from backend.intake import candidates as finder, embeddings, jobs, service as intake, training
from backend.reports import support
from backend.reports.models import OPEN311_OPEN
from backend.intake.models import ReportVector
from bench.common import Result, latency_result, timed
from bench.intake_quality import descriptions


def _prepare(echo=print) -> list[str]:
    texts = [t for _c, _l, t in descriptions()]
    reports = db.session.execute(text("SELECT count(*) FROM reports")).scalar()
    vectors = db.session.execute(text("SELECT count(*) FROM report_vectors")).scalar()
    if vectors < reports:
        started = time.perf_counter()
        pool = [embeddings.pack(v) for v in embeddings.embed_many(texts)]
        db.session.execute(text("""
            INSERT INTO report_vectors (report_id, digest, language, vector, created_at)
            SELECT r.id, '', 'en', (CAST(:pool AS bytea[]))[1 + r.id % :n], now() FROM reports r
            ON CONFLICT (report_id) DO NOTHING"""), {"pool": pool, "n": len(pool)})
        db.session.commit()
        echo(f"  {reports - vectors:,} report vectors stored in {time.perf_counter() - started:.0f}s")
    # Each vector belongs to its report's text (the generator writes two), so the ranking uses them all.
    for (description,) in db.session.execute(text("SELECT DISTINCT description FROM reports")).all():
        db.session.execute(text("""UPDATE report_vectors v SET digest = :d FROM reports r
                                   WHERE r.id = v.report_id AND r.description = :t AND v.digest <> :d"""),
                           {"d": embeddings.digest(description), "t": description})
    db.session.commit()
    db.session.execute(text("ANALYZE report_vectors"))
    db.session.commit()
    newest = training.model_store.latest()
    if newest is None or newest.report_examples < 20_000:
        started = time.perf_counter()
        training.train(force=True)
        db.session.commit()
        echo(f"  classifier trained in {time.perf_counter() - started:.0f}s")
    return texts


def run(repeat: int = 300) -> list[Result]:
    from flask import current_app

    texts = _prepare()
    # Vectors cached by an earlier run would make "new" descriptions old ones.
    from backend.jobqueue import redis_connection
    for key in redis_connection().scan_iter(match="crowdgov:intake:vector:*", count=1000):
        redis_connection().delete(key)
    # The per-address limit stays on (its Redis round trip is part of every request) but high enough.
    current_app.config["API_RATE_LIMIT_PER_IP"] = "1000000 per minute"
    client = current_app.test_client()
    rng = random.Random(19)
    shuffled = texts[:]
    rng.shuffle(shuffled)

    # Suggestion: every request a description not seen before (nothing cached), through the API door.
    cold = iter(shuffled * 2)

    def suggest():
        response = client.post("/api/v1/reports/suggest", json={"description": next(cold)})
        assert response.status_code == 200, response.json
    suggest_samples = timed(suggest, min(repeat, len(texts) - 5), warmup=5)

    # Nearby with ranking where reports are densest, as the bot asks it: after the suggestion, whose
    # vector it finds in Redis. Categories c1..c20 are the benchmark city's.
    points = [(31.23 + rng.gauss(0, 0.03), 121.47 + rng.gauss(0, 0.04), rng.randint(1, 20), rng.choice(texts))
              for _ in range(repeat + 20)]
    for *_p, description in points:
        embeddings.cached(description)
    service_points, api_points = iter(points), iter(points)
    candidates = []

    def nearby_service():
        lat, long, category, description = next(service_points)
        candidates.append(len(intake.duplicates_near(lat, long, description, f"c{category}", limit=50)))
        db.session.rollback()

    def nearby_api():
        lat, long, category, description = next(api_points)
        response = client.get("/api/v1/reports/nearby", query_string={
            "lat": lat, "long": long, "category": f"c{category}", "description": description})
        assert response.status_code == 200, response.json

    old_points = iter(points)

    def old_rule():
        lat, long, category, _description = next(old_points)
        support.nearby(lat, long, f"c{category}", 50)
        db.session.rollback()

    sql_points = iter(points)

    def candidates_sql():
        lat, long, _category, _description = next(sql_points)
        now = utcnow()
        started = time.perf_counter()
        finder.around(lat, long, radius_m=150, created_between=(now - timedelta(days=30), now),
                      statuses=OPEN311_OPEN, public=True)
        elapsed = time.perf_counter() - started
        db.session.rollback()
        return elapsed

    service_samples = timed(nearby_service, repeat, warmup=10)
    old_samples = timed(old_rule, repeat, warmup=10)
    for _ in range(5):
        candidates_sql()
    sql_samples = [candidates_sql() for _ in range(repeat)]
    api_samples = timed(nearby_api, repeat, warmup=10)
    uncached = iter([(lat, long, c, f"{d} ({n})") for n, (lat, long, c, d) in enumerate(points)])

    def nearby_uncached():
        lat, long, category, description = next(uncached)
        intake.duplicates_near(lat, long, description, f"c{category}")
        db.session.rollback()
    uncached_samples = timed(nearby_uncached, 100, warmup=5)

    # The worker's embedding job on new reports with real descriptions (one thread).
    ids = [db.session.execute(text("""
        INSERT INTO reports (category_id, department_id, location, description, attributes, status, channel,
                             created_at, updated_at, verified, hidden)
        VALUES (1, 1, ST_SetSRID(ST_MakePoint(121.47, 31.23), 4326), :d, '{}', 'open', 'api', now(), now(), false, false)
        RETURNING id"""), {"d": t}).scalar() for t in texts[:200]]
    db.session.commit()
    started = time.perf_counter()
    for report_id in ids:
        jobs.embed_report(report_id)
    per_report = (time.perf_counter() - started) / len(ids)
    db.session.execute(text("DELETE FROM reports WHERE id = ANY(:ids)"), {"ids": ids})
    db.session.commit()
    started = time.perf_counter()
    embeddings.embed_many([f"{t} ·" for t in texts])
    batch_rate = len(texts) / (time.perf_counter() - started)

    total = db.session.execute(text("SELECT count(*) FROM reports")).scalar()
    vectors = db.session.scalar(db.select(db.func.count()).select_from(ReportVector))
    mean_candidates = sum(candidates) / len(candidates) if candidates else 0
    return [
        latency_result("suggest a category (API, new description)", suggest_samples,
                       notes=f"e5 embedding in the request, {embeddings.EMBEDDER}, 1 thread"),
        latency_result("nearby duplicates ranked (service)", service_samples,
                       "old rule: same category, 50 m (service)", old_samples,
                       notes=f"over {total:,} reports, {vectors:,} vectors; {mean_candidates:.1f} offered on average"),
        latency_result("nearby candidates, 150 m any category (query)", sql_samples,
                       notes="candidates.around: PostGIS, public points, vectors joined"),
        latency_result("nearby duplicates ranked (API)", api_samples, notes="vector found in Redis (after suggest)"),
        latency_result("nearby duplicates ranked, embedding the text", uncached_samples,
                       notes="a client that never asked for suggestions"),
        Result(name="embedding job per worker", unit="rep/s", median=1 / per_report, p95=1 / per_report,
               notes=f"jobs.embed_report one after another; a batch of {len(texts)} texts: {batch_rate:.0f}/s"),
    ]
