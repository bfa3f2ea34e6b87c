"""``flask --app wsgi import records FILE --mapping MAP.yaml --instrument exit``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from .importer import ImportPlan, ImportRefused, plan_import, write_import, write_rejects
from .mapping import MappingError, load_mapping
from .readers import ReadError, read_table

#: Problems printed before the rest are summarised in one line.
MAX_PROBLEMS_SHOWN = 50


@click.group("import", help="Bring historical records into ExitVoice.")
def import_cli() -> None:
    pass


def _summary(plan: ImportPlan, written: int, dry_run: bool) -> str:
    new = len(plan.new)
    present = len(plan.prepared) - new
    skipped = sum(plan.skipped.values())
    lines = [
        f"{plan.rows_read} rows read: {written if not dry_run else new} new"
        f"{' (dry run: nothing written)' if dry_run else ''}, {present} already present, "
        f"{skipped} skipped, {len(plan.problems)} rejected."
    ]
    for reason, count in sorted(plan.skipped.items()):
        lines.append(f"  skipped {count}: {reason}")
    return "\n".join(lines)


@import_cli.command("records")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML mapping file.")
@click.option("--instrument", "slug", required=True, help="Questionnaire the records answer, e.g. exit.")
@click.option("--dry-run", is_flag=True, help="Check everything and report, but write nothing to the database.")
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows; put the others in --rejects.")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file for rows that could not be imported, with the reasons.")
@click.option("--encoding", default=None, help="CSV encoding: utf-8, cp1252 or latin-1 (default: detected).")
@click.option("--sheet", default=None, help="XLSX sheet to read (default: the first).")
def import_records_command(file: Path, mapping_path: Path, slug: str, dry_run: bool, skip_invalid: bool,
                           rejects_path: Path | None, encoding: str | None, sheet: str | None) -> None:
    """Import exit records from a CSV or XLSX FILE, mapped by a YAML file.

    Every row is checked before anything is written. Without --skip-invalid a single problem
    means nothing is written. Importing the same file again adds nothing.
    """
    from ..questionnaires import current_instrument, definition_of

    if skip_invalid and rejects_path is None:
        raise click.UsageError("--skip-invalid needs --rejects FILE to say where the rejected rows go.")
    instrument = current_instrument(slug)
    if instrument is None:
        raise click.ClickException(f"There is no instrument called {slug!r}.")
    definition = definition_of(instrument)
    try:
        mapping = load_mapping(mapping_path, definition)
        table = read_table(file, encoding=encoding, sheet=sheet,
                           max_mb=current_app.config["IMPORT_MAX_UNCOMPRESSED_MB"],
                           max_rows=current_app.config["IMPORT_MAX_ROWS"])
        plan = plan_import(table, mapping, definition, instrument)
    except MappingError as exc:
        raise click.ClickException(f"The mapping cannot be used: {exc}") from None
    except ReadError as exc:
        raise click.ClickException(f"{file.name} cannot be read: {exc}") from None
    except ImportRefused as exc:
        raise click.ClickException(f"{file.name} was not imported: {exc}") from None
    if table.encoding:
        click.echo(f"Read {file.name} as {table.encoding}.")
    problems = plan.all_problems
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(str(problem), err=True)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        click.echo(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems (--rejects FILE lists every "
                   "rejected row with its reasons).", err=True)
    if rejects_path is not None and plan.problems:
        write_rejects(rejects_path, plan)
        click.echo(f"Wrote {len(plan.problems)} rejected rows, with reasons, to {rejects_path}.")
    if problems and not skip_invalid:
        raise click.ClickException(
            f"{len(problems)} problems in {len(plan.problems)} rows; nothing was written. Correct the file or the "
            "mapping, or use --skip-invalid --rejects FILE to write the valid rows and set the others aside."
        )
    written = 0
    if not dry_run:
        try:
            written = write_import(plan)
        except ImportRefused as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(_summary(plan, written, dry_run))
