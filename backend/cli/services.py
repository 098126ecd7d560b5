"""`crowdgov services up|down|status`: the embedded PostgreSQL+PostGIS and Redis. Needs no app."""
import click

from backend import embedded_services


@click.group("services")
def services_group() -> None:
    """Private PostgreSQL+PostGIS and Redis under ./var (when DATABASE_URL/REDIS_URL are unset)."""


@services_group.command("up")
def up() -> None:
    """Start them (installing Debian packages if missing and root). Running it twice is harmless."""
    try:
        embedded_services.up(click.echo)
    except embedded_services.ServicesError as exc:
        raise click.ClickException(str(exc)) from None


@services_group.command("down")
def down() -> None:
    """Stop them."""
    embedded_services.down(click.echo)


@services_group.command("status")
def status() -> None:
    """Say what runs where."""
    for name, state in embedded_services.status().items():
        click.echo(f"{name:10} {state}")
