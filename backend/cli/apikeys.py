"""`crowdgov apikey create NAME [--extended-statuses]`: register an Open311 application and print its
key (shown once); `crowdgov apikey list`; `crowdgov apikey extended-statuses ID on|off`: FixMyStreet's
extended update states for a key."""
import click
from flask.cli import with_appcontext

from backend.transaction import in_transaction


@click.group("apikey")
def apikey_group() -> None:
    """Open311 API keys of registered applications."""


@apikey_group.command("create")
@click.argument("name")
@click.option("--extended-statuses", is_flag=True,
              help="Answer servicerequestupdates with mySociety's extended states (for FixMyStreet).")
@with_appcontext
@in_transaction
def create(name: str, extended_statuses: bool) -> None:
    """Register application NAME; prints the new key (it is stored hashed and never shown again)."""
    from backend.accounts import service as accounts

    if not name.strip():
        raise click.BadParameter("the application needs a name", param_hint="NAME")
    _key, plain = accounts.create_api_key(name, open311_extended_statuses=extended_statuses)
    click.echo(plain)


@apikey_group.command("list")
@with_appcontext
def list_keys() -> None:
    """Every key: id, name, extended statuses, revoked (never the key itself: only its hash is kept)."""
    from backend.accounts import staff_admin

    for key in staff_admin.api_keys():
        flags = ["extended-statuses"] if key.open311_extended_statuses else []
        flags += ["revoked"] if key.revoked_at else []
        click.echo(f"{key.id}\t{key.name}\t{' '.join(flags)}")


@apikey_group.command("extended-statuses")
@click.argument("key_id", type=click.IntRange(1, 2**31 - 1))
@click.argument("setting", type=click.Choice(["on", "off"]))
@with_appcontext
@in_transaction
def extended_statuses(key_id: int, setting: str) -> None:
    """Turn mySociety's extended update states on or off for key KEY_ID."""
    from backend.accounts import service as accounts

    if accounts.set_open311_extended_statuses(key_id, setting == "on") is None:
        raise click.BadParameter(f"there is no key {key_id}", param_hint="KEY_ID")
    click.echo(f"key {key_id}: extended statuses {setting}")
