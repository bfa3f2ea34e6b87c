"""Report pages. HR drafts, reviews, picks quotes and "You said, we did" actions, and publishes;
the Employer Standards group reads published reports and downloads them. Nobody here sees an
individual answer: every figure has been through disclosure control, and quotes and actions are
scrubbed and approved by HR."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from analysis.periods import FinancialYear, Quarter

from .. import audit
from ..access import roles_required
from ..extensions import db
from ..hr.forms import NOTE_LIMIT
from ..i18n import NATIVE_NAMES, current_language
from ..models import Report, default_organisation
from ..submissions import clean_free_text, typed_length
from ..themes.service import theme_labels
from .service import (
    FORMATS,
    MEDIA_TYPES,
    ReportError,
    chart_svg_of,
    create_draft,
    edition_data,
    embeddable_html,
    file_name,
    publish,
    render,
    set_approved_actions,
    set_approved_quotes,
)

bp = Blueprint("reports", __name__)
readers = roles_required("hr", "standards")
hr_only = roles_required("hr")

KIND_NAMES = {"quarterly": _l("Quarterly theme report"), "length_of_service": _l("Length-of-service report"),
              "annual": _l("Annual report")}
DRAFT_BUTTONS = {"quarterly": _l("Draft quarterly theme report"),
                 "length_of_service": _l("Draft length-of-service report"), "annual": _l("Draft annual report")}
PERIOD_LABELS = {"quarterly": _l("Quarterly theme report: quarter"),
                 "length_of_service": _l("Length-of-service report: last quarter covered"),
                 "annual": _l("Annual report: financial year")}
FORMAT_NAMES = {"html": _l("Web page (HTML)"), "pdf": _l("PDF"), "csv": _l("Tables as CSV (zip)"),
                "xlsx": _l("Tables as Excel (XLSX)"), "json": _l("Data (JSON)")}


def _visible(report_id: str) -> Report:
    """The report, if this user may see it: HR any, the standards group only published ones."""
    report = db.session.get(Report, report_id)
    if report is None or report.organisation_id != default_organisation().id:
        abort(404)
    if current_user.role != "hr" and report.status != "published":
        abort(404)  # a draft does not exist for readers
    return report


def _period_choices(today: date) -> dict[str, list[str]]:
    quarters = [q.label for q in reversed(Quarter.of(today).last_n(9))][1:]  # completed quarters first
    this_year = Quarter.of(today).financial_year
    years = [FinancialYear(this_year.start_year - i).label for i in range(1, 4)]
    return {"quarterly": quarters, "length_of_service": quarters, "annual": years}


@bp.route("/")
@readers
def index():
    # The list shows no figures: each report's JSON (about a megabyte, and as much again for each
    # other language) is left unread (reading and decoding fifty took 1.4 s).
    query = sa.select(Report).options(sa.orm.load_only(
        Report.kind, Report.period, Report.status, Report.published_at, Report.created_at,
    )).where(Report.organisation_id == default_organisation().id)
    if current_user.role != "hr":
        query = query.where(Report.status == "published")
    reports = db.session.execute(query.order_by(Report.created_at.desc())).scalars().all()
    return render_template("reports/index.html", reports=reports, kinds=KIND_NAMES, draft_buttons=DRAFT_BUTTONS,
                           period_labels=PERIOD_LABELS,
                           periods=_period_choices(date.today()), error=request.args.get("error"))


@bp.route("/new", methods=["POST"])
@hr_only
def new():
    kind = request.form.get("kind", "")
    period = request.form.get(f"period_{kind}", "")
    try:
        report = create_draft(kind, period, created_by=current_user.email)
    except ReportError as exc:
        return redirect(url_for("reports.index", error=str(exc)))
    audit.record("drafted", "report", report.id, detail=f"{kind} {report.period}")
    db.session.commit()
    return redirect(url_for("reports.show", report_id=report.id))


@bp.route("/<report_id>")
@readers
def show(report_id: str):
    return _show(_visible(report_id))


def _edition(report: Report) -> str:
    """The language a report is shown in: the edition asked for (``?edition=``), else the
    reader's own page language where the report has that edition ready (published, or a draft
    built with its editions); a draft made before its council offered the language in English
    unless asked, since that edition is built again for each view (a second or two). Only
    languages offered."""
    offered = current_app.config["LANGUAGES"]
    ready = report.status == "published" or current_language() in (report.editions or {})
    wanted = request.args.get("edition") or (current_language() if ready else "en")
    return wanted if wanted in offered else "en"


def _shown(report: Report) -> tuple[str, dict, str | None]:
    """(language, data, problem) of the edition shown: the one :func:`_edition` picks, else,
    where it cannot be made (the data changed since the report was built), English and why."""
    edition = _edition(report)
    try:
        return edition, edition_data(report, edition), None
    except ReportError as exc:
        return "en", report.data, str(exc)


def _show(report: Report, status: int = 200, action_errors: dict[int, str] | None = None,
          typed: dict[int, str] | None = None, chosen: set[int] | None = None):
    """The report page; after a refused "You said, we did" form, with what HR typed and ticked.
    The report itself is shown in its edition in the reader's language where the council offers
    it (see :func:`_edition`), with a switch to the others; where that edition cannot be made
    (the data changed since the report was built), in English, saying why."""
    edition, data, problem = _shown(report)
    offered = current_app.config["LANGUAGES"]
    editions = [{"code": code, "name": NATIVE_NAMES[code], "current": code == edition,
                 "href": url_for("reports.show", report_id=report.id, edition=code)}
                for code in offered] if len(offered) > 1 else []
    # A draft's other edition not made with it is built for this page alone: its charts travel
    # with it (a chart's address would build it again).
    built_here = edition != "en" and report.status != "published" and edition not in (report.editions or {})
    body = embeddable_html(data, None if built_here else lambda chart_id: url_for(
        "reports.chart", report_id=report.id, chart_id=chart_id, edition=None if edition == "en" else edition))
    return render_template("reports/show.html", report=report, body=body, kinds=KIND_NAMES, formats=FORMAT_NAMES,
                           error=request.args.get("error"), action_errors=action_errors or {},
                           typed=typed or {}, chosen=chosen, note_limit=NOTE_LIMIT, welsh="cy" in offered,
                           edition=edition, editions=editions, edition_problem=problem,
                           theme_names=theme_labels(report.organisation_id)), status


@bp.route("/<report_id>/charts/<chart_id>.svg")
@readers
def chart(report_id: str, chart_id: str):
    _, data, _ = _shown(_visible(report_id))
    svg = chart_svg_of(data, chart_id)
    if svg is None:
        abort(404)
    return Response(svg, mimetype="image/svg+xml")


@bp.route("/<report_id>/download/<fmt>")
@bp.route("/<report_id>/download/<language>/<fmt>")
@readers
def download(report_id: str, fmt: str, language: str = "en"):
    """A report file; with ``cy``, its Welsh edition (only where the council offers Welsh)."""
    report = _visible(report_id)
    if fmt not in FORMATS or language not in current_app.config["LANGUAGES"]:
        abort(404)
    try:
        content = render(report, fmt, language)
    except ReportError as exc:
        return redirect(url_for("reports.show", report_id=report.id, error=str(exc)))
    audit.record("downloaded", "report", report.id, detail=fmt if language == "en" else f"{fmt} ({language})")
    db.session.commit()
    name = file_name(report, fmt) if language == "en" else f"{language}-{file_name(report, fmt)}"
    return Response(content, mimetype=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/<report_id>/quotes", methods=["POST"])
@hr_only
def quotes(report_id: str):
    report = _visible(report_id)
    chosen = {int(v) for v in request.form.getlist("quotes") if v.isdigit()}
    try:
        set_approved_quotes(report, chosen)
    except ReportError as exc:
        return redirect(url_for("reports.show", report_id=report.id, error=str(exc)))
    audit.record("approved_quotes", "report", report.id, detail=f"{len(chosen)} quotes")
    db.session.commit()
    flash(ngettext("%(num)d quote approved. The draft now shows it.",
                   "%(num)d quotes approved. The draft now shows them.", len(chosen)))
    return redirect(url_for("reports.show", report_id=report.id, _anchor="quotes"))


@bp.route("/<report_id>/actions", methods=["POST"])
@hr_only
def actions(report_id: str):
    """HR's choice of action notes for "You said, we did", each in the words to publish."""
    report = _visible(report_id)
    offered = {a.id for a in report.actions}
    chosen = {int(v) for v in request.form.getlist("actions") if v.isdigit() and int(v) in offered}
    typed = {a.id: request.form.get(f"action-text-{a.id}", a.text) for a in report.actions}
    errors = {}
    for action_id in chosen:
        words = typed[action_id].strip()
        if not words:
            errors[action_id] = _("Enter the words to publish, or untick this action")
        elif typed_length(words) > NOTE_LIMIT:
            errors[action_id] = _("The words to publish must be %(limit)s characters or fewer",
                                  limit=f"{NOTE_LIMIT:,}")
    if errors:
        return _show(report, 400, errors, typed, chosen)
    try:
        set_approved_actions(report, {i: clean_free_text(typed[i]) for i in chosen})
    except ReportError as exc:
        return redirect(url_for("reports.show", report_id=report.id, error=str(exc)))
    audit.record("approved_actions", "report", report.id, detail=f"{len(chosen)} actions")
    db.session.commit()
    flash(ngettext("%(num)d action approved for publication. The draft now shows it under “You said, we did” "
                   "where its theme can be named.",
                   "%(num)d actions approved for publication. The draft now shows them under “You said, we did” "
                   "where their theme can be named.", len(chosen)))
    return redirect(url_for("reports.show", report_id=report.id, _anchor="actions"))


@bp.route("/<report_id>/publish", methods=["POST"])
@hr_only
def publish_report(report_id: str):
    report = _visible(report_id)
    try:
        publish(report, published_by=current_user.email, without_quotes=request.form.get("without_quotes") == "yes")
    except ReportError as exc:
        return redirect(url_for("reports.show", report_id=report.id, error=str(exc), _anchor="publish"))
    audit.record("published", "report", report.id, detail=f"{report.kind} {report.period}")
    db.session.commit()
    flash(_("Published. The Employer Standards group can now read and download it."))
    return redirect(url_for("reports.show", report_id=report.id))
