"""What every benchmark shares: the benchmark database, timing, and the result table."""
from __future__ import annotations

import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import make_url

from backend import config, create_app, embedded_services

RESULTS_DIR = Path(__file__).parent / "results"
SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))


def bench_database_url() -> str:
    base = make_url(config.database_url())
    return base.set(database=f"{base.database}_bench").render_as_string(hide_password=False)


def bench_app():
    """The app pointed at the benchmark database (created on the project's PostgreSQL)."""
    url = make_url(bench_database_url())
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    embedded_services.ensure_database(admin, url.database)
    redis_url = config.redis_url().rsplit("/", 1)[0] + "/9"
    return create_app({"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
                       "REDIS_URL": redis_url, "RQ_QUEUE": "crowdgov-bench",
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 20}})


def timed(fn: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Result:
    name: str
    unit: str
    median: float
    p95: float
    baseline_name: str = ""
    baseline_median: float | None = None
    ratio: float | None = None   # baseline / ours for latencies, ours / baseline for rates
    notes: str = ""
    extra: dict = field(default_factory=dict)


def latency_result(name: str, samples: list[float], baseline_name: str = "", baseline: list[float] | None = None,
                   notes: str = "") -> Result:
    med = statistics.median(samples) * 1000
    result = Result(name=name, unit="ms", median=med, p95=percentile(samples, 0.95) * 1000, notes=notes)
    if baseline:
        result.baseline_name = baseline_name
        result.baseline_median = statistics.median(baseline) * 1000
        result.ratio = result.baseline_median / med if med else None
    return result


def print_table(results: list[Result]) -> None:
    header = f"{'benchmark':44} {'unit':6} {'median':>10} {'p95':>10}   {'baseline':34} {'base med':>10} {'ratio':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        base = f"{r.baseline_median:10.2f}" if r.baseline_median is not None else f"{'':10}"
        ratio = f"{r.ratio:7.1f}x" if r.ratio is not None else f"{'':8}"
        print(f"{r.name:44} {r.unit:6} {r.median:10.2f} {r.p95:10.2f}   {r.baseline_name:34} {base} {ratio}")
        if r.notes:
            print(f"{'':44} {r.notes}")


def write_json(results: list[Result], path: Path | None = None) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = path or RESULTS_DIR / "latest.json"
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "scale": SCALE}
    path.write_text(json.dumps({"machine": machine, "results": [asdict(r) for r in results]}, indent=2))
    return path
