"""``flask --app wsgi themes run``: assign themes to stored comments."""

from __future__ import annotations

import click


@click.group("themes", help="Theme analysis of free-text answers.")
def themes_cli() -> None:
    pass


@themes_cli.command("run")
def run_command() -> None:
    """Assign taxonomy and emerging themes to every stored comment (HR's codings train the model)."""
    from .service import run_themes

    summary = run_themes()
    click.echo(
        f"Themed {summary.themed} of {summary.comments} comments "
        f"({summary.coded} coded by HR, {summary.emerging} emerging themes); model {summary.model_version}."
    )
