"""``flask --app wsgi users ...``: accounts from the command line (the first admin, above all)."""

from __future__ import annotations

import sys

import click

from .. import audit
from ..extensions import db
from ..models import ROLES
from . import accounts


@click.group("users", help="Staff accounts (admin, hr, standards).")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.option("--email", required=True, help="The person's work email address; they sign in with it.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
def create_user_command(email: str, role: str, password_stdin: bool) -> None:
    """Create an account with a password, e.g. the first admin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, role, password)
        db.session.flush()
    except accounts.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    audit.record("created", "user", str(user.id), f"role {role}", actor_label="command line")
    db.session.commit()
    click.echo(f"Created {user.email} ({role}).")
