"""Leaderboards over the ledger: read from the pre-aggregated board table, against the GROUP BY over
the whole ledger a naive implementation runs per request."""
from __future__ import annotations

from sqlalchemy import text

from backend.extensions import db
from backend.incentives import boards
from bench.common import Result, latency_result, timed

NAIVE = text("""SELECT citizen_id, SUM(amount) AS points FROM point_entries
                WHERE created_at >= :since GROUP BY citizen_id ORDER BY points DESC LIMIT 10""")


def run(repeat: int = 50) -> list[Result]:
    entries = db.session.execute(text("SELECT count(*) FROM point_entries")).scalar()
    results = []
    for period, district in (("all", None), ("week", None), ("month", 1)):
        samples = timed(lambda: boards.board(period, district_id=district, limit=10), repeat)
        label = f"leaderboard {period}" + (" (one district)" if district else " (city)")
        if period == "all":
            base = timed(lambda: db.session.execute(NAIVE, {"since": "1970-01-01"}).all(), 3, warmup=1)
            results.append(latency_result(label, samples, "GROUP BY over the ledger", base,
                                          notes=f"{entries:,} ledger entries"))
        else:
            results.append(latency_result(label, samples))
    return results
