"""Drafting, quoting and publishing reports: the one code path for the app and the CLI.

The figures come from ``analysis.reports`` (every table through disclosure control); this module
adds the workflow. A draft is built from the data as it is now; HR reviews it, approves quotes and
publishes it, which freezes it. A published report is never changed: new data makes a new draft.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, gettext
from sqlalchemy import event, inspect

from analysis.periods import FinancialYear, PeriodError, Quarter

from ..extensions import db
from ..models import (
    REPORT_KINDS,
    ActionNote,
    Report,
    ReportAction,
    ReportFile,
    ReportQuote,
    ThemeAssignment,
    ThemeRunRecord,
    default_organisation,
)
from ..themes.service import theme_labels

# The analysis package (pandas, scikit-learn, nltk, matplotlib) loads on first use, not when a web
# worker or command starts.
if TYPE_CHECKING:
    from analysis.disclosure import History
    from analysis.loaders import Frames
    from analysis.text import Scrubber

EARLIEST_REPORT_YEAR = 2000
# Quotes sit under the themes of why people left, so only answers to that question are offered:
# what worked well is praise, and would never illustrate a reason for leaving.
QUOTE_PURPOSES = ("reasons",)
QUOTES_PER_THEME = 3
FORMATS = ("html", "pdf", "csv", "xlsx", "json")
MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "csv": "application/zip",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "json": "application/json"}
FILE_SUFFIX = {"html": "html", "pdf": "pdf", "csv": "zip", "xlsx": "xlsx", "json": "json"}


class ReportError(ValueError):
    """A report request that cannot be carried out, with a reason a person can act on."""


class PublishedReportIsImmutable(RuntimeError):
    pass


@event.listens_for(Report, "before_update")
def _refuse_changes_to_published(_mapper, _connection, target: Report) -> None:
    history = inspect(target).attrs.status.history
    was = history.deleted[0] if history.deleted else target.status
    if was == "published":
        raise PublishedReportIsImmutable(f"report {target.id} is published and cannot change")


@event.listens_for(Report, "before_delete")
def _refuse_deleting_published(_mapper, _connection, target: Report) -> None:
    if target.status == "published":
        raise PublishedReportIsImmutable(f"report {target.id} is published and cannot be deleted")


def period_error_text(error: PeriodError) -> str:
    """Why a period cannot be read, in the language of the page (``analysis.periods`` says it in
    English); labels keep their English form ("2025/26 Q1"), which is what is typed and stored."""
    label = repr(error.details.get("label", ""))
    if error.kind == "not_quarter":
        return gettext("%(label)s is not a quarter label like '2025/26 Q1'", label=label)
    if error.kind == "not_year":
        return gettext("%(label)s is not a financial year label like '2025/26'", label=label)
    if error.kind == "years_apart":
        return gettext("%(label)s is not a financial year: the second year must follow the first (expected "
                       "%(expected)s)", label=label, expected=error.details["expected"])
    if error.kind == "year_out_of_range":
        return gettext("financial year %(year)s is out of range", year=error.details["year"])
    return str(error)


def normalise_period(kind: str, period: str) -> str:
    """The canonical label for a report's period, or ReportError."""
    if kind not in REPORT_KINDS:
        raise ReportError(gettext("kind must be one of %(kinds)s", kinds=", ".join(REPORT_KINDS)))
    try:
        parsed = FinancialYear.parse(period) if kind == "annual" else Quarter.parse(period)
    except PeriodError as exc:
        raise ReportError(period_error_text(exc)) from None
    # Reports compare with the year before, so the earliest period leaves room for it.
    if parsed.start_year < EARLIEST_REPORT_YEAR:
        raise ReportError(gettext("%(period)s is too early: reports start from %(first)s", period=parsed.label,
                                  first=f"{EARLIEST_REPORT_YEAR}/{(EARLIEST_REPORT_YEAR + 1) % 100:02d}"))
    if parsed.start > datetime.now(UTC).date():
        raise ReportError(gettext("%(period)s has not started yet", period=parsed.label))
    return parsed.label


def period_end(kind: str, period: str) -> date:
    """The last day of a report's period."""
    return (FinancialYear.parse(period) if kind == "annual" else Quarter.parse(period)).end


def period_has_ended(kind: str, period: str) -> bool:
    """Whether the whole of a report's period is over, so its figures can no longer change."""
    return period_end(kind, period) < datetime.now(UTC).date()


def _first_day_read(kind: str, period: str) -> date:
    """The first day of the data a report of this period reads (older answers are not loaded)."""
    from analysis.reports.quarterly import report_window

    last = FinancialYear.parse(period).quarters()[-1] if kind == "annual" else Quarter.parse(period)
    return report_window(last)[0].start


def _months(kind: str, period: str) -> set[str]:
    if kind == "annual":
        quarters = FinancialYear.parse(period).quarters()
    else:
        quarters = [Quarter.parse(period)]
    return {str(m) for q in quarters for m in q.months()}


def scrubber() -> Scrubber:
    """The scrubber for text leaving HR's view, with the council's names from the instance folder."""
    from analysis.text import Scrubber, ScrubRules

    path = Path(current_app.instance_path) / "scrub.yaml"
    if path.exists():
        import yaml

        return Scrubber(ScrubRules.from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")) or {}))
    return Scrubber()


def _published(column, organisation_id: int, threshold: int):  # noqa: ANN001, ANN202
    """A query of ``column`` over the reports the organisation published at this threshold,
    oldest first."""
    return sa.select(column).where(
        Report.organisation_id == organisation_id, Report.status == "published", Report.threshold == threshold,
    ).order_by(Report.published_at, Report.id)


def _published_reports(organisation_id: int, threshold: int, exclude: int | None = None) -> list[dict]:
    """The data of every report the organisation published at this threshold, oldest first:
    together they are the ledger of every figure it has ever published."""
    query = _published(Report.data, organisation_id, threshold)
    if exclude is not None:
        query = query.where(Report.id != exclude)
    return list(db.session.execute(query).scalars())


@dataclass
class _PublishedLedger:
    """What the readers of an organisation's published reports hold, read once per process."""

    report_ids: tuple[int, ...] = ()
    figures: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    markers: set = field(default_factory=set)
    _history: History | None = None

    @property
    def history(self) -> History:
        """The figures and relations as a draft holds them, made on first use (each draft would
        otherwise index and fold every published relation again)."""
        from analysis.disclosure import History

        if self._history is None:
            self._history = History(self.figures, self.relations)
        return self._history


_LEDGERS: dict[tuple[str, int, int], _PublishedLedger] = {}
_LEDGERS_LOCK = threading.Lock()
# Held while a ledger is read, so that a draft arriving while the worker reads at start
# (``read_published_ledgers``) waits for that reading instead of doing it again beside it.
_READING = threading.Lock()
#: relations from which a ledger is frozen out of the garbage collector's scans (about three
#: years of quarterly reports; see ``_read_published_ledger``)
FREEZE_FROM = 20_000


def forget_published_ledgers() -> None:
    """Drop what this process has read of published reports (after their rows were emptied
    outside the app, as the tests do between cases)."""
    with _LEDGERS_LOCK:
        _LEDGERS.clear()


def _published_ledger(organisation_id: int, threshold: int) -> _PublishedLedger:
    """The figures, relations and statements of every report the organisation published at this
    threshold (as ``published_figures``, ``published_relations`` and ``published_statements`` read
    them from the reports, oldest first).

    A published report never changes (see ``_refuse_changes_to_published``), so each process
    keeps what it has read and, when reports have been published since, reads only those: a
    draft then reads megabytes of ledger once per process instead of once per draft."""
    with _READING:
        return _read_published_ledger(organisation_id, threshold)


def _read_published_ledger(organisation_id: int, threshold: int) -> _PublishedLedger:
    from analysis.reports.common import published_figures, published_relations, published_statements

    ids = tuple(db.session.execute(_published(Report.id, organisation_id, threshold)).scalars())
    cache_key = (db.engine.url.render_as_string(hide_password=True), organisation_id, threshold)
    with _LEDGERS_LOCK:
        known = _LEDGERS.get(cache_key)
    if known is not None and known.report_ids == ids:
        return known
    if known is None or known.report_ids != ids[:len(known.report_ids)]:
        known = _PublishedLedger()
    new_ids = ids[len(known.report_ids):]
    rows = {rid: data for rid, data in db.session.execute(
        sa.select(Report.id, Report.data).where(Report.id.in_(new_ids)))} if new_ids else {}
    reports = [rows[rid] for rid in new_ids]
    figures = dict(known.figures)
    for key, value in published_figures(reports).items():
        figures.setdefault(key, value)
    markers = set(known.markers)
    relations = [*known.relations, *published_relations(reports, seen=markers)]
    ledger = _PublishedLedger(ids, figures, relations, [*known.statements, *published_statements(reports)], markers)
    with _LEDGERS_LOCK:
        _LEDGERS[cache_key] = ledger
    if len(relations) >= FREEZE_FROM:
        # The ledger lives as long as the process: with years of reports published it is
        # hundreds of thousands of objects, which Python's cyclic garbage collector would scan
        # again in every full collection, in this draft and in every request after it (0.1 to
        # 0.2 s of a draft with ten years published). Frozen, they are left out of its scans.
        # What else is alive now is frozen with them, and a cycle among those that dies later is
        # never collected: about 2,500 objects each time a ledger is made, which happens once
        # per process and publication.
        ledger.history  # noqa: B018 - made now, to be frozen with the rest
        gc.freeze()
    return ledger


def prepare_drafting() -> list[tuple[int, int, int]]:
    """Read now what a process's first draft would otherwise read: the published reports'
    ledgers (``read_published_ledgers``; about a second with ten years of quarterly reports), the
    shipped theme taxonomy and the scrubber's word lists (a few tenths of a second; each is read
    once per process). A web worker does this as it starts (``gunicorn.conf.py``), so that its
    first draft takes as long as any other. Returns what ``read_published_ledgers`` returns."""
    from analysis.taxonomy import load_taxonomy
    from analysis.text import word_lists

    load_taxonomy()
    word_lists()
    return read_published_ledgers()


def read_published_ledgers() -> list[tuple[int, int, int]]:
    """Read now the ledger of every organisation and threshold that has published reports, with
    every relation held as a draft holds it (see ``prepare_drafting``). Returns (organisation,
    threshold, reports read) for each ledger."""
    pairs = db.session.execute(sa.select(Report.organisation_id, Report.threshold).where(
        Report.status == "published").distinct().order_by(Report.organisation_id, Report.threshold)).all()
    read = []
    for organisation_id, threshold in pairs:
        with _READING:
            ledger = _read_published_ledger(organisation_id, threshold)
            history = ledger.history
            for i in range(len(history.relations)):
                history.held(i)
            if len(history.relations) >= FREEZE_FROM:
                gc.freeze()  # the held relations too (see ``_read_published_ledger``)
        read.append((organisation_id, threshold, len(ledger.report_ids)))
    db.session.rollback()
    return read


def build_report_data(kind: str, period: str, quotes: list[dict[str, str]] | None = None,
                      actions: list[dict[str, str]] | None = None, frames: Frames | None = None,
                      language: str = "en", shared: dict | None = None) -> dict:
    """The report as the analysis package builds it from the database as it is now (or from
    ``frames`` already read from it), with the figures of periods already published kept as
    they were published; ``language`` ("en" or "cy") is the edition's, with the same figures
    (``shared``: kept between the editions of one report, see :func:`build_editions`).
    Reading back what was published allocates as much as the build itself, so the garbage
    collector is paused for both (see ``without_gc_pauses``)."""
    from analysis.reports.base import without_gc_pauses

    return without_gc_pauses(_build_report_data)(kind, period, quotes, actions, frames, language, shared)


def build_editions(kind: str, period: str, quotes: list[dict[str, str]] | None = None,
                   actions: list[dict[str, str]] | None = None,
                   frames: Frames | None = None) -> tuple[dict, dict[str, dict]]:
    """The report in English and its editions in the council's other languages (``{"cy": data}``,
    empty where only English is offered), built from one reading of the answers: the editions
    take the English build's counts and decisions with their own words, so they hold the same
    figures and cost a fraction of a second build."""
    from analysis.loaders import load_frames

    others = [language for language in current_app.config["LANGUAGES"] if language != "en"]
    if others and frames is None:
        frames = load_frames(db.engine, organisation_id=default_organisation().id,
                             since=_first_day_read(kind, period))
    shared: dict = {}
    data = build_report_data(kind, period, quotes, actions, frames, shared=shared)
    return data, {language: build_report_data(kind, period, quotes, actions, frames, language, shared)
                  for language in others}


def _build_report_data(kind: str, period: str, quotes: list[dict[str, str]] | None,
                       actions: list[dict[str, str]] | None, frames: Frames | None, language: str,
                       shared: dict | None) -> dict:
    from analysis.loaders import load_frames
    from analysis.reports import build_annual_report, build_length_of_service_report, build_quarterly_report
    from analysis.reports.translation import ReportWords, provisional_title, theme_labels_in

    org = default_organisation()
    frames = frames if frames is not None else load_frames(db.engine, organisation_id=org.id,
                                                           since=_first_day_read(kind, period))
    model_version = db.session.execute(
        sa.select(ThemeRunRecord.model_version).where(ThemeRunRecord.organisation_id == org.id)
        .order_by(ThemeRunRecord.id.desc()).limit(1)
    ).scalar()
    k = current_app.config["DISCLOSURE_THRESHOLD"]
    earlier = _published_ledger(org.id, k)
    # What readers of the published reports hold: a new draft keeps their figures and is told
    # their relations, so that nothing it adds gives away a figure they hid.
    labels = theme_labels_in(theme_labels(org.id, for_publication=True), language)
    common = {"theme_labels": labels, "k": k, "model_version": model_version, "language": language,
              "published": dict(earlier.figures), "published_relations": earlier.history}
    args = (frames.responses, frames.comments, frames.theme_assignments, frames.headcounts)
    # Comparisons stated before are known to readers: a new one is said only if safe with them.
    stated = {"quotes": quotes or [], "actions": actions or [], "statements": list(earlier.statements)}
    if kind == "quarterly":
        data = build_quarterly_report(*args, quarter=period, **stated, **common, shared=shared)
    elif kind == "annual":
        data = build_annual_report(*args, year=period, **stated, **common, shared=shared)
    else:
        data = build_length_of_service_report(*args, quarter=period, **common, shared=shared)
    # A period still running gives figures that will change: two versions of the same
    # quarter could be subtracted, so such a report is a provisional draft and never published.
    if not period_has_ended(kind, period):
        data["parameters"]["provisional"] = True
        data["title"] = provisional_title(data["title"], period_end(kind, period), ReportWords(language))
    # Who published it and how it must be handled, on every page of every format.
    data["parameters"]["council"] = current_app.config["COUNCIL_NAME"]
    data["parameters"]["marking"] = current_app.config["PROTECTIVE_MARKING"]
    return data


def quote_candidates(kind: str, period: str, frames: Frames | None = None) -> list[tuple[str, str]]:
    """(theme id, scrubbed text) pairs HR may choose from: exit comments in the period, per theme."""
    if kind == "length_of_service":
        return []
    from analysis.loaders import load_frames

    org = default_organisation()
    frames = frames if frames is not None else load_frames(db.engine, organisation_id=org.id,
                                                           since=_first_day_read(kind, period))
    comments = frames.comments
    months = _months(kind, period)
    comments = comments[comments["text"].notna() & comments["purpose"].isin(QUOTE_PURPOSES)
                        & (comments["instrument_kind"] == "exit")
                        & comments["period"].astype(str).isin(months)]
    if comments.empty:
        return []
    rows = db.session.execute(
        sa.select(ThemeAssignment.comment_id, ThemeAssignment.theme_id, ThemeAssignment.score)
        .where(ThemeAssignment.comment_id.in_(comments["comment_id"].tolist()),
               ThemeAssignment.source != "rejected", ~ThemeAssignment.theme_id.startswith("emerging:"))
        .order_by(ThemeAssignment.theme_id, ThemeAssignment.score.desc(), ThemeAssignment.comment_id)
    ).all()
    text_of = dict(zip(comments["comment_id"], comments["text"], strict=True))
    scrub = scrubber()
    chosen: dict[str, list[str]] = {}
    for comment_id, theme_id, _score in rows:
        picked = chosen.setdefault(theme_id, [])
        if len(picked) < QUOTES_PER_THEME:
            text = scrub.scrub(text_of[comment_id])
            if text not in picked:
                picked.append(text)
    return [(theme, text) for theme, texts in sorted(chosen.items()) for text in texts]


def action_candidates(kind: str, period: str) -> list[ActionNote]:
    """Action notes HR may publish under "You said, we did": those naming a theme, written from
    the start of the period before the report's to the end of its own (a quarterly report tells
    what was done about last quarter's themes as well as this one's), oldest first."""
    if kind == "length_of_service":
        return []
    parsed = FinancialYear.parse(period) if kind == "annual" else Quarter.parse(period)
    start = datetime.combine(parsed.previous().start, datetime.min.time())
    end = datetime.combine(parsed.end, datetime.max.time())
    return list(db.session.execute(
        sa.select(ActionNote).where(ActionNote.organisation_id == default_organisation().id,
                                    ActionNote.theme_id.is_not(None),
                                    ActionNote.written_at.between(start, end))
        .order_by(ActionNote.written_at, ActionNote.id)
    ).scalars())


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def create_draft(kind: str, period: str, created_by: str) -> Report:
    """Build a new draft from the data as it is now, offering quotes and actions HR approved
    for an earlier draft of the same period (approved again, in the words approved then)."""
    from analysis.loaders import load_frames

    period = normalise_period(kind, period)
    org = default_organisation()
    earlier = {(q.theme_id, q.text) for q in db.session.execute(
        sa.select(ReportQuote).join(Report).where(Report.organisation_id == org.id, Report.kind == kind,
                                                  Report.period == period, ReportQuote.approved.is_(True))
    ).scalars()}
    report = Report(organisation_id=org.id, kind=kind, period=period, status="draft",
                    threshold=current_app.config["DISCLOSURE_THRESHOLD"], data={}, created_at=_now(),
                    created_by=created_by)
    # The data are read once; the report is built once, with the earlier approvals (the builder
    # shows a quote or an action only under a theme at least k people cited, as offered below).
    frames = load_frames(db.engine, organisation_id=org.id, since=_first_day_read(kind, period))
    quotes = quote_candidates(kind, period, frames)
    approved_before = {a.note_id: a.text for a in db.session.execute(
        sa.select(ReportAction).join(Report).where(Report.organisation_id == org.id, Report.kind == kind,
                                                   Report.period == period, ReportAction.approved.is_(True))
        .order_by(ReportAction.id)
    ).scalars()}
    scrub = scrubber()
    for note in action_candidates(kind, period):
        report.actions.append(ReportAction(
            note_id=note.id, theme_id=note.theme_id, approved=note.id in approved_before,
            text=approved_before.get(note.id) or scrub.scrub(note.text)))
    report.data, editions = build_editions(
        kind, period, [{"theme_id": t, "text": text} for t, text in quotes if (t, text) in earlier],
        [{"theme_id": a.theme_id, "text": a.text} for a in report.actions if a.approved], frames)
    report.editions = editions or None
    quotable = _quotable_themes(report.data, report.threshold)
    for theme_id, text in quotes:
        if theme_id in quotable:
            report.quotes.append(ReportQuote(theme_id=theme_id, text=text, approved=(theme_id, text) in earlier))
    report.model_version = report.data.get("parameters", {}).get("model_version")
    db.session.add(report)
    db.session.commit()
    return report


def _quotable_themes(data: dict, k: int) -> set[str]:
    """Themes the report shows at least k people citing: the only ones a quote may come from."""
    for section in data.get("sections", []):
        for table in section.get("tables", []):
            if table["id"] == "themes_ranked":
                return {row["id"] for row in table["rows"]
                        if isinstance(row["values"][0], int) and row["values"][0] >= k}
    return set()


def _rebuild(report: Report) -> None:
    approved = [{"theme_id": q.theme_id, "text": q.text} for q in report.quotes if q.approved]
    actions = [{"theme_id": a.theme_id, "text": a.text} for a in report.actions if a.approved]
    report.data, editions = build_editions(report.kind, report.period, approved, actions)
    report.editions = editions or None
    report.model_version = report.data.get("parameters", {}).get("model_version") or report.model_version


def quotes_from_before(cutoff: date) -> tuple[list[ReportQuote], list[Report]]:
    """The quotes the retention purge removes with the comments they were copied from: on every
    report with a month before ``cutoff``, each quote HR did not approve, and on a draft the
    approved ones too (a draft is not a publication). A published report keeps the quotes it
    published: they are part of the document the council issued. Returns the quotes and the
    drafts that lose an approved quote (they must be rebuilt without it)."""
    first_kept = cutoff.strftime("%Y-%m")  # months are compared as "YYYY-MM"
    quotes, drafts = [], []
    reports = db.session.execute(sa.select(Report).where(
        Report.organisation_id == default_organisation().id, Report.kind != "length_of_service")).scalars()
    for report in reports:
        if min(_months(report.kind, report.period)) >= first_kept:
            continue
        gone = [q for q in report.quotes if report.status == "draft" or not q.approved]
        quotes += gone
        if report.status == "draft" and any(q.approved for q in gone):
            drafts.append(report)
    return quotes, drafts


def forget_quotes(quotes: list[ReportQuote], drafts: list[Report]) -> None:
    """Delete ``quotes`` and rebuild ``drafts`` without them, in the caller's transaction."""
    for quote in quotes:
        quote.report.quotes.remove(quote)  # deleted as an orphan
    for report in drafts:
        _rebuild(report)


def set_approved_quotes(report: Report, approved_ids: set[int]) -> None:
    """HR's choice of quotes for a draft; the draft is rebuilt to show them."""
    if report.status != "draft":
        raise ReportError(gettext("Only a draft can change."))
    for quote in report.quotes:
        quote.approved = quote.id in approved_ids
    _rebuild(report)
    db.session.commit()


def set_approved_actions(report: Report, approved: dict[int, str]) -> None:
    """HR's choice of actions for "You said, we did", each in the words HR approved (by action
    id); the draft is rebuilt to show them. Approved wording is scrubbed of names again."""
    if report.status != "draft":
        raise ReportError(gettext("Only a draft can change."))
    scrub = scrubber()
    for action in report.actions:
        action.approved = action.id in approved
        if action.approved:
            action.text = scrub.scrub(approved[action.id])
    _rebuild(report)
    db.session.commit()


def publish(report: Report, published_by: str, without_quotes: bool = False) -> Report:
    """Freeze a draft. Refused when it offers quotes and none were approved, unless ``without_quotes``."""
    if report.status != "draft":
        raise ReportError(gettext("This report is already published."))
    if not period_has_ended(report.kind, report.period):
        raise ReportError(gettext(
            "%(period)s ends on %(end)s. A report can be published only once its period is over, so that its "
            "figures never change after publication.", period=report.period,
            end=format_date(period_end(report.kind, report.period), "d MMMM y")))
    if report.quotes and not any(q.approved for q in report.quotes) and not without_quotes:
        raise ReportError(gettext("No quotes are approved. Approve quotes first, or publish without quotes."))
    check_against_published(report)
    if without_quotes:
        for quote in report.quotes:
            quote.approved = False
        _rebuild(report)
    # Where the council offers Welsh, the Welsh edition is published with the report (the
    # Welsh Language Standards: no less favourably than English): the one built with the draft,
    # or for a draft made before Welsh was offered, one built now, refused (and nothing
    # published) if the data no longer give exactly the report's figures.
    welsh = None
    if "cy" in current_app.config["LANGUAGES"]:
        try:
            welsh = edition(report, "cy")
        except ReportError:
            db.session.rollback()
            raise
    report.without_quotes = without_quotes
    report.status = "published"
    report.published_at = _now()
    report.published_by = published_by
    # Every format is rendered now, once, and kept with the snapshot in the same transaction.
    for fmt in FORMATS:
        db.session.add(ReportFile(report_id=report.id, format=fmt, content=_render(report.data, fmt)))
        if welsh is not None:
            db.session.add(ReportFile(report_id=report.id, format=_stored_as(fmt, "cy"), content=_render(welsh, fmt)))
    db.session.commit()
    return report


def _stored_as(fmt: str, language: str) -> str:
    """The name a rendered file is kept under: the format, after the language for an edition
    other than English ("cy.pdf")."""
    return fmt if language == "en" else f"{language}.{fmt}"


def check_against_published(report: Report) -> None:
    """Refuse a report that, read with everything already published, would give a count away.

    Two checks against the ledger of published reports: every figure published before must
    read the same here (two versions of one count differ by the late returns in between), and
    the auditor, holding all the reports and the relations they state, must find no hidden
    count it can work out."""
    from analysis.disclosure import audit_reports
    from analysis.reports.common import published_figures

    earlier = _published_reports(report.organisation_id, report.threshold, exclude=report.id)
    before = published_figures(earlier)
    cells = report.data.get("disclosure", {}).get("audit", {}).get("cells", {})
    changed = sorted(key for key, value in cells.items() if key in before and before[key] != value)
    if changed:
        first = changed[0]
        raise ReportError(gettext(
            "%(count)s figure(s) in this draft differ from the same figures already published (for example "
            "%(cell)s: published as %(before)s, now %(now)s). Publishing both would let a reader subtract one "
            "from the other. Make a new draft: it keeps the published figures.", count=len(changed), cell=first,
            before=before[first], now=cells[first]))
    try:
        result = audit_reports([*earlier, report.data], exact=False)
    except ValueError as exc:
        raise ReportError(gettext("This draft contradicts a published report (%(reason)s). Make a new draft.",
                                  reason=exc)) from None
    if result.disclosed:
        raise ReportError(gettext(
            "Read with the reports already published, this draft would let a reader work out %(count)s hidden "
            "figure(s) (for example %(cell)s). Make a new draft.", count=len(result.disclosed),
            cell=result.disclosed[0]))


def render(report: Report, fmt: str, language: str = "en") -> bytes:
    """A report in one output format: only the published (suppressed) figures, in every format.

    A published report is served from the files stored when it was published (one published
    before files were stored gets them on its first download); a draft is rendered each time.
    Another ``language`` than English is an edition built from the data again, with the report's
    approved quotes and actions, and refused unless its figures are the report's own; for a
    published report it is stored at publication where the council offers that language."""
    if fmt not in FORMATS:
        raise ReportError(f"format must be one of {', '.join(FORMATS)}")
    if report.status != "published":
        return _render(report.data if language == "en" else edition(report, language), fmt)
    stored = db.session.execute(sa.select(ReportFile.content).where(
        ReportFile.report_id == report.id, ReportFile.format == _stored_as(fmt, language))).scalar_one_or_none()
    if stored is None:
        stored = _render(report.data if language == "en" else edition(report, language), fmt)
        db.session.add(ReportFile(report_id=report.id, format=_stored_as(fmt, language), content=stored))
        db.session.commit()
    return bytes(stored)


def edition(report: Report, language: str) -> dict:
    """The report's data in ``language``: the edition built with it where the council offered
    that language then; otherwise (a report made before) built again from the data, with the
    quotes and actions approved for it. Either way checked to publish exactly the figures the
    report holds (the disclosure record, every cell and relation of it) - else refused, since the
    data changed after it was built."""
    stored = (report.editions or {}).get(language)
    if stored is not None:
        data = {**stored, "parameters": dict(stored.get("parameters", {}))}
    else:
        approved = [{"theme_id": q.theme_id, "text": q.text} for q in report.quotes if q.approved]
        actions = [{"theme_id": a.theme_id, "text": a.text} for a in report.actions if a.approved]
        try:
            data = build_report_data(report.kind, report.period, approved, actions, language=language)
        except ValueError as exc:
            raise ReportError(str(exc)) from None
    if data["disclosure"] != report.data.get("disclosure"):
        raise ReportError(gettext("The data have changed since this report was built, so its Welsh edition would "
                                  "not have the same figures. Make a new draft."))
    # What the app added to the report (council, marking, provisional) is the report's own.
    for key in ("council", "marking", "provisional"):
        if key in report.data.get("parameters", {}):
            data["parameters"][key] = report.data["parameters"][key]
    return data


def _render(data: dict, fmt: str) -> bytes:
    from analysis.render.exports import render_csv_zip, render_json, render_xlsx
    from analysis.render.html import render_html_page

    renderers: dict[str, Callable[[dict], bytes]] = {
        "html": lambda d: render_html_page(d).encode("utf-8"),
        "pdf": _render_pdf,
        "csv": render_csv_zip,
        "xlsx": render_xlsx,
        "json": lambda d: render_json(d).encode("utf-8"),
    }
    return renderers[fmt](data)


def _render_pdf(data: dict) -> bytes:
    from analysis.render.pdf import render_pdf

    return render_pdf(data)


def file_name(report: Report, fmt: str) -> str:
    period = report.period.replace("/", "-").replace(" ", "-")
    return f"exitvoice-{report.kind.replace('_', '-')}-{period}-{report.status}.{FILE_SUFFIX[fmt]}"


_SVG = re.compile(r"(?:<\?xml.*?\?>\s*)?(?:<!DOCTYPE.*?>\s*)?<svg\b.*?</svg>", re.DOTALL)


def edition_data(report: Report, language: str) -> dict:
    """The report's data as a reader sees it in ``language``: English is the report itself; a
    published report's other edition is the JSON stored with it (made at publication, or now and
    kept); a draft's is built again. ReportError where the edition cannot have the same figures."""
    if language == "en":
        return report.data
    import json

    return json.loads(render(report, "json", language))


def report_charts(data: dict) -> list[dict]:
    """The chart specifications of a report's data, in the order its HTML shows them."""
    return [chart for section in data.get("sections", []) for chart in section.get("charts", [])]


def chart_svg_of(data: dict, chart_id: str) -> str | None:
    """One chart of a report's data as a standalone SVG document, or None if it has no such chart."""
    from analysis.render.charts import chart_svg

    for chart in report_charts(data):
        if chart.get("id") == chart_id:
            return chart_svg(chart)
    return None


def embeddable_html(data: dict, chart_url: Callable[[str], str] | None) -> str:
    """A report's body for an app page, from its data (in any edition): charts become ``<img>``
    images, named by the chart's title in the edition's language (the caption beside each says
    which table holds its figures). With ``chart_url``, each links to its SVG file; without,
    each carries its SVG in a ``data:`` address, for an edition built for this page alone (a
    draft's other edition), which a separate chart request would have to build again.

    Matplotlib's SVG styles its shapes with inline ``style`` attributes, which the app's Content
    Security Policy forbids on its pages; an SVG loaded as an image is its own document, and each
    chart already has its data table beside it for screen-reader users.
    """
    import base64

    from markupsafe import escape

    from analysis.render.html import render_html_fragment

    html = render_html_fragment(data)
    charts = iter(report_charts(data))

    def to_img(match: re.Match[str]) -> str:
        chart = next(charts, None)
        if chart is None:
            return ""
        if chart_url is None:
            src = "data:image/svg+xml;base64," + base64.b64encode(match.group(0).encode("utf-8")).decode("ascii")
        else:
            src = chart_url(chart["id"])
        return f'<img class="app-report-chart" src="{escape(src)}" alt="{escape(chart.get("title", "Chart"))}">'

    return _SVG.sub(to_img, html)
