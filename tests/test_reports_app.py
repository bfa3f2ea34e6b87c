"""Reports in the app: drafted from the database, quotes approved by HR, published as snapshots."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from analysis.periods import FinancialYear, Quarter
from survey_app.demo import seed_demo
from survey_app.extensions import db
from survey_app.models import Report
from survey_app.questionnaires import current_instrument, definition_of
from survey_app.reports.service import (
    PublishedReportIsImmutable,
    ReportError,
    create_draft,
    publish,
    set_approved_quotes,
)
from survey_app.submissions import store_response
from survey_app.themes.service import run_themes

QUARTER = "2025/26 Q2"


@pytest.fixture
def seeded(app):
    from datetime import date

    seed_demo(400, seed=4, today=date(2025, 11, 15))  # eight quarters up to 2025/26 Q3, ~50 a quarter
    run_themes(progress=False)
    return app


def _count_cells(report: dict):
    for section in report["sections"]:
        for table in section.get("tables", []):
            units = [c.get("unit") for c in table["columns"]]
            for row in table["rows"]:
                for unit, value in zip(units, row["values"], strict=True):
                    if row.get("unit", unit) == "count":
                        yield table["id"], row["id"], value


@pytest.mark.one_database
def test_no_count_in_a_report_describes_fewer_than_k_people(seeded):
    report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    cells = list(_count_cells(report.data))
    assert cells, "the report has count tables"
    for table_id, row_id, value in cells:
        if table_id == "turnover" and row_id in ("headcount", "average_headcount", "fte", "vacancies",
                                                  "agency_workers"):
            continue  # HR's own staff figures (headcounts), not counts of people who answered
        if isinstance(value, int):
            assert value == 0 or value >= 5, (table_id, row_id, value)
        else:
            assert value in ("fewer than 5", "withheld", "not shown", "not available", None), (table_id, row_id, value)
    assert any(value == "fewer than 5" for *_, value in cells)


@pytest.mark.one_database
def test_the_cli_drafts_a_quarterly_report_as_json(seeded, runner, tmp_path):
    out = tmp_path / "q.json"
    result = runner.invoke(args=["report", "quarterly", "--quarter", QUARTER, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["period"] == QUARTER and data["parameters"]["k"] == 5
    assert data["parameters"]["model_version"].startswith("themes-")
    assert db.session.execute(sa.select(Report.status)).scalar_one() == "draft"


@pytest.mark.one_database
def test_publishing_from_the_cli_needs_approved_quotes_or_no_quotes(seeded, runner, tmp_path):
    out = tmp_path / "q.html"
    refused = runner.invoke(args=["report", "quarterly", "--quarter", QUARTER, "--out", str(out), "--publish"])
    assert refused.exit_code != 0 and "No quotes are approved" in refused.output
    assert not out.exists()
    done = runner.invoke(args=["report", "quarterly", "--quarter", QUARTER, "--out", str(out), "--publish",
                               "--no-quotes"])
    assert done.exit_code == 0, done.output
    assert "Published quarterly report for 2025/26 Q2" in done.output
    assert out.read_text().lstrip().lower().startswith("<!doctype html")


@pytest.mark.one_database
def test_quotes_appear_only_once_approved_and_carry_to_the_next_draft(seeded):
    draft = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    assert draft.quotes and not any(q.approved for q in draft.quotes)
    assert "quotes" not in json.dumps(draft.data) or all(
        q.text not in json.dumps(draft.data) for q in draft.quotes)
    chosen = draft.quotes[0]
    set_approved_quotes(draft, {chosen.id})
    assert chosen.text in json.dumps(draft.data)
    again = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    assert [q.text for q in again.quotes if q.approved] == [chosen.text]


@pytest.mark.one_database
def test_quotes_are_scrubbed_of_personal_details(app):
    instrument = current_instrument("exit")
    for n in range(6):
        store_response(instrument, definition_of(instrument), {
            "role": "social_worker", "length_of_service": "1_to_2", "leaving_month": "2025-08",
            "reasons_text": f"My caseload was crushing, ask Sarah Jones on 07700 900{n:03d} or sarah{n}@example.org"})
    db.session.commit()
    run_themes(progress=False)
    draft = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    texts = [q.text for q in draft.quotes]
    assert texts
    for text in texts:
        assert "Sarah" not in text and "@" not in text and "07700" not in text
        assert "[name]" in text and "[email]" in text


def test_a_published_report_never_changes(seeded):
    report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    publish(report, published_by="hr@example.org", without_quotes=True)
    frozen = json.dumps(report.data, sort_keys=True)
    with pytest.raises(ReportError):
        set_approved_quotes(report, set())
    report.data = {"tampered": True}
    with pytest.raises(PublishedReportIsImmutable):
        db.session.commit()
    db.session.rollback()
    # New data makes a new draft; the published snapshot stays as it was.
    seed_demo(30, seed=9)
    newer = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    stored = db.session.get(Report, report.id)
    assert json.dumps(stored.data, sort_keys=True) == frozen and stored.status == "published"
    assert newer.id != report.id and newer.status == "draft"


def test_bad_periods_are_refused_with_a_clear_message(app, runner, tmp_path):
    result = runner.invoke(args=["report", "quarterly", "--quarter", "Q2 2025", "--out", str(tmp_path / "x")])
    assert result.exit_code != 0 and "is not a quarter label like '2025/26 Q1'" in result.output
    result = runner.invoke(args=["report", "annual", "--year", "2025", "--out", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert db.session.execute(sa.select(Report)).first() is None


@pytest.mark.one_database
def test_a_report_names_its_council_and_carries_the_configured_marking(app):
    from survey_app.reports.service import build_report_data

    app.config.update(COUNCIL_NAME="Northshire County Council", PROTECTIVE_MARKING="OFFICIAL")
    data = build_report_data("quarterly", QUARTER)
    assert data["parameters"]["council"] == "Northshire County Council"
    assert data["parameters"]["marking"] == "OFFICIAL"


@pytest.mark.one_database
def test_a_published_report_is_served_from_the_files_made_when_it_was_published(seeded, monkeypatch):
    from survey_app.models import ReportFile
    from survey_app.reports import service
    from survey_app.reports.service import FORMATS, render

    report = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    publish(report, published_by="hr@example.org", without_quotes=True)
    stored = {f.format: bytes(f.content) for f in db.session.execute(
        db.select(ReportFile).where(ReportFile.report_id == report.id)).scalars()}
    assert set(stored) == set(FORMATS)
    assert stored["pdf"].startswith(b"%PDF") and b"OFFICIAL-SENSITIVE" in stored["html"]

    def no_rendering(*_args, **_kwargs):
        raise AssertionError("a published report was rendered again")

    monkeypatch.setattr(service, "_render", no_rendering)
    for fmt in FORMATS:
        assert render(report, fmt) == stored[fmt]
    # A draft is still rendered from its data each time.
    draft = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    with pytest.raises(AssertionError, match="rendered again"):
        render(draft, "html")


@pytest.mark.one_database
def test_a_period_still_running_is_a_provisional_draft_and_cannot_be_published(app):
    from datetime import date

    from analysis.periods import Quarter

    today = date.today()
    running = Quarter.of(today)
    seed_demo(60, seed=2, today=today)
    draft = create_draft("quarterly", running.label, created_by="hr@example.org")
    assert draft.data["parameters"]["provisional"] is True
    assert draft.data["title"].startswith("Provisional: ")
    with pytest.raises(ReportError, match="published only once its period is over"):
        publish(draft, published_by="hr@example.org", without_quotes=True)
    assert db.session.get(Report, draft.id).status == "draft"
    # An unfinished financial year likewise: the year so far minus earlier reports is a quarter.
    year = create_draft("annual", running.financial_year.label, created_by="hr@example.org")
    with pytest.raises(ReportError, match="published only once its period is over"):
        publish(year, published_by="hr@example.org", without_quotes=True)
    # The last quarter that has ended publishes as usual.
    ended = create_draft("quarterly", running.previous().label, created_by="hr@example.org")
    assert "provisional" not in ended.data["parameters"]
    assert publish(ended, published_by="hr@example.org", without_quotes=True).status == "published"


@pytest.mark.one_database
def test_published_figures_stay_as_published_when_late_returns_arrive(seeded):
    import copy

    first = create_draft("quarterly", "2025/26 Q1", created_by="hr@example.org")
    publish(first, published_by="hr@example.org", without_quotes=True)
    n_q1 = "2025/26 Q1|respondents"
    was = first.data["disclosure"]["audit"]["cells"][n_q1]
    instrument = current_instrument("exit")
    for _ in range(3):  # late returns for May 2025, after Q1 was published
        store_response(instrument, definition_of(instrument), {
            "role": "social_worker", "length_of_service": "1_to_2", "leaving_month": "2025-05",
            "reasons_text": "The caseload was too heavy"})
    db.session.commit()
    second = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    assert second.data["disclosure"]["audit"]["cells"][n_q1] == was
    trend = next(t for s in second.data["sections"] for t in s.get("tables", []) if t["id"] == "themes_trend")
    q1 = [c["id"] for c in trend["columns"]].index("2025/26 Q1")
    assert trend["rows"][0]["values"][q1] == was
    assert publish(second, published_by="hr@example.org", without_quotes=True).status == "published"

    # A draft whose figures for a published quarter differ (as one built before this check
    # would) is refused, and stays a draft.
    third = create_draft("quarterly", "2025/26 Q3", created_by="hr@example.org")
    data = copy.deepcopy(third.data)
    data["disclosure"]["audit"]["cells"][n_q1] = was + 3 if isinstance(was, int) else 40
    third.data = data
    with pytest.raises(ReportError, match="differ from the same figures already published"):
        publish(third, published_by="hr@example.org", without_quotes=True)
    assert db.session.get(Report, third.id).status == "draft"


@pytest.mark.one_database
def test_a_published_comparison_is_held_against_the_next_draft(seeded, monkeypatch):
    # "More leavers had under two years' service than five or more" is a fact about hidden
    # counts: once published, the next draft decides what it may say knowing it, and the
    # publication check reads it from the ledger of published reports.
    from analysis.disclosure import Relation
    from analysis.reports import newer_or_longer

    first = publish(create_draft("quarterly", "2025/26 Q1", created_by="hr@example.org"),
                    published_by="hr@example.org", without_quotes=True)
    stated = [r for r in first.data["disclosure"]["audit"]["relations"] if r.get("statement")]
    glance = first.data["sections"][0]
    assert len(stated) == len(glance["statements"]) == 1
    assert any("12 months 2024/25 Q2 to 2025/26 Q1" in line for line in glance["paragraphs"])

    seen = []
    real = newer_or_longer.decide

    def spy(span, quarters, k, known=()):
        seen.append(list(known))
        return real(span, quarters, k, known)

    monkeypatch.setattr(newer_or_longer, "decide", spy)
    second = create_draft("quarterly", QUARTER, created_by="hr@example.org")
    assert seen and Relation.from_json(stated[0]) in seen[0]
    assert publish(second, published_by="hr@example.org", without_quotes=True).status == "published"


@pytest.mark.one_database
@pytest.mark.parametrize("kind", ["quarterly", "length_of_service"])
def test_a_draft_is_told_every_relation_the_published_reports_printed(seeded, monkeypatch, kind):
    # Each report alone may be safe while two published one after the other are not: a new
    # draft's spans must be decided knowing what the published reports printed.
    from analysis.disclosure import History, Relation
    from analysis.disclosure import ledger as ledger_module

    first = publish(create_draft("quarterly", "2025/26 Q1", created_by="hr@example.org"),
                    published_by="hr@example.org", without_quotes=True)
    def marker(rel: Relation) -> tuple:
        return rel.sense, rel.constant, tuple(sorted(rel.terms.items()))

    printed = {marker(Relation.from_json(r)) for r in first.data["disclosure"]["audit"]["relations"]}
    held = []
    real = ledger_module.Ledger.hold

    def spy(self, history: History, keys):
        held.append(history)
        return real(self, history, keys)

    monkeypatch.setattr(ledger_module.Ledger, "hold", spy)
    create_draft(kind, QUARTER, created_by="hr@example.org")
    assert held, "no span of the draft was told what was published"
    told = {marker(r) for r in held[0].relations}
    assert printed <= told


@pytest.mark.parametrize(("kind", "period"), [("quarterly", QUARTER), ("annual", "2024/25"),
                                               ("length_of_service", QUARTER)])
def test_a_draft_reads_only_its_window_and_says_the_same_as_from_all_the_data(seeded, kind, period):
    # Reading only the eight quarters a report covers (years of older answers are not loaded)
    # must not change a single figure or word.
    from datetime import date

    from analysis.loaders import load_frames
    from analysis.reports.quarterly import report_window
    from survey_app.models import default_organisation
    from survey_app.reports.service import _first_day_read, build_report_data

    seed_demo(160, seed=9, today=date(2023, 11, 15))  # two more years of older answers
    run_themes(progress=False)
    org = default_organisation()
    everything = load_frames(db.engine, organisation_id=org.id)
    first = _first_day_read(kind, period)
    window = load_frames(db.engine, organisation_id=org.id, since=first)
    assert (everything.responses["period"].dt.start_time.dt.date < first).any()  # older data exist
    assert (window.responses["period"].dt.start_time.dt.date >= first).all()
    assert (window.comments["period"].dt.start_time.dt.date >= first).all()
    assert set(window.theme_assignments["comment_id"]) <= set(window.comments["comment_id"])
    last = Quarter.parse(period) if kind != "annual" else FinancialYear.parse(period).quarters()[-1]
    assert first == report_window(last)[0].start

    def built(frames):
        data = build_report_data(kind, period, frames=frames)
        data["parameters"].pop("generated_at")
        return data

    assert built(window) == built(everything)


@pytest.mark.one_database
def test_a_draft_reads_each_published_report_once_and_holds_every_one(seeded, monkeypatch):
    # Published reports never change, so the ledger readers hold is read once per process and
    # then only the reports published since: every draft must still hold all of them.
    from analysis.reports import common
    from survey_app.models import default_organisation
    from survey_app.reports.service import _published_ledger, _published_reports

    read: list[int] = []
    real = common.published_relations
    monkeypatch.setattr(common, "published_relations",
                        lambda reports, **kw: read.append(len(reports)) or real(reports, **kw))
    for quarter in ("2024/25 Q4", "2025/26 Q1", "2025/26 Q2"):
        publish(create_draft("quarterly", quarter, created_by="hr@example.org"), published_by="hr@example.org",
                without_quotes=True)
    create_draft("quarterly", "2025/26 Q3", created_by="hr@example.org")
    assert sum(read) == 3 and max(read) == 1  # each published report read once, as it appeared

    org = default_organisation().id
    held = _published_ledger(org, 5)
    everything = _published_reports(org, 5)
    assert len(everything) == 3
    assert held.figures == common.published_figures(everything)
    assert held.relations == real(everything)
    assert held.statements == common.published_statements(everything)


def _as_drafted(report) -> dict:
    data = json.loads(json.dumps(report.data))
    data["parameters"].pop("generated_at")
    return data


@pytest.mark.one_database
def test_a_worker_reads_the_ledgers_at_start_and_its_first_draft_reads_none(seeded, monkeypatch):
    # What each gunicorn worker does when it starts (gunicorn.conf.py): its first draft then reads
    # no published report, finds every relation already held as a draft holds it, and says exactly
    # what it would have said after reading them itself; the taxonomy and word lists are loaded.
    from analysis.reports import common
    from analysis.taxonomy import _parsed
    from analysis.text import word_lists
    from survey_app.models import default_organisation
    from survey_app.reports.service import _published_ledger, forget_published_ledgers, prepare_drafting

    publish(create_draft("quarterly", "2025/26 Q2", created_by="hr@example.org"), published_by="hr@example.org",
            without_quotes=True)
    forget_published_ledgers()
    cold = _as_drafted(create_draft("quarterly", "2025/26 Q3", created_by="hr@example.org"))
    forget_published_ledgers()

    org = default_organisation().id
    word_lists.cache_clear()
    _parsed.cache_clear()
    assert prepare_drafting() == [(org, 5, 1)]
    assert word_lists.cache_info().currsize == 1 and _parsed.cache_info().currsize == 1
    history = _published_ledger(org, 5).history
    assert history.relations and len(history._held) == len(history.relations)
    read: list[int] = []
    real = common.published_relations
    monkeypatch.setattr(common, "published_relations",
                        lambda reports, **kw: read.append(len(reports)) or real(reports, **kw))
    warm = _as_drafted(create_draft("quarterly", "2025/26 Q3", created_by="hr@example.org"))
    assert read == []
    assert warm == cold


@pytest.mark.one_database
def test_a_draft_that_arrives_while_the_ledgers_are_read_waits_for_them(seeded, monkeypatch):
    # A worker reads the ledgers in the background while it answers requests: a draft arriving
    # meanwhile waits for that reading instead of reading every published report a second time.
    import threading
    import time

    from flask import current_app

    from analysis.reports import common
    from survey_app.reports.service import forget_published_ledgers, read_published_ledgers

    publish(create_draft("quarterly", "2025/26 Q2", created_by="hr@example.org"), published_by="hr@example.org",
            without_quotes=True)
    forget_published_ledgers()
    app = current_app._get_current_object()
    reading, go = threading.Event(), threading.Event()
    read: list[str] = []
    real = common.published_relations

    def held_up(reports, **kw):  # noqa: ANN001, ANN003, ANN202
        read.append(threading.current_thread().name)
        reading.set()
        go.wait(timeout=30)
        return real(reports, **kw)

    monkeypatch.setattr(common, "published_relations", held_up)
    outcome: dict[str, object] = {}

    def run(name: str, work) -> threading.Thread:  # noqa: ANN001
        def body() -> None:
            with app.app_context():
                try:
                    outcome[name] = work()
                except Exception as exc:  # noqa: BLE001 - reported below
                    outcome[name] = exc
                finally:
                    db.session.remove()

        thread = threading.Thread(target=body, name=name)
        thread.start()
        return thread

    reader = run("reader", read_published_ledgers)
    assert reading.wait(timeout=30)
    drafter = run("drafter", lambda: create_draft("quarterly", "2025/26 Q3", created_by="hr@example.org").id)
    time.sleep(1.0)  # time for the draft to reach the ledger (it must wait there, not read)
    go.set()
    for thread in (reader, drafter):
        thread.join(timeout=120)
        assert not thread.is_alive()
    assert not isinstance(outcome["drafter"], Exception), outcome["drafter"]
    assert not isinstance(outcome["reader"], Exception), outcome["reader"]
    assert read == ["reader"]
