"""The processes the end-to-end benchmarks start, and how they stop.

gunicorn serving the real API, `crowdgov worker` (the RQ worker with its scheduler), `crowdgov bot`,
and a fake Telegram Bot API that stamps the time each message reaches it. Every process runs the
code of this checkout (PYTHONPATH), against the benchmark database and Redis, on an RQ queue of
its own (named after the benchmark database, so two checkouts sharing one Redis never take each
other's jobs). Each runs in its own process group and is stopped by that group, on error too.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import httpx
from flask import current_app
from sqlalchemy.engine import make_url

from bench.common import RESULTS_DIR
from tests.fakes.telegram_api import FakeTelegram

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def queue_name() -> str:
    """The RQ queue of the processes started here (one per benchmark database)."""
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    return f"crowdgov-bench:{database}"


def service_env(**extra: str) -> dict[str, str]:
    """The environment of every process started here: this checkout's code, the benchmark
    database and Redis, the bench queue, the app's secrets, and no request rate limits."""
    config = current_app.config
    path = [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path), DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=config["REDIS_URL"], RQ_QUEUE=queue_name(), SECRET_KEY=config["SECRET_KEY"],
               BOT_CHANNEL_SECRET=config["BOT_CHANNEL_SECRET"], API_RATE_LIMIT_REPORTS="1000000 per hour",
               API_RATE_LIMIT_PER_CITIZEN="1000000 per minute", API_RATE_LIMIT_PER_IP="1000000 per minute")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def log_file(name: str):
    """Where a chatty process (RQ logs every job) writes, instead of the benchmark's table:
    bench/results/<name>.log, one per process, started afresh."""
    RESULTS_DIR.mkdir(exist_ok=True)
    return open(RESULTS_DIR / f"{name}.log", "wb")


def serve(port: int, workers: int = 3, **env: str) -> subprocess.Popen:
    """gunicorn serving the real app (the production server) on 127.0.0.1:port."""
    return subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                             "--log-level", "warning", "backend:create_app()"],
                            env=service_env(**env), cwd=PROJECT_ROOT, start_new_session=True)


def wait_healthy(base: str, timeout: float = 60.0) -> None:
    """Poll /healthz until the server answers 200."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base} did not come up within {timeout:.0f}s")
        threading.Event().wait(0.2)


def crowdgov(command: str, *, log: str, **env: str) -> subprocess.Popen:
    """`crowdgov <command>` (worker, bot …) as a process group of its own, its output to a log file."""
    with log_file(log) as out:
        return subprocess.Popen([str(BIN / "crowdgov"), command], env=service_env(**env), cwd=PROJECT_ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGTERM to the process's group (a warm shutdown), SIGKILL if it is still there after `timeout`."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


@contextmanager
def running(*processes: subprocess.Popen) -> Iterator[tuple[subprocess.Popen, ...]]:
    """Stop the processes (in reverse order) however the block ends."""
    try:
        yield processes
    finally:
        for p in reversed(processes):
            stop(p)


def check_alive(*processes: subprocess.Popen) -> None:
    for p in processes:
        if p.poll() is not None:
            raise RuntimeError(f"{' '.join(map(str, p.args))} exited with {p.returncode} (see bench/results/*.log)")


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.1,
               alive: tuple[subprocess.Popen, ...] = ()) -> object:
    """Poll `predicate` until it is true; raise after `timeout` seconds (or when a process died)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        check_alive(*alive)
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        threading.Event().wait(interval)


class RecordingTelegram(FakeTelegram):
    """The fake Bot API, also noting when each message reached it (wall clock, time.time()).

    Its answers go out with TCP_NODELAY (in FakeTelegram): without it Nagle's algorithm adds about
    40 ms per request that is the fake's, not Telegram's nor ours (an echo bot: 21 → 250 updates/s).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.arrived: dict[int, float] = {}                        # message id -> arrival time
        self.by_chat: dict[str, list[tuple[float, str]]] = defaultdict(list)  # chat -> [(arrival, text)]

    def _dispatch(self, method: str, params: dict) -> tuple[int, dict]:
        arrival = time.time()
        status, payload = super()._dispatch(method, params)
        if method == "sendMessage" and status == 200:
            with self.cond:
                self.arrived[payload["result"]["message_id"]] = arrival
                self.by_chat[str(params.get("chat_id"))].append((arrival, str(params.get("text") or "")))
                self.cond.notify_all()  # waiters woken by the parent's notify looked before this was noted
        return status, payload

    def getupdates_calls(self) -> int:
        with self.cond:
            return sum(1 for method, _params in self.calls if method == "getUpdates")


def rate_figures(times: list[float], start: float | None = None) -> tuple[float, float]:
    """(overall rate, the rate held in 95% of the whole 1-second windows) of events at `times`."""
    if not times:
        return 0.0, 0.0
    ordered = sorted(times)
    start = ordered[0] if start is None else start
    span = ordered[-1] - start
    overall = len(ordered) / span if span > 0 else float("inf")
    windows = int(span)
    if windows < 1:
        return overall, overall
    counts = [0] * windows
    for t in ordered:
        index = int(t - start)
        if index < windows:
            counts[index] += 1
    counts.sort()
    return overall, float(counts[int(0.05 * (windows - 1))])
