"""Headcounts from HR's establishment data, for turnover, vacancy and agency rates.

``flask --app wsgi headcount import FILE`` reads a CSV or XLSX with the columns ``quarter``,
``role``, ``service_area``, ``length_of_service``, ``headcount``, ``fte`` and, optionally,
``vacancies``, ``agency_workers`` and ``leavers`` (HR's own count of leavers in the quarter; on
the all-staff row it replaces exit records as the leavers of turnover rates). HR can also upload
the file on the Headcounts page, which offers a CSV and an XLSX template. A blank breakdown
column means "all". The whole file is checked first; any problem is reported with its row and
column, and nothing is written. Importing a quarter again replaces that quarter's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import format_number, gettext

from analysis.periods import Quarter

from ..extensions import db
from ..imports.readers import ReadError
from ..instruments import SERVICE_BANDS
from ..models import Headcount, default_organisation
from ..questionnaires import current_instrument, definition_of

REQUIRED = ("quarter", "headcount", "fte")
OPTIONAL = ("role", "service_area", "length_of_service", "vacancies", "agency_workers", "leavers")
COLUMNS = ("quarter", "role", "service_area", "length_of_service", "headcount", "fte", "vacancies",
           "agency_workers", "leavers")


def template_rows(quarter: Quarter) -> list[list[object]]:
    """A header and example rows: the whole service, then one band of length of service."""
    return [list(COLUMNS),
            [quarter.label, "", "", "", 320, 301.5, 24, 18, 14],
            [quarter.label, "", "", "under_1", 41, 40.0, "", "", 6]]


class HeadcountError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class HeadcountSummary:
    rows: int
    quarters: list[str]


def _known_categories() -> dict[str, set[str]]:
    instrument = current_instrument("exit")
    definition = definition_of(instrument)
    known = {"length_of_service": {v for v, _ in SERVICE_BANDS}}
    for role in ("role", "service_area"):
        key = definition.key_for_role(role)
        known[role] = {v for v, _ in definition.question(key).options} if key else set()
    return known


def read_error_text(error: ReadError) -> str:
    """Why a file cannot be read, for the page it is shown on.

    The reader says it in English for the command line (naming its options and settings), which
    is what the command line shows; on a page each kind a headcount file can meet is worded for
    someone who uploads the file, in the page's language."""
    if not has_request_context():
        return str(error)
    d = error.details
    if error.kind == "damaged":
        return gettext("row %(row)s already holds a replacement character (\N{REPLACEMENT CHARACTER}): the file was "
                       "damaged by an earlier conversion near byte %(offset)s; export it again from the original",
                       row=d["row"], offset=d["offset"])
    if error.kind == "undecodable":
        encodings = [str(name) for name in d["encodings"]]
        tried = encodings[0] if len(encodings) == 1 else gettext("%(first)s or %(second)s", first=encodings[0],
                                                                 second=encodings[-1])
        byte = format(d["byte"], "02X")
        return gettext("row %(row)s: byte 0x%(byte)s cannot be read as %(tried)s; the file would only decode with "
                       "replacement characters. Save it as UTF-8 and try again", row=d["row"], byte=byte, tried=tried)
    if error.kind == "bad_csv_row":
        return gettext("row %(row)s: not a well-formed CSV row", row=d["row"])
    if error.kind in ("not_zip", "not_workbook"):
        return gettext("not a readable XLSX workbook")
    if error.kind == "too_big":
        return gettext("the workbook unpacks to %(size)s MB, more than the %(limit)s MB allowed; save the sheet as "
                       "CSV, or split it", size=format_number(round(d["unpacked_mb"])), limit=d["max_mb"])
    if error.kind == "too_many_rows":
        return gettext("the sheet has more than %(limit)s rows; split it", limit=format_number(d["max_rows"]))
    if error.kind == "unknown_type":
        return gettext("cannot read %(suffix)s: give a .csv or .xlsx file", suffix=d["suffix"])
    return str(error)


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts of stripped strings, read as ``import records`` reads
    files (encoding detected, workbook size limits); anything unreadable is a HeadcountError."""
    from ..imports.readers import read_table

    try:
        table = read_table(path, max_mb=current_app.config["IMPORT_MAX_UNCOMPRESSED_MB"],
                           max_rows=current_app.config["IMPORT_MAX_ROWS"])
    except ReadError as exc:
        raise HeadcountError([gettext("%(file)s cannot be read: %(reason)s", file=path.name,
                                      reason=read_error_text(exc))]) from None
    values = [(number, cells) for number, cells in table.rows if any(c.strip() for c in cells)]
    if not values:
        raise HeadcountError([gettext("%(file)s: the file is empty", file=path.name)])
    header = [h.strip().lower() for h in values[0][1]]
    problems = []
    for number, cells in values[1:]:
        if table.encoding is not None and len(cells) != len(header):
            problems.append(gettext("row %(row)s: %(cells)s cells where the header has %(header)s: the file may be "
                                    "cut off here, or a cell is missing or inserted", row=number, cells=len(cells),
                                    header=len(header)))
    if problems:
        raise HeadcountError(problems)
    return [dict(zip(header, [c.strip() for c in cells], strict=False)) for _, cells in values[1:]]


def parse_headcounts(rows: list[dict[str, str]]) -> list[dict]:
    """Validate rows; return model fields or raise HeadcountError naming every row, column and value."""
    problems: list[str] = []
    if rows:
        missing = [c for c in REQUIRED if c not in rows[0]]
        if missing:
            raise HeadcountError([gettext("missing column(s): %(columns)s", columns=", ".join(missing))])
    known = _known_categories()
    out = []
    seen: set[tuple] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header

        def bad(column: str, reason: str, row=row, number=number) -> None:
            problems.append(gettext("row %(row)s, column %(column)s: %(value)s: %(reason)s", row=number,
                                    column=column, value=repr(row.get(column, "")), reason=reason))

        fields: dict = {}
        try:
            fields["quarter"] = Quarter.parse(row.get("quarter", "")).label
        except ValueError:
            bad("quarter", gettext("not a financial quarter like 2025/26 Q1"))
        for column in ("role", "service_area", "length_of_service"):
            value = row.get(column, "") or None
            if value is not None and value not in known[column]:
                bad(column, gettext("not one of %(values)s", values=", ".join(sorted(known[column]))))
            fields[column] = value
        for column, kind in (("headcount", int), ("fte", float), ("vacancies", int), ("agency_workers", int),
                             ("leavers", int)):
            text = row.get(column, "")
            if text == "":
                if column in REQUIRED:
                    bad(column, gettext("a number is required"))
                fields[column] = None
                continue
            try:
                number_value = kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
            except ValueError:
                bad(column, gettext("not a number") if kind is float else gettext("not a whole number"))
                continue
            if number_value < 0:
                bad(column, gettext("cannot be negative"))
            fields[column] = number_value
        key = (fields.get("quarter"), fields["role"], fields["service_area"], fields["length_of_service"])
        if key in seen:
            problems.append(gettext("row %(row)s: the same quarter and breakdown appear twice", row=number))
        seen.add(key)
        out.append(fields)
    if problems:
        raise HeadcountError(problems)
    return out


def import_headcounts(path: Path) -> HeadcountSummary:
    """Check the whole file, then replace the figures of each quarter it holds."""
    fields = parse_headcounts(read_rows(path))
    org = default_organisation()
    quarters = sorted({f["quarter"] for f in fields})
    db.session.execute(sa.delete(Headcount).where(Headcount.organisation_id == org.id,
                                                  Headcount.quarter.in_(quarters)))
    db.session.add_all(Headcount(organisation_id=org.id, **f) for f in fields)
    db.session.commit()
    return HeadcountSummary(rows=len(fields), quarters=quarters)


@click.group("headcount", help="Headcounts for turnover, vacancy and agency rates.")
def headcount_cli() -> None:
    pass


@headcount_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import headcounts from a CSV or XLSX file (all rows are checked before anything is written)."""
    try:
        summary = import_headcounts(path)
    except HeadcountError as exc:
        raise click.ClickException(f"{path.name}: nothing imported.\n" + "\n".join(exc.problems[:50])) from None
    click.echo(f"Imported {summary.rows} headcount rows for {', '.join(summary.quarters)}.")
