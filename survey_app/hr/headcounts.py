"""HR uploads its establishment figures (headcounts, vacancies, agency workers, leavers) for the
turnover section of reports, from a CSV or XLSX template it can download here."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from analysis.periods import Quarter

from .. import audit
from ..extensions import db
from ..reports.headcounts import COLUMNS, HeadcountError, import_headcounts, template_rows
from . import bp
from .common import hr_only


class HeadcountUploadForm(FlaskForm):
    file = FileField(_l("Headcount file (CSV or XLSX)"), widget=GovFileInput(),
                     validators=[FileRequired(message=_l("Choose a CSV or XLSX file of headcounts"))])


def _template_quarter() -> Quarter:
    return Quarter.of(date.today()).previous()


@bp.route("/headcounts", methods=["GET", "POST"])
@hr_only
def headcounts():
    form = HeadcountUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            form.file.errors = [_("The file must be a CSV or XLSX file")]
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"headcounts{suffix}"
                upload.save(path)
                try:
                    summary = import_headcounts(path)
                except HeadcountError as exc:
                    db.session.rollback()
                    problems = exc.problems[:50]
                else:
                    audit.record("imported", "headcount", ",".join(summary.quarters), f"{summary.rows} rows")
                    db.session.commit()
                    flash(_("Loaded %(rows)s row(s) for %(quarters)s. Reports drafted from now on use them.",
                            rows=summary.rows, quarters=", ".join(summary.quarters)))
                    return redirect(url_for("hr.headcounts"))
    status = 400 if (form.errors or problems) else 200
    return render_template("hr/headcounts.html", form=form, problems=problems, columns=COLUMNS), status


@bp.route("/headcounts/template.csv")
@hr_only
def headcount_template_csv():
    out = io.StringIO()
    csv.writer(out).writerows(template_rows(_template_quarter()))
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=headcounts-template.csv"})


@bp.route("/headcounts/template.xlsx")
@hr_only
def headcount_template_xlsx():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Headcounts"
    for row in template_rows(_template_quarter()):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=headcounts-template.xlsx"})
