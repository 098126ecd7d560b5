"""The bot under load: updates/s through the fake Telegram Bot API with the real API behind it.

`crowdgov bot` (the production entry point: long polling, Redis persistence) runs as its own
process against a fake Bot API in this process; gunicorn (3 workers) serves the real API on the
benchmark database. Many distinct Telegram users (English) each send /start (a channel login),
/points and /my (one API call each, logging in first when the bot has no token for them) and
/help (no API call), in a seeded random order.

  - one at a time: an update is queued only after the previous one was answered, so the latency
    (update queued at the fake → the bot's reply reaching it) is the service time alone;
  - burst: every update of USERS users is queued at once; updates/s is counted from the first
    update queued to the last reply, per-update latency includes the wait in the queue. The p95
    column of the rate row is the rate held in 95% of the 1-second windows.
Every reply is matched to its update by chat and by what it says; errors ("Sorry, something went
wrong") and updates never answered are counted in the notes.

Baseline, same run, same fake, same updates: the same framework (python-telegram-bot's Application,
long polling, the builder's defaults) with a one-line echo handler and no API calls, as its own
process too: the ceiling PTB and this transport allow. The echo bot keeps the builder's defaults
(one update at a time); the real bot handles up to 32 chats at once, each chat's updates in order
(bot/update_order.py), so in the burst it is bounded by the API behind it. The fake answers with TCP_NODELAY
(bench/services.py says why).
"""
from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app

from backend import embedded_services, jobqueue
from bench.common import Result, percentile
from bench.services import (PROJECT_ROOT, RecordingTelegram, crowdgov, log_file, rate_figures, running, serve,
                            service_env, stop, wait_healthy, wait_until)

USERS = 150
COMMANDS = ("/start", "/points", "/my", "/help")
SERIAL_USERS = 10           # one at a time: 10 users x 4 commands
WARM_USERS = 2
STALL_SECONDS = 60          # give up waiting for replies when none came for this long
PERSISTENCE_KEY = "crowdgov:bot:user_data"   # bot/persistence.py's default prefix

# What the real bot says first in its answer to each command (English); the echo bot says the command.
ANSWERS = {"/start": ("Welcome to CrowdGov",), "/points": ("⭐ Your points",),
           "/my": ("You have not reported anything yet", "Your reports"), "/help": ("/report — report a problem",)}
ERROR = "Sorry, something went wrong"


def real_command(text: str) -> str | None:
    for command, starts in ANSWERS.items():
        if text.startswith(starts):
            return command
    return None


def echo_command(text: str) -> str | None:
    return text if text in COMMANDS else None


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)      # arrival times of the matched replies
    first_queued: float = 0.0
    errors: int = 0
    unanswered: int = 0
    unexpected: int = 0

    @property
    def rate(self) -> tuple[float, float]:
        return rate_figures(self.replies, start=self.first_queued)


def _wait_replies(fake: RecordingTelegram, users: list[int], expected: int, bot: subprocess.Popen) -> None:
    """Wait (on the fake's condition) until the users got `expected` messages; give up when none
    arrived for STALL_SECONDS or the bot died."""
    def count() -> int:
        return sum(len(fake.by_chat.get(str(u), ())) for u in users)

    last, moved = -1, time.monotonic()
    while True:
        try:
            fake.wait_for(lambda: count() >= expected, timeout=2)
            return
        except AssertionError:
            pass
        if bot.poll() is not None:
            raise RuntimeError(f"the bot exited with {bot.returncode} (see bench/results/botload-*.log)")
        now = count()
        if now != last:
            last, moved = now, time.monotonic()
        elif time.monotonic() - moved > STALL_SECONDS:
            print(f"  botload: gave up waiting: {now}/{expected} replies", flush=True)
            return


def _match(fake: RecordingTelegram, sent: list[tuple[int, str, float]], classify: Callable[[str], str | None],
           phase: Phase) -> None:
    """Pair each reply with the earliest unanswered update of the same command in the same chat."""
    waiting: dict[tuple[int, str], list[float]] = {}
    for user, command, queued in sent:
        waiting.setdefault((user, command), []).append(queued)
    with fake.cond:
        replies = {user: list(fake.by_chat.get(str(user), ())) for user in {u for u, _c, _q in sent}}
    for user, messages in replies.items():
        for arrival, text in messages:
            command = classify(text)
            queue = waiting.get((user, command)) if command else None
            if queue:
                phase.latencies.append(arrival - queue.pop(0))
                phase.replies.append(arrival)
            elif text.startswith(ERROR):
                phase.errors += 1
            else:
                phase.unexpected += 1
    phase.unanswered = sum(len(q) for q in waiting.values())


def _bot_phases(start_bot: Callable[[RecordingTelegram], subprocess.Popen], classify: Callable[[str], str | None],
                user_base: int, seed: int) -> tuple[Phase, Phase]:
    rng = random.Random(seed)
    fake = RecordingTelegram().start()
    try:
        bot = start_bot(fake)
        with running(bot):
            wait_until(fake.getupdates_calls, 120, "the bot to poll for updates", alive=(bot,))
            # Warm-up (not measured): the API's workers, the bot's first calls.
            warm = [user_base + i for i in range(WARM_USERS)]
            for user in warm:
                for n, command in enumerate(COMMANDS, 1):
                    fake.user_text(user, command)
                    _wait_replies(fake, [user], n, bot)
            # One at a time.
            serial = Phase()
            serial_users = [user_base + WARM_USERS + i for i in range(SERIAL_USERS)]
            pairs = [(u, c) for u in serial_users for c in COMMANDS]
            rng.shuffle(pairs)
            sent = []
            for user, command in pairs:
                before = len(fake.by_chat.get(str(user), ()))
                queued = time.time()
                fake.user_text(user, command)
                sent.append((user, command, queued))
                _wait_replies(fake, [user], before + 1, bot)
            _match(fake, sent, classify, serial)
            # Burst: everything queued at once.
            burst = Phase()
            users = [user_base + WARM_USERS + SERIAL_USERS + i for i in range(USERS)]
            pairs = [(u, c) for u in users for c in COMMANDS]
            rng.shuffle(pairs)
            sent = []
            burst.first_queued = time.time()
            for user, command in pairs:
                sent.append((user, command, time.time()))
                fake.user_text(user, command)
            _wait_replies(fake, users, len(pairs), bot)
            _match(fake, sent, classify, burst)
        return serial, burst
    finally:
        fake.stop()


def run() -> list[Result]:
    port = embedded_services.free_port()
    base = f"http://127.0.0.1:{port}"
    user_base = int(time.time() * 1000) * 10
    ours_base, echo_base = user_base, user_base + 100_000
    server = serve(port)
    try:
        wait_healthy(base)

        def real_bot(fake: RecordingTelegram) -> subprocess.Popen:
            return crowdgov("bot", log="botload-bot", TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.url,
                            API_URL=base, WEBHOOK_URL="")

        def echo_bot(fake: RecordingTelegram) -> subprocess.Popen:
            with log_file("botload-echo") as out:
                return subprocess.Popen([sys.executable, "-m", "bench.botload", "echo"], cwd=PROJECT_ROOT,
                                        env=service_env(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.url),
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        serial, burst = _bot_phases(real_bot, real_command, ours_base, seed=21)
        echo_serial, echo_burst = _bot_phases(echo_bot, echo_command, echo_base, seed=21)
    finally:
        stop(server)
        # The bot kept these users' data (their tokens) in Redis: forget them.
        users = [str(ours_base + i) for i in range(WARM_USERS + SERIAL_USERS + USERS)]
        jobqueue.connect(current_app.config["REDIS_URL"]).hdel(PERSISTENCE_KEY, *users)
    return _results(serial, burst, echo_serial, echo_burst)


def _ms(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    return statistics.median(values) * 1000, percentile(values, 0.95) * 1000


def _health(p: Phase) -> str:
    return f"{p.errors} errors, {p.unanswered} unanswered, {p.unexpected} unexpected replies"


def _results(serial: Phase, burst: Phase, echo_serial: Phase, echo_burst: Phase) -> list[Result]:
    n = USERS * len(COMMANDS)
    rate, held = burst.rate
    echo_rate, _echo_held = echo_burst.rate
    burst_med, burst_p95 = _ms(burst.latencies)
    echo_burst_med, echo_burst_p95 = _ms(echo_burst.latencies)
    serial_med, serial_p95 = _ms(serial.latencies)
    echo_serial_med, _ = _ms(echo_serial.latencies)
    extra = {"updates": n, "users": USERS, "errors": burst.errors, "unanswered": burst.unanswered,
             "unexpected": burst.unexpected, "echo_updates_per_second": echo_rate,
             "burst_latency_ms": {"median": burst_med, "p95": burst_p95},
             "echo_burst_latency_ms": {"median": echo_burst_med, "p95": echo_burst_p95}}
    return [
        Result(name=f"bot updates/s, burst of {n} ({USERS} users)", unit="updates/s", median=rate, p95=held,
               baseline_name="PTB echo bot, no API calls", baseline_median=echo_rate,
               ratio=rate / echo_rate if echo_rate else None,
               notes=(f"/start /points /my /help; {_health(burst)} (echo: {_health(echo_burst)}); "
                      "p95 column = rate held in 95% of 1-s windows"), extra=extra),
        Result(name="bot update → reply, in that burst", unit="ms", median=burst_med, p95=burst_p95,
               baseline_name="PTB echo bot, same burst", baseline_median=echo_burst_med,
               ratio=echo_burst_med / burst_med if burst_med else None,
               notes="includes the wait behind the updates queued before it"),
        Result(name="bot update → reply, one at a time", unit="ms", median=serial_med, p95=serial_p95,
               baseline_name="PTB echo bot, one at a time", baseline_median=echo_serial_med,
               ratio=echo_serial_med / serial_med if serial_med else None,
               notes=f"{len(serial.latencies)} updates, {SERIAL_USERS} users; {_health(serial)}",
               extra={"errors": serial.errors, "unanswered": serial.unanswered}),
    ]


def _echo_bot() -> None:
    """The baseline: python-telegram-bot's Application with the builder's defaults and one echo handler."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    base = os.environ["TELEGRAM_API_URL"].rstrip("/")

    async def echo(update: Update, _context) -> None:
        await update.effective_chat.send_message(update.effective_message.text or "")

    application = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
                   .base_url(f"{base}/bot").base_file_url(f"{base}/file/bot").build())
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__" and sys.argv[1:] == ["echo"]:
    _echo_bot()
