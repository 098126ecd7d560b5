"""`crowdgov map …`: the map's pre-aggregated grid (backend/disclosure/map_grid.py)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from backend.transaction import in_transaction


@click.group("map")
def map_group() -> None:
    """The map's pre-aggregated grid."""


@map_group.command("rebuild-grid")
@with_appcontext
@in_transaction
def rebuild_grid() -> None:
    """Recount the grid from every report (after changing CITY_LATITUDE)."""
    from backend.disclosure import map_grid

    click.echo(f"{map_grid.rebuild():,} reports counted into the map grid")
