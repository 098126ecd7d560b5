"""The embedded default: a private PostgreSQL+PostGIS cluster and a private Redis per checkout.

Started from the system's binaries on free ports of 127.0.0.1; the URLs and where the files
live are recorded in var/services.json, where `backend.config` and every later command find them.
Where the cluster lives and why: `postgres.py`. Every failure says what the tool itself said
(its stderr and the tail of its log) and what to do.
"""
from __future__ import annotations

import json
import os
import shutil

from backend import config
from backend.embedded_services.packages import install_packages, missing_packages, pg_bindir
from backend.embedded_services.postgres import Cluster, belongs_to, cluster_root, ensure_database, pg_url, postgres_up
from backend.embedded_services.processes import ServicesError, free_port
from backend.embedded_services.redis_server import redis_serves, redis_up, start_redis, stop_redis

__all__ = ["ServicesError", "down", "ensure_database", "ensure_up_if_embedded", "free_port", "start_redis",
           "status", "stop_redis", "up"]


def _using_external() -> bool:
    return bool(os.environ.get("DATABASE_URL")) and bool(os.environ.get("REDIS_URL"))


def _write_record(record: dict) -> None:
    path = config.services_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2))


def up(echo=print) -> dict:
    """Start (or find running) the private services; return the recorded URLs. Idempotent."""
    if _using_external():
        echo("DATABASE_URL and REDIS_URL are set: using those services, nothing to start.")
        return {"database_url": os.environ["DATABASE_URL"], "redis_url": os.environ["REDIS_URL"]}
    install_packages(missing_packages(), echo)
    record = config.recorded_services()
    var = config.var_dir()
    pg = Cluster(pg_bindir(), cluster_root(var, record))
    pg_port = postgres_up(pg, var)
    redis_dir = var / "redis"
    redis_port = redis_up(redis_dir, record.get("redis_port"))
    record = {
        "database_url": pg_url(pg_port),
        "redis_url": f"redis://127.0.0.1:{redis_port}/0",
        "postgres_port": pg_port,
        "redis_port": redis_port,
        "postgres_root": str(pg.root),
        "postgres_data": str(pg.data),
        "postgres_log": str(pg.log),
        "redis_dir": str(redis_dir),
    }
    _write_record(record)
    echo(f"PostgreSQL+PostGIS  {record['database_url']}  (files in {pg.root})")
    echo(f"Redis               {record['redis_url']}")
    return record


def _recorded_cluster() -> Cluster | None:
    bindir = pg_bindir()
    if bindir is None:
        return None
    var = config.var_dir()
    return Cluster(bindir, cluster_root(var, config.recorded_services()))


def down(echo=print, purge: bool = False) -> None:
    """Stop the private services; with purge also delete their files (the database is lost)."""
    record = config.recorded_services()
    var = config.var_dir()
    pg = _recorded_cluster()
    if pg is not None:
        pg.stop()
    redis_dir = var / "redis"
    if redis_serves(record.get("redis_port"), redis_dir):
        stop_redis(redis_dir, record.get("redis_port"))
    echo("Embedded PostgreSQL and Redis stopped.")
    if purge:
        for path in ([pg.root] if pg is not None and belongs_to(pg.root, var) else []) + [redis_dir]:
            shutil.rmtree(path, ignore_errors=True)
        config.services_file().unlink(missing_ok=True)
        echo(f"Their files are deleted{f' ({pg.root})' if pg is not None else ''}.")


def status() -> dict[str, str]:
    """What runs where, as human-readable lines per service."""
    if _using_external():
        return {"postgres": f"external: {os.environ['DATABASE_URL']}", "redis": f"external: {os.environ['REDIS_URL']}"}
    record = config.recorded_services()
    pg = _recorded_cluster()
    port = pg.port() if pg is not None and pg.running() else None
    result = {"postgres": f"running at {pg_url(port)}  (files in {pg.root})" if port else "stopped"}
    redis_port = record.get("redis_port")
    result["redis"] = (f"running at {record.get('redis_url')}" if redis_serves(redis_port, config.var_dir() / "redis")
                       else "stopped")
    return result


def ensure_up_if_embedded(echo=print) -> None:
    """Used by CLI commands so that `crowdgov web` etc. work without a prior `services up`."""
    if _using_external():
        return
    st = status()
    if any(v == "stopped" for v in st.values()):
        up(echo)
