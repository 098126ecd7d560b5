"""`crowdgov seed demo`: an idempotent demo city."""
import click
from flask.cli import with_appcontext

from backend.transaction import in_transaction


@click.group("seed")
def seed_group() -> None:
    """Load data."""


@seed_group.command("demo")
@with_appcontext
@in_transaction
def demo() -> None:
    """A demo city after a year of use (running it twice changes nothing)."""
    from backend.demo import seed_demo

    summary = seed_demo()
    for line in summary.lines():
        click.echo(line)
