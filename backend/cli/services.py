"""`crowdgov services up|down|status`: the embedded PostgreSQL+PostGIS and Redis. Needs no app."""
import click

from backend import embedded_services


def explaining_failures(action, *args, **kwargs):
    """Run action; a failure of the services is its tool's own message and what to do, not a traceback."""
    try:
        return action(*args, **kwargs)
    except embedded_services.ServicesError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("services")
def services_group() -> None:
    """Private PostgreSQL+PostGIS and Redis of this checkout (when DATABASE_URL/REDIS_URL are unset)."""


@services_group.command("up")
def up() -> None:
    """Start them (installing Debian packages if missing and root). Running it twice is harmless."""
    explaining_failures(embedded_services.up, click.echo)


@services_group.command("down")
@click.option("--purge", is_flag=True, help="Also delete their files: the demo or development database is lost.")
def down(purge: bool) -> None:
    """Stop them (Ctrl-C on `make run` leaves them running)."""
    explaining_failures(embedded_services.down, click.echo, purge=purge)


@services_group.command("status")
def status() -> None:
    """Say what runs where."""
    for name, state in explaining_failures(embedded_services.status).items():
        click.echo(f"{name:10} {state}")
