"""Operator commands (``flask --app wsgi ...``), each next to the code it drives."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import click
from flask import Flask

from .extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(codes_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(instruments_cli)
    app.cli.add_command(drafts_cli)
    app.cli.add_command(submissions_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(worker_command)
    from .imports.cli import import_cli
    from .reports.cli import report_cli
    from .reports.headcounts import headcount_cli
    from .themes.cli import themes_cli

    for group in (themes_cli, headcount_cli, report_cli, import_cli):
        app.cli.add_command(group)


@click.group("codes", help="Invitation codes for instruments that require one.")
def codes_cli() -> None:
    pass


@codes_cli.command("issue")
@click.option("--instrument", "slug", required=True, help="Instrument slug, e.g. staff-survey.")
@click.option("--count", type=click.IntRange(1, 100_000), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV file to write the codes to. This is the only copy: codes are stored hashed.")
@click.option("--batch", default=None, help="A label for this batch (default: today's date).")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def issue_codes_command(slug: str, count: int, out: Path, batch: str | None, expires) -> None:
    """Issue COUNT single-use codes for an instrument and write them to a CSV file."""
    from .codes import issue_codes
    from .questionnaires import current_instrument

    if current_instrument(slug) is None:
        raise click.ClickException(f"There is no instrument called {slug!r}.")
    if out.exists():
        raise click.ClickException(f"{out} already exists; choose a new file so no codes are overwritten.")
    codes = issue_codes(slug, count, batch or date.today().isoformat(),
                        expires.date() if expires else None)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code"])
        writer.writerows([c] for c in codes)
    click.echo(f"Issued {count} codes for {slug} to {out}.")


@click.group("demo", help="Demo data.")
def demo_cli() -> None:
    pass


@demo_cli.command("seed")
@click.option("--responses", type=click.IntRange(1, 1_000_000), default=300, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--if-empty", is_flag=True, help="Only seed when there are no responses yet.")
@click.option("--accounts", is_flag=True,
              help="Also create demo hr, standards and admin accounts and print their passwords (development only).")
@click.option("--themes", is_flag=True, help="Also run the theme pipeline over the demo comments.")
def seed_command(responses: int, seed: int, if_empty: bool, accounts: bool, themes: bool) -> None:
    """Add realistic demo exit questionnaires over the last eight financial quarters."""
    from flask import current_app

    from .demo import seed_demo
    from .models import Response

    if accounts and current_app.config["ENVIRONMENT"] != "development":
        raise click.ClickException("Demo accounts are only created with EXITVOICE_ENV=development.")
    if if_empty and db.session.execute(db.select(Response.id).limit(1)).first():
        click.echo("Responses already present; demo data not added.")
        return
    seed_demo(responses, seed)
    click.echo(f"Added {responses} demo responses.")
    if themes:
        from .themes.service import run_themes

        summary = run_themes(progress=False)
        click.echo(f"Themes run: {summary.themed} of {summary.comments} comments have a theme.")
    if accounts:
        _demo_accounts()


def _demo_accounts() -> None:
    """One account per role, with a random password printed once: a newcomer can sign in."""
    import secrets

    from .auth.accounts import create_user, find_user

    lines = []
    for role in ("hr", "standards", "admin"):
        email = f"{role}@demo.example"
        if find_user(email) is not None:
            continue
        password = secrets.token_urlsafe(12)
        create_user(email, role, password)
        lines.append(f"  {role:<10} {email:<24} {password}")
    db.session.commit()
    if lines:
        click.echo("Demo accounts (development only; the passwords are shown this once), sign in at /sign-in:")
        click.echo("\n".join(lines))


@click.group("instruments", help="Questionnaire definitions.")
def instruments_cli() -> None:
    pass


@instruments_cli.command("sync")
def sync_command() -> None:
    """Install the shipped questionnaire definitions (new versions become current)."""
    from .questionnaires import sync_shipped_instruments

    rows = sync_shipped_instruments()
    for row in rows:
        click.echo(f"{row.slug} v{row.version}{' (current)' if row.is_current else ''}")


@instruments_cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--languages", help="languages every text must have, e.g. cy,en (default: EXITVOICE_LANGUAGES)")
def check_command(path: Path, languages: str | None) -> None:
    """Validate a questionnaire YAML file and say what is wrong with it, including any text
    without a translation into a configured language."""
    from flask import current_app

    from .i18n import languages_setting
    from .instruments import DefinitionError, load_definition

    try:
        definition = load_definition(path)
        wanted = languages_setting(languages) if languages else current_app.config["LANGUAGES"]
    except (DefinitionError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    missing = [(language, where) for language in wanted for where in definition.missing_translations(language)]
    if missing:
        lines = "\n".join(f"  {language}: {where}" for language, where in missing)
        raise click.ClickException(f"{path.name}: {len(missing)} texts have no translation:\n{lines}")
    click.echo(f"{path.name}: {definition.slug} v{definition.version}, {len(definition.questions)} questions, "
               f"in {', '.join(wanted)}: valid.")


@click.group("drafts", help="Answers in progress.")
def drafts_cli() -> None:
    pass


@click.group("submissions", help="Sent questionnaires waiting in the mixing pool.")
def submissions_cli() -> None:
    pass


@submissions_cli.command("release")
@click.option("--all", "everything", is_flag=True, help="Release every waiting submission now, however few.")
def release_submissions_command(everything: bool) -> None:
    """Release waiting submissions as responses: a full batch, or any that waited too long.

    Schedule it daily so that no submission waits more than EXITVOICE_RELEASE_MAX_DAYS days."""
    from flask import current_app

    from .mixing import release, waiting

    before = waiting()
    if everything:
        count = release(minimum=1)
    else:
        count = release(minimum=current_app.config["RELEASE_BATCH"],
                        older_than_days=current_app.config["RELEASE_MAX_DAYS"])
    click.echo(f"Released {count} of {before} waiting submissions as responses.")


@drafts_cli.command("purge")
def purge_drafts_command() -> None:
    """Delete answers in progress that have expired (run hourly from cron)."""
    from .respond.drafts import purge_expired_drafts

    click.echo(f"Deleted {purge_expired_drafts()} expired drafts.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run whatever is due now, then stop.")
@click.option("--interval", type=click.FloatRange(1, 3600), default=30.0, show_default=True,
              help="Seconds between checks for due jobs.")
def worker_command(once: bool, interval: float) -> None:
    """Run the scheduled jobs (email, pool release, draft purge, themes, retention) as they fall due.

    Safe to run on several servers at once: each job runs in one worker at a time."""
    from .worker import work

    work(interval=interval, once=once, echo=click.echo)


@click.group("mail", help="Email waiting in the outbox.")
def mail_cli() -> None:
    pass


@mail_cli.command("send")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True)
def mail_send(limit: int) -> None:
    """Send queued email (run every few minutes from cron or a systemd timer)."""
    from .mail import send_queued

    sent, unsent = send_queued(limit)
    click.echo(f"Sent {sent} message(s); {unsent} could not be sent and stay queued.")
