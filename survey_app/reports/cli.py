"""``flask --app wsgi report quarterly|length-of-service|annual``: the app's report code, from a terminal."""

from __future__ import annotations

from pathlib import Path

import click

from .service import FORMATS, ReportError, create_draft, publish, render

# Not imported from analysis.reports.translation: that would load pandas for every command.
LANGUAGES = ("en", "cy")


def _run(kind: str, period: str, fmt: str, out: Path, do_publish: bool, no_quotes: bool, language: str) -> None:
    try:
        report = create_draft(kind, period, created_by="command line")
        if do_publish:
            publish(report, published_by="command line", without_quotes=no_quotes)
        out.write_bytes(render(report, fmt, language))
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    state = "Published" if do_publish else "Drafted"
    click.echo(f"{state} {kind.replace('_', '-')} report for {report.period} (k={report.threshold}); wrote {out}.")


def _options(func):
    func = click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)(func)
    func = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)(func)
    func = click.option("--publish", "do_publish", is_flag=True,
                        help="Publish the draft (refused unless quotes were approved in the app, "
                             "or --no-quotes).")(func)
    func = click.option("--no-quotes", is_flag=True, help="Publish without quotes.")(func)
    func = click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
                        help="The edition written to --out: English, or Welsh (cy) with the same figures. "
                             "What is stored and published is the report itself.")(func)
    return func


@click.group("report", help="Build reports for the Employer Standards group.")
def report_cli() -> None:
    pass


@report_cli.command("quarterly")
@click.option("--quarter", required=True, help='A financial quarter, e.g. "2025/26 Q2".')
@_options
def quarterly_command(quarter: str, fmt: str, out: Path, do_publish: bool, no_quotes: bool, language: str) -> None:
    """The quarterly theme report."""
    _run("quarterly", quarter, fmt, out, do_publish, no_quotes, language)


@report_cli.command("length-of-service")
@click.option("--quarter", required=True, help="The last of the eight quarters covered.")
@_options
def length_of_service_command(quarter: str, fmt: str, out: Path, do_publish: bool, no_quotes: bool,
                              language: str) -> None:
    """Who leaves, by length of service, over eight quarters."""
    _run("length_of_service", quarter, fmt, out, do_publish, no_quotes, language)


@report_cli.command("annual")
@click.option("--year", required=True, help='A financial year, e.g. "2025/26".')
@_options
def annual_command(year: str, fmt: str, out: Path, do_publish: bool, no_quotes: bool, language: str) -> None:
    """The quarterly content over a financial year."""
    _run("annual", year, fmt, out, do_publish, no_quotes, language)
