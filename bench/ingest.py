"""Ingest: reports/s and latency through the real API served by gunicorn, against the raw
single-row INSERT rate of the same rows with psycopg (the physical ceiling)."""
from __future__ import annotations

import random
import statistics
import threading
import time

import httpx
import psycopg
from flask import current_app
from sqlalchemy.engine import make_url

from backend import embedded_services
from backend.accounts import service as accounts
from backend.extensions import db
from bench.common import Result, percentile
from bench.datagen import EXTENT
from bench.services import serve, stop, wait_healthy

REQUESTS = 600
CLIENTS = 6


def _rows(n: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    minx, miny, maxx, maxy = EXTENT
    return [{"category": f"c{rng.randint(1, 20)}", "lat": rng.uniform(miny + 0.01, maxy - 0.01),
             "long": rng.uniform(minx + 0.01, maxx - 0.01), "description": "bench pothole"} for _ in range(n)]


def run() -> list[Result]:
    citizen = accounts.create_citizen("Bench citizen", "en")
    db.session.flush()
    token = accounts.issue_token(citizen)
    db.session.commit()
    port = embedded_services.free_port()
    server = serve(port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base)
        rows = _rows(REQUESTS)
        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()
        chunks = [rows[i::CLIENTS] for i in range(CLIENTS)]

        def client(chunk):
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
                http.post("/api/v1/reports", json=chunk[0])  # warm the connection and the worker
                for body in chunk[1:]:
                    start = time.perf_counter()
                    response = http.post("/api/v1/reports", json=body)
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        if response.status_code != 201:
                            failures.append(response.status_code)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        stop(server)

    raw_url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    raw_rows = _rows(2000, seed=4)
    with psycopg.connect(raw_url.render_as_string(hide_password=False), autocommit=True) as conn:
        raw_latencies = []
        start_all = time.perf_counter()
        for r in raw_rows:
            start = time.perf_counter()
            conn.execute("""INSERT INTO reports (category_id, location, description, attributes, status, channel,
                                                 created_at, updated_at, verified, hidden)
                            VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, '{}', 'submitted', 'bench',
                                    now(), now(), false, false)""",
                         (int(r["category"][1:]), r["long"], r["lat"], r["description"]))
            raw_latencies.append(time.perf_counter() - start)
        raw_wall = time.perf_counter() - start_all
        conn.execute("DELETE FROM reports WHERE channel = 'bench'")
    rate = len(latencies) / wall
    raw_rate = len(raw_rows) / raw_wall
    return [Result(name=f"ingest via API ({CLIENTS} clients, gunicorn x3)", unit="ms",
                   median=statistics.median(latencies) * 1000, p95=percentile(latencies, 0.95) * 1000,
                   baseline_name="raw single-row INSERT (psycopg)",
                   baseline_median=statistics.median(raw_latencies) * 1000, ratio=rate / raw_rate,
                   notes=f"{rate:,.0f} reports/s vs {raw_rate:,.0f} rows/s raw (ratio = API/raw); "
                         f"{len(failures)} non-201 answers",
                   extra={"reports_per_second": rate, "raw_rows_per_second": raw_rate, "failures": len(failures)})]
