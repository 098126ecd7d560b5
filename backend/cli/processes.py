"""The long-running processes of the Procfile: web, worker, bot."""
from __future__ import annotations

import os
import shutil
import sys
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=lambda: int(os.environ.get("WEB_CONCURRENCY", 3)), type=int)
@with_appcontext
def web_command(host: str, port: int, workers: int) -> None:
    """Serve the web app with gunicorn."""
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    os.environ.setdefault("INTAKE_WARM_UP", "1")
    os.execv(gunicorn, [gunicorn, "--bind", f"{host}:{port}", "--workers", str(workers),
                        "--access-logfile", "-", "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                        "backend:create_app()"])


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run until the queue is empty, then stop.")
@click.option("--fork", is_flag=True, help="Run each job in a forked work horse (isolation at ~1 s per job).")
@click.option("--log-level", envvar="WORKER_LOG_LEVEL", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="INFO logs every job taken and finished (env WORKER_LOG_LEVEL).")
@with_appcontext
def worker_command(burst: bool, fork: bool, log_level: str) -> None:
    """Run the RQ worker with its scheduler and the periodic jobs.

    Jobs here are short database and HTTP calls; forking a work horse for each one (and opening its
    database pool) cost more than the job itself (bench/e2e.py), so jobs run in the worker process,
    which keeps its pool. Run more `crowdgov worker` processes for more throughput; a killed worker's
    jobs are abandoned and re-run by the sweeps like a killed work horse's."""
    from backend.extensions import db
    from backend.jobqueue import redis_connection
    from backend.worker import configure_logging, make_worker, start_periodic_thread

    level = configure_logging(log_level)
    app = current_app._get_current_object()
    connection = redis_connection()
    # Start from a fresh pool (the CLI's app context may have connected already).
    db.engine.dispose()
    stop = threading.Event()
    if not burst:
        start_periodic_thread(app, connection, stop)
    if level not in ("INFO", "DEBUG"):
        click.echo(f"Worker taking jobs from queue {app.config['RQ_QUEUE']!r}; it logs only warnings and failed jobs "
                   "(WORKER_LOG_LEVEL=INFO logs every job).", err=True)
    try:
        make_worker(app, connection, simple=not fork).work(burst=burst, with_scheduler=True, logging_level=level)
    finally:
        stop.set()


def bot_settings(config):
    """The bot's settings from the web process's configuration (the environment still wins)."""
    from bot.settings import from_environment

    names = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "API_URL", "BOT_CHANNEL_SECRET", "REDIS_URL", "WEBHOOK_URL",
             "WEBHOOK_SECRET", "PUBLIC_BASE_URL")
    return from_environment(**{name: str(config.get(name) or "") for name in names},
                            DEFAULT_LANGUAGE=config.get("BABEL_DEFAULT_LOCALE", "zh_Hans"))


@click.command("bot")
@with_appcontext
def bot_command() -> None:
    """Run the Telegram bot (long polling; a webhook when WEBHOOK_URL is set)."""
    import logging

    from bot.application import run

    settings = bot_settings(current_app.config)
    if not settings.token:
        raise click.ClickException("Set TELEGRAM_BOT_TOKEN (from @BotFather) to run the bot.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    run(settings)
