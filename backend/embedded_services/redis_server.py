"""The private Redis: a redis-server working in var/redis on a free port."""
from __future__ import annotations

import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from backend.embedded_services.processes import (ATTEMPTS, WHAT_NEXT, ServicesError, failure, free_port, log_since,
                                                   run, file_size)


def _client(port: int) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1, retry=Retry(NoBackoff(), 0))


def redis_alive(port: int) -> bool:
    try:
        return bool(_client(port).ping())
    except redis.RedisError:
        return False


def redis_serves(port: int | None, directory: Path) -> bool:
    """Whether our own redis-server (the one working in `directory`) answers on port."""
    if not port:
        return False
    try:
        return Path(_client(port).config_get("dir").get("dir", "")).resolve() == directory.resolve()
    except redis.RedisError:
        return False


class RedisPortTaken(ServicesError):
    def __init__(self, port: int):
        super().__init__(f"Port {port} is taken.")


def start_redis(directory: Path, port: int) -> None:
    """Start a redis-server working in directory on port; RedisPortTaken when another process has the port."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServicesError(f"Could not prepare Redis's directory {directory}: {exc}\n{WHAT_NEXT}") from None
    log = directory / "redis.log"
    offset = file_size(log)
    result = run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--daemonize", "yes", "--dir", str(directory), "--pidfile", str(directory / "redis.pid"),
                   "--logfile", str(log)])
    if result.returncode != 0:
        raise failure(f"Redis did not start on port {port}.", result, log, since=offset)
    # It daemonizes before it binds: a taken port shows only in its log (and another server may answer there).
    for _ in range(100):
        if redis_serves(port, directory):
            return
        if "Address already in use" in log_since(log, offset):
            raise RedisPortTaken(port)
        time.sleep(0.05)
    raise failure(f"Redis did not answer on port {port}.", log=log, since=offset)


def stop_redis(directory: Path, port: int | None) -> None:
    if port and redis_alive(port):
        try:
            _client(port).shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it goes


def redis_up(directory: Path, recorded_port: int | None) -> int:
    if redis_serves(recorded_port, directory):
        return recorded_port
    for _attempt in range(ATTEMPTS):
        port = free_port()
        try:
            start_redis(directory, port)
            return port
        except RedisPortTaken:
            continue
    raise failure(f"Redis found no free port in {ATTEMPTS} attempts.", log=directory / "redis.log")
