"""`crowdgov intake …`: the category classifier and the report vectors (backend/intake)."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from backend.transaction import in_transaction


@click.group("intake")
def intake_group() -> None:
    """Smart intake: category suggestions and duplicates by meaning."""


@intake_group.command("train")
@click.option("--if-changed", is_flag=True, help="Only when the labelled reports changed (what the worker does hourly).")
@with_appcontext
@in_transaction
def train(if_changed: bool) -> None:
    """Train a new classifier version from the categories and every routed and triaged report."""
    from backend.intake import jobs

    if if_changed:
        version = jobs.retrain()
        click.echo(f"classifier version {version}" if version else "nothing new to learn: no new version")
        return
    model = jobs.train_now()
    if model is None:
        raise click.ClickException("no classifier trained: the city needs at least two active categories")
    click.echo(f"classifier version {model.version}: {model.examples} examples ({model.report_examples} reports)")
    click.echo("held-out figures: " + json.dumps({k: v for k, v in model.evaluation.items()
                                                  if k != "examples_per_category"}))


@intake_group.command("embed")
@with_appcontext
def embed() -> None:
    """Store the vectors of open reports that have none yet (older than intake, or imported)."""
    from backend.intake import jobs

    total = 0
    while (done := jobs.embed_missing(recent_only=False)) > 0:
        total += done
        click.echo(f"{total:,} reports embedded …")
    click.echo(f"{total:,} reports embedded")
