"""`crowdgov seed demo`: an idempotent demo city."""
import click
from flask.cli import with_appcontext

from backend.transaction import in_transaction


@click.group("seed")
def seed_group() -> None:
    """Load data."""


@seed_group.command("demo")
@click.option("--no-logins", is_flag=True, help="Do not print the demo logins (`make run` prints them last).")
@with_appcontext
@in_transaction
def demo(no_logins: bool) -> None:
    """A demo city after a year of use (running it twice changes nothing)."""
    from backend.demo import seed_demo
    from backend.demo.logins import login_lines

    summary = seed_demo()
    for line in summary.lines() + ([] if no_logins else ["Demo logins (staff inbox):", *login_lines()]):
        click.echo(line)
