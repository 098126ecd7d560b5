"""`crowdgov apikey create NAME`: register an Open311 application and print its key (shown once)."""
import click
from flask.cli import with_appcontext

from backend.transaction import in_transaction


@click.group("apikey")
def apikey_group() -> None:
    """Open311 API keys of registered applications."""


@apikey_group.command("create")
@click.argument("name")
@with_appcontext
@in_transaction
def create(name: str) -> None:
    """Register application NAME; prints the new key (it is stored hashed and never shown again)."""
    from backend.accounts import service as accounts

    if not name.strip():
        raise click.BadParameter("the application needs a name", param_hint="NAME")
    _key, plain = accounts.create_api_key(name)
    click.echo(plain)
