"""Retention: free text older than the configured age is removed; structured answers stay.

``flask --app wsgi retention purge [--dry-run]`` empties the text of every comment (response free
text and focus-group remarks) whose month is before the cut-off. The comment rows stay, with their
purpose, period and theme assignments, so trends are unchanged. Each purge is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import click
from flask import current_app

from .. import audit
from ..extensions import db
from ..models import Comment, Organisation, default_organisation
from ..periods import add_months


def retention_cutoff(today: date, months: int) -> date:
    """Comments whose month is before this date are past the retention age."""
    return add_months(today, -months)


def next_purge_date(today: date) -> date:
    """The purge is scheduled monthly on the first day of the month (see docs/hr-guide.md)."""
    return add_months(today, 1)


@dataclass
class PurgeResult:
    cutoff: date
    comments: int
    dry_run: bool


def purge_free_text(today: date | None = None, months: int | None = None, dry_run: bool = False) -> PurgeResult:
    """Empty the text of every comment from before the cut-off; commit and audit unless a dry run."""
    today = today or date.today()
    months = months if months is not None else current_app.config["RETENTION_MONTHS"]
    cutoff = retention_cutoff(today, months)
    org = default_organisation()
    past = (Comment.organisation_id == org.id, Comment.period < cutoff, Comment.text.is_not(None))
    count = db.session.execute(db.select(db.func.count()).select_from(Comment).where(*past)).scalar_one()
    if dry_run:
        return PurgeResult(cutoff, count, True)
    db.session.execute(db.update(Comment).where(*past).values(text=None))
    org.last_purge_on = today
    audit.record("purged", "comment", None,
                 f"free text of {count} comments from before {cutoff:%B %Y} removed ({months} months)",
                 actor_label="retention purge")
    db.session.commit()
    return PurgeResult(cutoff, count, False)


def retention_summary(today: date) -> dict:
    """What HR is told about retention: the age, the last and the next purge and what it will cover."""
    months = current_app.config["RETENTION_MONTHS"]
    org = db.session.get(Organisation, default_organisation().id)
    upcoming = next_purge_date(today)
    return {"months": months, "last": org.last_purge_on if org else None, "next": upcoming,
            "next_cutoff": retention_cutoff(upcoming, months)}


@click.group("retention", help="Removing free text past the retention age.")
def retention_cli() -> None:
    pass


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Remove free text older than EXITVOICE_RETENTION_MONTHS (default 36); keep structured answers."""
    result = purge_free_text(dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} the text of {result.comments} comments from before {result.cutoff:%B %Y}.")
