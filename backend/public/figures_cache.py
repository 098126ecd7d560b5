"""The dashboard's figures, kept in Redis for a few minutes: with a million reports they take
seconds to compute, and they change slowly. Redis down → computed on every request."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from flask import current_app
from redis.exceptions import RedisError

from backend.jobqueue import redis_connection
from backend.disclosure import statistics
from backend.disclosure.statistics import Figures, Week


def _get(key: str) -> Any:
    try:
        raw = redis_connection().get(key)
    except RedisError:
        return None
    return json.loads(raw) if raw else None


def _put(key: str, value: Any) -> None:
    ttl = current_app.config["STATS_CACHE_SECONDS"]
    try:
        redis_connection().set(key, json.dumps(value, default=str), ex=ttl)
    except RedisError:
        pass


def _cached(key: str, compute, load, dump):
    if current_app.config["STATS_CACHE_SECONDS"] <= 0:
        return compute()
    key = f"crowdgov:stats:{key}"
    hit = _get(key)
    if hit is not None:
        return load(hit)
    value = compute()
    _put(key, dump(value))
    return value


def by_department(language: str) -> list[Figures]:
    return _cached(f"departments:{language}", lambda: statistics.by_department(language),
                   lambda rows: [Figures(**r) for r in rows], lambda rows: [asdict(r) for r in rows])


def by_category(language: str) -> list[Figures]:
    return _cached(f"categories:{language}", lambda: statistics.by_category(language),
                   lambda rows: [Figures(**r) for r in rows], lambda rows: [asdict(r) for r in rows])


def weekly() -> list[Week]:
    return _cached("weekly", statistics.weekly,
                   lambda rows: [Week(date.fromisoformat(r["week_start"]), r["received"], r["resolved"],
                                      r["median_resolve_hours"]) for r in rows],
                   lambda rows: [asdict(r) for r in rows])
