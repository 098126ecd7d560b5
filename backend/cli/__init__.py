"""The `crowdgov` command: a Flask CLI group (Flask-Migrate adds `crowdgov db …`)."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from backend.cli.apikeys import apikey_group
from backend.cli.banner import banner_command
from backend.cli.intake import intake_group
from backend.cli.mapgrid import map_group
from backend.cli.processes import bot_command, web_command, worker_command
from backend.cli.seed import seed_group
from backend.cli.services import services_group


def make_app():
    from backend import create_app
    from backend.cli.services import explaining_failures
    from backend.embedded_services import ensure_up_if_embedded

    explaining_failures(ensure_up_if_embedded, echo=lambda msg: click.echo(msg, err=True))
    return create_app()


@click.group(cls=FlaskGroup, create_app=make_app, add_default_commands=True, add_version_option=False)
def main() -> None:
    """CrowdGov: government crowdsourcing platform."""


main.add_command(services_group)
main.add_command(seed_group)
main.add_command(web_command)
main.add_command(worker_command)
main.add_command(bot_command)
main.add_command(apikey_group)
main.add_command(map_group)
main.add_command(banner_command)
main.add_command(intake_group)
