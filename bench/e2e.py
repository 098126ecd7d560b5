"""End to end: a report submitted → routed → the citizen told on Telegram, at a steady 50 reports/s.

Everything runs as in production: gunicorn (3 workers) serves the real API, `crowdgov worker`
processes (RQ workers running jobs in-process, one of them the scheduler) route the reports and push the
notifications, to a fake Telegram Bot API in this process that notes when each message reached it.
Citizens are created with a Telegram identity (a numeric chat id) and a token, one report each,
written in English.

Client threads submit reports open loop: report i is due at t0 + i/50 s whether or not the earlier
ones were answered. Every latency is counted from that due time, so a client that fell behind a
slow server adds to the figures instead of hiding them (the notes give the lag). Per report:
  - POST /api/v1/reports answered (201);
  - routed: the `routed` report event's timestamp (written by the worker just before its commit);
  - first push: the "received" notification reaching the fake Bot API;
  - routed push: the "sent to <department>" notification reaching it. Telegram allows one message
    a second per chat (TELEGRAM_PER_CHAT_INTERVAL_MS, left at its default), so this push waits for
    that second after the first one and then for the scheduler's next tick: expect 1–2 s more.
Matching is exact: each notification row holds the message id the fake answered with.

Three runs. First a steady one at a rate this 2-core machine carries with everything on it
(BENCH_E2E_STEADY_RATE, 6 reports/s), for latencies that are not queueing; then the target, 50
reports/s: its notes give the rate the API accepted and the rate the whole pipeline finished, the
ceiling. Both with TELEGRAM_GLOBAL_PER_SECOND raised out of the way (the fake has no limit), so they
measure the platform itself; 50 reports/s make 100 pushes/s, more than Telegram's real 30/s.
Third, a shorter run (half of the second) at the default 30/s: the drain rate of the pushes and how
long the backlog took to clear after the last report was in. Each run starts its own workers
after those of the run before have stopped and every earlier job is done.

Nothing lost: each run waits (polling) until every report is routed and no notification is
pending, then checks that each was sent exactly once: "not routed" counts reports; "lost" counts
the two pushes each report owes that never reached the fake (however they went missing) and any
other notification left unsent; "duplicates" counts sends beyond one per sent notification.
The wait ends DRAIN_SECONDS after the last report was in. What had not happened by then counts
as ∞ in the latencies (so a p95 of ∞ means more than 5% unfinished), "lost" is then unknown,
and the unfinished work is abandoned (queue emptied, its outbox rows closed and notifications
failed with last_error "abandoned: …") so the next run starts clean.

Environment: BENCH_E2E_RATE (50 reports/s), BENCH_E2E_SECONDS (8, the run at that rate),
BENCH_E2E_STEADY_RATE (6), BENCH_E2E_STEADY_SECONDS (20),
BENCH_E2E_WORKERS (`crowdgov worker` processes, 2 per core), BENCH_E2E_DRAIN_SECONDS (120).
The notes give the rate actually submitted and how many reports/s the whole pipeline finished.

Baseline (same run, same requests): the synchronous POST alone, i.e. what a citizen waits for
before the asynchronous part starts. The ratio shows how much of the end-to-end time is the
queue, the routing job and the pushes.
"""
from __future__ import annotations

import itertools
import os
import random
import statistics
import threading
import time
from dataclasses import dataclass

import httpx
from rq import Queue
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import func, select, update

from backend import embedded_services, jobqueue
from backend.accounts import service as accounts
from backend.accounts.models import Channel
from backend.clock import utcnow
from backend.extensions import db
from backend.feedback.models import DeliveryState, Notification
from backend.outbox.models import OutboxMessage
from backend.reports.models import EventKind, ReportEvent
from bench.common import Result, percentile
from bench.datagen import CATEGORIES, EXTENT
from bench.services import (RecordingTelegram, crowdgov, queue_name, rate_figures, running, serve, stop,
                            wait_healthy, wait_until)

RATE = float(os.environ.get("BENCH_E2E_RATE", "50"))        # reports per second, open loop
SECONDS = float(os.environ.get("BENCH_E2E_SECONDS", "8"))   # the run at RATE
STEADY_RATE = float(os.environ.get("BENCH_E2E_STEADY_RATE", "6"))  # a rate this machine carries
STEADY_SECONDS = float(os.environ.get("BENCH_E2E_STEADY_SECONDS", "20"))
BACKLOG_SECONDS = SECONDS * 0.5                              # the run at Telegram's default 30 messages/s
DRAIN_SECONDS = float(os.environ.get("BENCH_E2E_DRAIN_SECONDS", "120"))  # the longest wait after the last report
CLIENTS = 16                # enough threads that a POST taking 300 ms does not hold the schedule back
WORKERS = int(os.environ.get("BENCH_E2E_WORKERS", str(2 * (os.cpu_count() or 2))))
WARMUP = 6
UNLIMITED = 1_000_000
INF = float("inf")          # the latency of what had not happened when the wait ended


@dataclass
class Person:
    citizen_id: int
    chat_id: int
    token: str


@dataclass
class Sent:
    person: Person
    due: float               # wall clock (time.time()) the report was due
    lag: float               # how late the client actually sent it
    answered: float          # wall clock of the answer
    status: int
    report_id: int | None


@dataclass
class Outcome:
    sent: list[Sent]
    routed_at: dict[int, float]            # report id -> routed event time
    first_push: dict[int, float]           # report id -> "received" push arrival
    routed_push: dict[int, float]          # report id -> "routed" push arrival
    arrivals: list[float]                  # every push to these citizens reaching the fake
    other_pushes: int                      # pushes besides the two per report (badges, levels …)
    missing: int                           # pushes owed and not seen at the fake, other notifications unsent
    duplicates: int
    unrouted: int
    finished: bool                         # everything done before the wait ended

    @property
    def lost(self) -> str:
        return str(self.missing) if self.finished else f"unknown ({self.missing} pushes unfinished, counted as ∞)"

    @property
    def ok(self) -> list[Sent]:
        return [s for s in self.sent if s.status == 201]


def _people(n: int) -> list[Person]:
    """Citizens with a Telegram chat id (unique to this run) and a token."""
    base = int(time.time() * 1000) * 10
    citizens = [accounts.create_citizen(f"E2E citizen {i}", "en", identity=(Channel.TELEGRAM, str(base + i)))
                for i in range(n)]
    db.session.flush()
    tokens = [accounts.issue_token(c, "bench e2e") for c in citizens]
    db.session.commit()
    return [Person(c.id, base + i, t) for i, (c, t) in enumerate(zip(citizens, tokens))]


def _body(rng: random.Random) -> dict:
    minx, miny, maxx, maxy = EXTENT
    return {"category": f"c{rng.randint(1, CATEGORIES)}", "lat": rng.uniform(miny + 0.01, maxy - 0.01),
            "long": rng.uniform(minx + 0.01, maxx - 0.01), "description": "bench e2e pothole"}


def _submit(base: str, people: list[Person], rate: float, seed: int) -> list[Sent]:
    """Open loop: report i goes out at t0 + i/rate from whichever client thread is free."""
    rng = random.Random(seed)
    bodies = [_body(rng) for _ in people]
    results: list[Sent | None] = [None] * len(people)
    counter, lock = itertools.count(), threading.Lock()
    t0 = time.time() + 0.5
    errors: list[BaseException] = []

    def client() -> None:
        try:
            with httpx.Client(base_url=base, timeout=120) as http:
                while True:
                    with lock:
                        i = next(counter)
                    if i >= len(people):
                        return
                    due = t0 + i / rate
                    delay = due - time.time()
                    if delay > 0:
                        time.sleep(delay)  # pacing the schedule, not waiting for work
                    started = time.time()
                    try:
                        response = http.post("/api/v1/reports", json=bodies[i],
                                             headers={"Authorization": f"Bearer {people[i].token}"})
                        status = response.status_code
                    except httpx.HTTPError:  # a worker killed by gunicorn's timeout, a reset: not accepted
                        status = 0
                    answered = time.time()
                    report_id = response.json().get("id") if status == 201 else None
                    results[i] = Sent(people[i], due, max(0.0, started - due), answered, status, report_id)
        except BaseException as exc:  # noqa: BLE001 (re-raised in the main thread)
            errors.append(exc)

    threads = [threading.Thread(target=client, name=f"e2e-client-{k}") for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]


def _state(citizen_ids: list[int], report_ids: list[int]) -> tuple[int, int, int]:
    """(routed, unrouted, notifications still pending), read afresh."""
    db.session.rollback()
    routed = db.session.scalar(select(func.count()).select_from(ReportEvent).where(
        ReportEvent.kind == EventKind.ROUTED, ReportEvent.report_id.in_(report_ids)))
    unrouted = db.session.scalar(select(func.count()).select_from(ReportEvent).where(
        ReportEvent.kind == EventKind.UNROUTED, ReportEvent.report_id.in_(report_ids)))
    pending = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.state == DeliveryState.PENDING, Notification.citizen_id.in_(citizen_ids)))
    db.session.rollback()
    return routed, unrouted, pending


def _wait_done(sent: list[Sent], workers, limit: float) -> bool:
    """Poll until every report is routed and no push is pending, at most `limit` seconds after the
    last answer; returns whether everything was done."""
    citizen_ids = [s.person.citizen_id for s in sent]
    report_ids = [s.report_id for s in sent if s.report_id is not None]

    def done() -> bool:
        routed, unrouted, pending = _state(citizen_ids, report_ids)
        if unrouted:
            raise RuntimeError(f"{unrouted} reports found no department (is the bench city there?)")
        return routed == len(report_ids) and pending == 0

    left = max(s.answered for s in sent) + limit - time.time()
    try:
        wait_until(done, left, "every report routed and every push sent", interval=0.25, alive=workers)
        return True
    except TimeoutError:
        routed, _unrouted, pending = _state(citizen_ids, report_ids)
        print(f"  e2e: stopped waiting {limit:.0f} s after the last report: {routed}/{len(report_ids)} routed, "
              f"{pending} pushes pending", flush=True)
        return False


def _abandon(outbox_floor: int, citizen_ids: list[int]) -> None:
    """The wait ended with work left: drop it, so that the next run starts clean (the workers are
    stopped). Its outbox rows are closed and its pending notifications failed, marked as abandoned."""
    queue = Queue(queue_name(), connection=jobqueue.redis_connection())
    queue.empty()
    scheduled = ScheduledJobRegistry(queue=queue)
    for job_id in scheduled.get_job_ids():
        scheduled.remove(job_id, delete_job=True)
    note = "abandoned: bench/e2e stopped waiting"
    db.session.rollback()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id > outbox_floor, OutboxMessage.done_at.is_(None))
                       .values(done_at=utcnow(), last_error=note))
    db.session.execute(update(Notification).where(Notification.citizen_id.in_(citizen_ids),
                                                  Notification.state == DeliveryState.PENDING)
                       .values(state=DeliveryState.FAILED, last_error=note))
    db.session.commit()


def _settle(workers) -> None:
    """Let the workers finish whatever an earlier run left (ingest's routing jobs, stale outbox rows)."""
    connection = jobqueue.redis_connection()
    queue = Queue(queue_name(), connection=connection)
    queue.enqueue("backend.outbox.jobs.sweep", result_ttl=60)
    queue.enqueue("backend.feedback.jobs.sweep", result_ttl=60)
    started = StartedJobRegistry(queue=queue)
    idle_polls = []

    def idle() -> bool:
        idle_polls.append(queue.count == 0 and started.count == 0)
        return len(idle_polls) >= 3 and all(idle_polls[-3:])

    wait_until(idle, 600, "the workers to finish earlier jobs", interval=0.2, alive=workers)


def _collect(fake: RecordingTelegram, sent: list[Sent], finished: bool) -> Outcome:
    ok = [s for s in sent if s.report_id is not None]
    report_ids = {s.report_id for s in ok}
    citizen_ids = [s.person.citizen_id for s in sent]
    db.session.rollback()
    routed_at = {rid: at.timestamp() for rid, at in db.session.execute(
        select(ReportEvent.report_id, ReportEvent.created_at).where(
            ReportEvent.kind == EventKind.ROUTED, ReportEvent.report_id.in_(report_ids)))}
    first_push, routed_push = {}, {}
    other = other_unsent = sent_rows = 0
    for report_id, payload, state, message_id in db.session.execute(
            select(Notification.report_id, Notification.payload, Notification.state,
                   Notification.external_message_id).where(Notification.citizen_id.in_(citizen_ids))):
        arrival = fake.arrived.get(int(message_id)) if message_id else None
        event = (payload or {}).get("event")
        ours = report_id in report_ids and event in ("submitted", "routed")
        if state != DeliveryState.SENT or arrival is None:
            other_unsent += 0 if ours else 1
            continue
        sent_rows += 1
        if not ours:
            other += 1
        elif event == "submitted":
            first_push[report_id] = arrival
        else:
            routed_push[report_id] = arrival
    db.session.rollback()
    # Every report owes two pushes (received, routed): one missing at the fake is lost, however it went
    # missing (not routed, never pushed, pushed and not marked sent); so is any other notification not sent.
    missing = sum((rid not in first_push) + (rid not in routed_push) for rid in report_ids) + other_unsent
    with fake.cond:
        arrivals = [at for s in sent for at, _text in fake.by_chat.get(str(s.person.chat_id), [])]
    return Outcome(sent=sent, routed_at=routed_at, first_push=first_push, routed_push=routed_push, arrivals=arrivals,
                   other_pushes=other, missing=missing, duplicates=max(0, len(arrivals) - sent_rows),
                   unrouted=len(report_ids) - len(routed_at), finished=finished)


def _phase(name: str, base: str, fake: RecordingTelegram, people: list[Person], warm: list[Person], *,
           rate: float, global_per_second: int, seed: int) -> Outcome:
    """Start the workers with this global limit, warm up, run the schedule, wait until all is done
    (or DRAIN_SECONDS have passed since the last report was in)."""
    connection = jobqueue.redis_connection()
    # The queue is this benchmark database's own: a scheduler lock left by a killed run is ours to clear.
    connection.delete(f"rq:scheduler-lock:{queue_name()}")
    env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.url,
           "TELEGRAM_GLOBAL_PER_SECOND": str(global_per_second)}
    workers = tuple(crowdgov("worker", log=f"e2e-{name}-worker-{k}", **env) for k in range(1, WORKERS + 1))
    with running(*workers):
        _settle(workers)
        warm_sent = _submit(base, warm, rate=5, seed=seed + 1)
        if not _wait_done(warm_sent, workers, 300):
            raise RuntimeError("the warm-up reports were not all routed and pushed within 300 s")
        outbox_floor = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
        db.session.rollback()
        sent = _submit(base, people, rate=rate, seed=seed)
        finished = _wait_done(sent, workers, DRAIN_SECONDS)
        outcome = _collect(fake, sent, finished)
    if not finished:
        _abandon(outbox_floor, [s.person.citizen_id for s in sent])
    return outcome


def _ms(values: list[float]) -> tuple[float, float]:
    return statistics.median(values) * 1000, percentile(values, 0.95) * 1000


def run() -> list[Result]:
    steady_n, main_n, backlog_n = int(STEADY_RATE * STEADY_SECONDS), int(RATE * SECONDS), int(RATE * BACKLOG_SECONDS)
    people = _people(steady_n + main_n + backlog_n + 3 * WARMUP)
    steady_people = people[:steady_n]
    main_people = people[steady_n:steady_n + main_n]
    backlog_people = people[steady_n + main_n:steady_n + main_n + backlog_n]
    warm0, warm1, warm2 = people[-3 * WARMUP:-2 * WARMUP], people[-2 * WARMUP:-WARMUP], people[-WARMUP:]
    port = embedded_services.free_port()
    base = f"http://127.0.0.1:{port}"
    fake = RecordingTelegram().start()
    server = None
    try:
        # The API process decides whether a citizen is reachable on Telegram: it needs the bot's token too.
        server = serve(port, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.url)
        wait_healthy(base)
        steady = _phase("steady", base, fake, steady_people, warm0, rate=STEADY_RATE, global_per_second=UNLIMITED,
                        seed=10)
        main = _phase("main", base, fake, main_people, warm1, rate=RATE, global_per_second=UNLIMITED, seed=11)
        backlog = _phase("backlog", base, fake, backlog_people, warm2, rate=RATE, global_per_second=30, seed=12)
    finally:
        if server is not None:
            stop(server)
        fake.stop()
    return _main_results(steady, STEADY_RATE) + _main_results(main, RATE) + _backlog_results(backlog)


def _main_results(o: Outcome, rate: float) -> list[Result]:
    ok = o.ok
    if not ok:
        raise RuntimeError(f"no report was accepted: {sorted({s.status for s in o.sent})}")
    post = [s.answered - s.due for s in ok]
    routed = [o.routed_at.get(s.report_id, INF) - s.due for s in ok]
    first = [o.first_push.get(s.report_id, INF) - s.due for s in ok]
    routed_push = [o.routed_push.get(s.report_id, INF) - s.due for s in ok]
    starts = sorted(s.due + s.lag for s in o.sent)
    achieved = (len(starts) - 1) / (starts[-1] - starts[0]) if len(starts) > 1 else 0.0
    lag_p95 = percentile([s.lag for s in o.sent], 0.95)
    finished = [o.routed_push[s.report_id] for s in ok if s.report_id in o.routed_push]
    pipeline = len(finished) / (max(finished) - starts[0]) if len(finished) > 1 else 0.0
    post_med, post_p95 = _ms(post)
    notes = (f"submitted at {achieved:.1f}/s (target {rate:.0f}), client lag p95 {lag_p95 * 1000:.0f} ms; "
             f"{WORKERS} workers finished {pipeline:.1f} reports/s end to end; {len(o.sent)} reports "
             f"({len(o.sent) - len(ok)} not 201), not routed {o.unrouted}, lost {o.lost}, "
             f"duplicates {o.duplicates}, other pushes {o.other_pushes}")
    extra = {"reports": len(o.sent), "non_201": len(o.sent) - len(ok), "not_routed": o.unrouted, "finished": o.finished,
             "lost": o.missing if o.finished else None, "duplicates": o.duplicates, "other_pushes": o.other_pushes, "target_rate": rate,
             "achieved_rate": achieved, "client_lag_p95_s": lag_p95, "pipeline_reports_per_second": pipeline,
             "workers": WORKERS}
    results = []

    def add(name: str, samples: list[float], notes: str = "") -> None:
        if not samples:
            results.append(Result(name=name, unit="ms", median=float("nan"), p95=float("nan"), notes="no samples"))
            return
        med, p95 = _ms(samples)
        results.append(Result(name=name, unit="ms", median=med, p95=p95, baseline_name="POST /reports alone (same run)",
                              baseline_median=post_med, ratio=post_med / med if med else None, notes=notes,
                              extra={**extra, "samples": len(samples)}))

    add(f"e2e submit → routed push @{rate:.0f}/s", routed_push, notes)
    add(f"e2e submit → first push @{rate:.0f}/s", first)
    add(f"e2e submit → routed (event) @{rate:.0f}/s", routed)
    results.append(Result(name=f"e2e POST /reports @{rate:.0f}/s, open loop", unit="ms", median=post_med, p95=post_p95,
                          notes="from the due time; the baseline of the rows above", extra=extra))
    return results


def _backlog_results(o: Outcome) -> list[Result]:
    ok = o.ok
    last_in = max(s.answered for s in o.sent)
    first_in = min(s.due + s.lag for s in o.sent)
    arrivals = sorted(o.arrivals)
    drain, held = rate_figures(arrivals)
    cleared = arrivals[-1] - last_in if arrivals and o.finished else INF
    routed_push = [o.routed_push.get(s.report_id, INF) - s.due for s in ok]
    p95_s = percentile(routed_push, 0.95) if routed_push else float("nan")
    owed = 2 * len(ok) + o.other_pushes
    floor = owed / 30 - (last_in - first_in)
    return [Result(name="e2e push drain at Telegram's 30 msg/s", unit="msg/s", median=drain, p95=held,
                   baseline_name="TELEGRAM_GLOBAL_PER_SECOND = 30", baseline_median=30.0, ratio=drain / 30,
                   notes=(f"{len(o.sent)} reports at {RATE:.0f}/s → {len(arrivals)} of {owed} pushes delivered; backlog cleared "
                          f"{cleared:.1f} s after the last report was in (≥ {max(0.0, floor):.1f} s at exactly 30/s); "
                          f"submit → routed push p95 {p95_s:.1f} s; not routed {o.unrouted}, lost {o.lost}, "
                          f"duplicates {o.duplicates}; p95 column = rate held in 95% of 1-s windows"),
                   extra={"reports": len(o.sent), "non_201": len(o.sent) - len(ok), "pushes": len(arrivals),
                          "backlog_cleared_s": cleared, "not_routed": o.unrouted, "finished": o.finished,
                          "lost": o.missing if o.finished else None, "duplicates": o.duplicates, "routed_push_p95_s": p95_s})]
