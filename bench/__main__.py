"""`make bench`: generate (or reuse) the benchmark city, run every benchmark, print the table,
write bench/results/latest.json. BENCH_SCALE=0.05 makes a quick small run."""
from __future__ import annotations

import importlib
import sys
import time

from bench.common import SCALE, bench_app, print_table, write_json
from bench.datagen import ensure_data

BENCHMARKS = ["bench.routing", "bench.nearby", "bench.mapview", "bench.inbox", "bench.leaderboards", "bench.ingest",
              "bench.e2e", "bench.botload", "bench.intake"]


def main(names: list[str]) -> None:
    app = bench_app()
    started = time.perf_counter()
    results = []
    with app.app_context():
        ensure_data(SCALE)
        print(f"  data ready: {time.perf_counter() - started:.0f}s", flush=True)
        for name in names or BENCHMARKS:
            module = importlib.import_module(name if name.startswith("bench.") else f"bench.{name}")
            print(f"running {module.__name__} …", flush=True)
            module_started = time.perf_counter()
            results.extend(module.run())
            print(f"  {module.__name__}: {time.perf_counter() - module_started:.0f}s", flush=True)
    print()
    print_table(results)
    print(f"\nwritten to {write_json(results)} ({time.perf_counter() - started:.0f}s in all, scale {SCALE})")


if __name__ == "__main__":
    main(sys.argv[1:])
