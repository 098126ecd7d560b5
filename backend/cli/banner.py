"""`crowdgov banner`: what `make run` prints once its servers answer — the addresses, how to stop,
and the demo logins last, so that they are what stays on screen."""
from __future__ import annotations

import os
import time

import click
import httpx
from flask import current_app
from flask.cli import with_appcontext


def _servers_answer(base: str) -> bool:
    """A worker has registered on the queue and the web answers /healthz (asked only then: each
    asking is a line of the web's access log)."""
    from redis.exceptions import RedisError
    from rq import Queue, Worker

    from backend.jobqueue import redis_connection

    try:
        if not Worker.all(queue=Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())):
            return False
        # A cold web worker's first answer can take seconds on a busy machine: wait for it rather than ask again.
        return httpx.get(f"{base}/healthz", timeout=15).status_code == 200
    except (RedisError, httpx.HTTPError):
        return False


def _wait(base: str, timeout: float) -> bool:
    parent, deadline = os.getppid(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.getppid() != parent:  # the servers' supervisor has gone: nobody to announce
            return False
        if _servers_answer(base):
            return True
        time.sleep(0.5)
    return False


def banner_lines(base: str, bot: bool) -> list[str]:
    from backend.demo.logins import login_lines

    logins = login_lines()
    smtp = current_app.config.get("SMTP_URL")
    mail = "sent through SMTP_URL" if smtp else f"written as files to {current_app.config['MAIL_DIR']}/"
    return [
        "",
        f"  Public site and map:   {base}/          (/explore, /stats, /leaderboard, /open-data)",
        f"  Citizen web app:       {base}/app/      (installable on a phone)",
        f"  Alert e-mails:         {mail}",
        f"  Staff inbox:           {base}/inbox/",
        f"  Citizen API docs:      {base}/api/v1/docs",
        f"  Open311 GeoReport v2:  {base}/open311/discovery.json",
        f"  Health:                {base}/healthz",
        f"  Telegram bot:          {'started' if bot else 'set TELEGRAM_BOT_TOKEN to start it'}",
        "",
        "  Ctrl-C stops web and worker; PostgreSQL and Redis keep running (stop them: make services-down).",
        "",
        *(["  Demo logins for the staff inbox (role, e-mail, password, department):", *(f"  {line}" for line in logins), ""]
          if logins else []),
    ]


@click.command("banner")
@click.option("--host", envvar="HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="PORT", default=5000, show_default=True, type=int)
@click.option("--wait", "wait_seconds", default=0.0, type=float,
              help="First wait up to this many seconds for the web to answer and a worker to register.")
@with_appcontext
def banner_command(host: str, port: int, wait_seconds: float) -> None:
    """Print the addresses and the demo logins (`make run` does, once its servers answer)."""
    base = f"http://{host}:{port}"
    try:
        if wait_seconds and not _wait(base, wait_seconds):
            click.echo(f"The web server did not answer at {base}/healthz within {wait_seconds:.0f} s: "
                       "see the web and worker lines above.", err=True)
            return
    except KeyboardInterrupt:  # Ctrl-C before the servers were up
        return
    click.echo("\n".join(banner_lines(base, bot=bool(current_app.config["TELEGRAM_BOT_TOKEN"]))))
