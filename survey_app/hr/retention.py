"""Retention: free text older than the configured age is removed; structured answers stay.

``flask --app wsgi retention purge [--dry-run]`` empties the text of every comment (response free
text and focus-group remarks) whose month is before the cut-off. The comment rows stay, with their
purpose, period and theme assignments, so trends are unchanged. The copies reports made of those
comments go with them (quote candidates, and every quote of a draft; a published report keeps the
quotes it published), and the database files are rewritten so the old row versions holding the
text are gone too (PostgreSQL: ``VACUUM FULL`` of the tables changed; SQLite overwrites deleted
content, and its write-ahead log is emptied). Each purge is audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import click
import sqlalchemy as sa
from flask import current_app

from .. import audit
from ..extensions import db
from ..models import Comment, Organisation, default_organisation
from ..periods import add_months

log = logging.getLogger(__name__)
#: How long the purge waits to rewrite the tables it changed (for PostgreSQL's lock, or for
#: SQLite's readers of older pages), in milliseconds.
RECLAIM_LOCK_WAIT_MS = 60_000


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
    quotes: int = 0
    # Whether the old row versions holding the removed text are gone from the database files
    # (None on a dry run or when nothing was removed).
    reclaimed: bool | None = None


def purge_free_text(today: date | None = None, months: int | None = None, dry_run: bool = False) -> PurgeResult:
    """Empty the text of every comment from before the cut-off, and remove the quotes copied from
    them; commit, audit and rewrite the changed tables unless a dry run."""
    from ..reports.service import forget_quotes, quotes_from_before

    today = today or date.today()
    months = months if months is not None else current_app.config["RETENTION_MONTHS"]
    cutoff = retention_cutoff(today, months)
    org = default_organisation()
    past = (Comment.organisation_id == org.id, Comment.period < cutoff, Comment.text.is_not(None))
    count = db.session.execute(db.select(db.func.count()).select_from(Comment).where(*past)).scalar_one()
    quotes, drafts = quotes_from_before(cutoff)
    if dry_run:
        db.session.rollback()
        return PurgeResult(cutoff, count, True, len(quotes))
    db.session.execute(db.update(Comment).where(*past).values(text=None))
    forget_quotes(quotes, drafts)
    org.last_purge_on = today
    audit.record("purged", "comment", None,
                 f"free text of {count} comments from before {cutoff:%B %Y} removed ({months} months)"
                 + (f", with {len(quotes)} quotes copied from them" if quotes else ""),
                 actor_label="retention purge")
    db.session.commit()
    if not count and not quotes:
        return PurgeResult(cutoff, 0, False)  # nothing was removed: nothing to rewrite
    changed = ["comment", "theme_run", *(["report_quote"] if quotes else []), *(["report"] if drafts else [])]
    return PurgeResult(cutoff, count, False, len(quotes), reclaim(changed))


def reclaim(tables: list[str]) -> bool:
    """Rewrite ``tables`` so that row versions the purge replaced are gone from the database
    files, not just from its answers: on PostgreSQL an update leaves the old version, text and
    all, in the table's pages until they are reused, and a plain VACUUM does not clear them, so
    ``VACUUM FULL`` writes each table afresh (it locks the table for the seconds that takes; it
    waits at most ``RECLAIM_LOCK_WAIT_MS`` for the lock). SQLite overwrites deleted content itself
    (``secure_delete``); its write-ahead log, which holds earlier copies of the pages, is emptied
    (waiting as long for readers of older pages). Returns False, and logs why, if that could not
    be done now."""
    try:
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text(f"SET lock_timeout = {int(RECLAIM_LOCK_WAIT_MS)}"))
                conn.execute(sa.text(f"VACUUM FULL {', '.join(tables)}"))
        else:
            with db.engine.connect() as conn:
                usual = conn.execute(sa.text("PRAGMA busy_timeout")).scalar_one()
                conn.execute(sa.text(f"PRAGMA busy_timeout = {int(RECLAIM_LOCK_WAIT_MS)}"))
                try:
                    busy = conn.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)")).first()
                finally:
                    conn.execute(sa.text(f"PRAGMA busy_timeout = {int(usual)}"))
                if busy and busy[0]:
                    raise RuntimeError("another connection is reading the database")
    except Exception as error:  # noqa: BLE001 - the text is removed; only its old copies wait
        log.warning("the purged text stays in old row versions until the tables are rewritten: %s", error)
        return False
    return True


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
    if result.quotes:
        click.echo(f"{verb} {result.quotes} quote(s) copied from them into reports.")
    if result.reclaimed is False:
        click.echo("The database could not be rewritten now, so old copies of the text stay in its files "
                   "until the next purge (or run VACUUM FULL on comment, report_quote, report and theme_run).")
