"""Exports for HR: responses or comments as CSV or XLSX, safe to open in a spreadsheet.

Every cell that came from text is neutralised against formula injection: a value starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet
shows it as text instead of running it. CSV is UTF-8 with a byte-order mark so Excel reads accents
correctly; dates are ISO 8601.

Exports hold no more than HR's pages show of who answered (``coarsen.py``): a response's month,
how it was collected and its role, service area, length of service and the other identifying
details appear only as the queue shows them ("2025/26 Q1 to Q2", "Not shown"), rows come in the
queue's order rather than by month, and a quarter chosen takes the whole run of quarters shown
together. Equality answers are never exported row by row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Response as HttpResponse
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from ..extensions import db
from ..i18n import current_language
from ..instruments import every_version
from ..models import Comment, FocusGroupSession, Instrument, Response
from ..periods import quarter_bounds, recent_quarters
from ..questionnaires import definition_of
from . import bp
from .coarsen import NOT_SHOWN, organisation_plan, shown_instead, shown_period
from .common import hr_only, is_equality_question
from .forms import ExportForm

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """A cell value a spreadsheet will not treat as a formula; numbers and booleans pass through."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    """A sheet to export: column keys, a row of human headings, the rows, and a data dictionary."""

    name: str
    keys: list[str]
    headings: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    dictionary: list[list[Any]] = field(default_factory=list)


RESPONSE_COLUMNS = [
    ("response_id", "Response (random identifier)"),
    ("instrument_version", "Questionnaire version"),
    ("channel", "How it was collected (\"Not shown\" where fewer than k responses alike share it)"),
    ("period", "When: the month (of leaving, for exit questionnaires) where at least k responses alike share it, "
               "otherwise the quarter or run of quarters the queue shows"),
    ("period_estimated", "Month estimated (only where the month is shown)"),
    ("reviewed", "Reviewed by HR"),
]
COMMENT_COLUMNS = [
    ("comment_id", "Comment (random identifier)"),
    ("response_id", "Response it belongs to"),
    ("focus_group_id", "Focus-group session it belongs to"),
    ("source", "Questionnaire or focus group"),
    ("question_key", "Question key"),
    ("purpose", "Purpose"),
    ("period", "When: for a questionnaire answer, as its response shows it; for a remark, its session's month"),
    ("text", "Text as written"),
]


def responses_table(organisation_id: int, slug: str, quarter: str | None = None, labels: bool = True) -> Table:
    """One row per response of a questionnaire (all versions), one column per question key.

    ``labels``: answers as the words the person chose ("Social worker"); otherwise as their codes
    ("social_worker"). The data dictionary gives both either way."""
    instruments = db.session.execute(
        db.select(Instrument).filter_by(organisation_id=organisation_id, slug=slug)
    ).scalars().all()
    # Equality answers are only ever counted in totals, never exported row by row.
    every = every_version([definition_of(i) for i in instruments]).questions if instruments else ()
    questions = [q for q in every if not is_equality_question(q)]
    table = Table(
        name="Responses",
        keys=[k for k, _ in RESPONSE_COLUMNS] + [q.key for q in questions],
        headings=[h for _, h in RESPONSE_COLUMNS] + [q.text for q in questions],
    )
    plan = organisation_plan(current_app.config["DISCLOSURE_THRESHOLD"])
    rows = db.session.execute(
        db.select(Response).where(Response.organisation_id == organisation_id, Response.instrument_slug == slug)
    ).scalars().all()
    # As the queue: a quarter takes every response shown with it, in the queue's order; a response
    # released after the plan was made waits for the next export, as it waits for the queue's next page.
    rows = sorted((r for r in rows if r.id in plan and (quarter is None or quarter in plan[r.id].quarters)),
                  key=lambda r: plan[r.id].order)
    for r in rows:
        shown = plan[r.id]
        texts = {c.question_key: c.text for c in r.comments}
        values = []
        for q in questions:
            if q.type == "free_text":
                values.append(texts.get(q.key))
                continue
            instead = shown_instead(q.role, shown)
            if instead is not None:
                values.append(instead)
                continue
            value = r.answers.get(q.key)
            if labels and value not in (None, "", []):
                value = [q.label_for(str(v)) for v in value] if isinstance(value, list) else q.label_for(str(value))
            values.append("; ".join(map(str, value)) if isinstance(value, list) else value)
        table.rows.append([r.id, shown.version(r.instrument_version), shown.details.get("channel", NOT_SHOWN),
                           shown_period(r.period, shown), r.period_estimated if shown.month_shown else NOT_SHOWN,
                           r.reviewed, *values])
    table.dictionary = [["column", "question or meaning", "type", "answers (value = label)"]]
    table.dictionary += [[k, h, "", ""] for k, h in RESPONSE_COLUMNS]
    for q in questions:
        answers = "; ".join(f"{v} = {label}" for v, label in q.choices()) if q.type not in ("free_text", "month") \
            else ("YYYY-MM" if q.type == "month" else "free text")
        table.dictionary.append([q.key, q.text, q.type, answers])
    return table


def comments_table(organisation_id: int, quarter: str | None = None) -> Table:
    """One row per free-text answer or focus-group remark."""
    table = Table(name="Comments", keys=[k for k, _ in COMMENT_COLUMNS], headings=[h for _, h in COMMENT_COLUMNS])
    plan = organisation_plan(current_app.config["DISCLOSURE_THRESHOLD"])
    rows = db.session.execute(
        db.select(Comment, Response.instrument_slug)
        .outerjoin(Response, Comment.response_id == Response.id)
        .where(Comment.organisation_id == organisation_id)
    ).all()
    # Answers whose response was released after the plan was made wait for the next export.
    answers = [(c, slug) for c, slug in rows if c.response_id in plan]
    remarks = [(c, slug) for c, slug in rows if c.response_id is None]
    # A questionnaire's answers as their response is shown (period, order, quarter chosen); a
    # focus-group remark by its session's month, which everyone present knows.
    answers = sorted((x for x in answers if quarter is None or quarter in plan[x[0].response_id].quarters),
                     key=lambda x: (plan[x[0].response_id].order, x[0].id))
    start, end = quarter_bounds(quarter) if quarter else (None, None)
    remarks = sorted((x for x in remarks if quarter is None or start <= x[0].period < end),
                     key=lambda x: (x[0].period, x[0].id))
    for comment, slug in answers + remarks:
        source = slug or ("focus-group" if comment.focus_group_id else "")
        when = comment.period if comment.response_id is None else shown_period(comment.period,
                                                                              plan[comment.response_id])
        table.rows.append([comment.id, comment.response_id, comment.focus_group_id, source, comment.question_key,
                           comment.purpose, when, comment.text])
    table.dictionary = [["column", "meaning"]] + [[k, h] for k, h in COMMENT_COLUMNS]
    return table


def to_csv(table: Table) -> bytes:
    """UTF-8 with BOM; one header row of column keys (the XLSX export's data dictionary, or
    the export page, says what each column holds)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(v) for v in table.keys])
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """A workbook: the data (one header row of column keys) and a data dictionary sheet."""
    from openpyxl import Workbook  # loaded on use: it slows every start-up

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name)
    sheet.append([neutralise(v) for v in table.keys])
    for row in table.rows:
        sheet.append([neutralise(v) for v in row])
    dictionary = book.create_sheet("Data dictionary")
    for row in table.dictionary:
        dictionary.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _choices(form: ExportForm) -> None:
    instruments = db.session.execute(
        db.select(Instrument).where(Instrument.is_current.is_(True), Instrument.kind != "focus_group")
        .order_by(Instrument.title)
    ).scalars().all()
    # Each questionnaire by its title in the language of the page; the file itself is in English.
    form.instrument.choices = [(i.slug, definition_of(i).localised(current_language()).title) for i in instruments]
    form.quarter.choices = [("", _("All periods"))] + [(q, q) for q in recent_quarters(date.today(), 12)]


@bp.route("/export", methods=["GET", "POST"])
@hr_only
def export():
    form = ExportForm()
    _choices(form)
    if form.validate_on_submit():
        quarter = form.quarter.data or None
        if quarter not in dict(form.quarter.choices):
            quarter = None
        org_id = current_user.organisation_id
        if form.dataset.data == "comments":
            table, label = comments_table(org_id, quarter), "comments"
        else:
            slug = form.instrument.data if form.instrument.data in dict(form.instrument.choices) else "exit"
            table, label = responses_table(org_id, slug, quarter, labels=form.answers.data != "codes"), \
                f"responses-{slug}"
        suffix = f"-{quarter.replace('/', '-').replace(' ', '-')}" if quarter else ""
        name = f"exitvoice-{label}{suffix}-{date.today().isoformat()}.{form.file_format.data}"
        audit.record("exported", table.name.lower(), None,
                     f"{len(table.rows)} rows as {form.file_format.data.upper()}"
                     f"{' for ' + quarter if quarter else ''} ({label})")
        db.session.commit()
        if form.file_format.data == "csv":
            body, mimetype = to_csv(table), "text/csv; charset=utf-8"
        else:
            body, mimetype = to_xlsx(table), XLSX_TYPE
        return HttpResponse(body, mimetype=mimetype,
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    focus_groups = db.session.execute(db.select(db.func.count()).select_from(FocusGroupSession)).scalar_one()
    return render_template("hr/export.html", form=form, focus_groups=focus_groups), (400 if form.errors else 200)
