"""Report builders: the figures a standards reader sees, worked out by hand."""

import json
import re

import pandas as pd
import pytest

from analysis.disclosure import DisclosureError, audit_reports
from analysis.render.html import render_html_fragment
from analysis.reports import (
    build_annual_report,
    build_length_of_service_report,
    build_quarterly_report,
)
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames

LABELS = {"caseload": "Caseload and workload", "pay": "Pay and reward", "supervision": "Supervision"}


def _response(rid, month, channel="online", reasons=(), band=None, rating=None, kind="exit"):
    return {"response_id": rid, "instrument_slug": "exit", "instrument_kind": kind, "instrument_version": 1,
            "channel": channel, "period": pd.Period(month, "M"), "period_estimated": False,
            "length_of_service": band, "post_qualifying_experience": None, "role": None, "service_area": None,
            "employment_type": None, "destination": None, "leaving_reasons": list(reasons),
            "rating.caseload": rating}


def _comment(cid, rid, month):
    return {"comment_id": cid, "response_id": rid, "focus_group_id": None, "instrument_kind": "exit",
            "question_key": "comment.reasons", "purpose": "reasons", "period": pd.Period(month, "M"),
            "text": "..."}


@pytest.fixture
def small_council():
    """Ten leavers in 2025/26 Q1 (April to June 2025) and six in 2024/25 Q4."""
    rows = []
    for i in range(1, 11):
        reasons = []
        if i <= 6:
            reasons.append("caseload")  # r1..r6 tick caseload
        if i <= 2:
            reasons.append("pay")  # r1, r2 tick pay
        rows.append(_response(f"r{i}", "2025-05", channel="online" if i <= 7 else "paper", reasons=reasons,
                              band="under_1" if i <= 5 else "2_to_5", rating=1 if i <= 5 else 4))
    for i in range(1, 7):
        rows.append(_response(f"p{i}", "2025-02", reasons=["caseload"] if i <= 3 else ["pay"], band="under_1"))
    responses = pd.DataFrame(rows)
    responses["rating.caseload"] = responses["rating.caseload"].astype("Int64")
    comments = pd.DataFrame([_comment("c3", "r3", "2025-05"), _comment("c7", "r7", "2025-05"),
                             _comment("c8", "r8", "2025-05"), _comment("c9", "r9", "2025-05")])
    assignments = pd.DataFrame([
        ("c3", "caseload", 0.9, "model", "m1"),  # r3 ticked caseload already: still one person
        ("c7", "pay", 0.8, "model", "m1"),  # r7 raises pay in their own words
        ("c8", "pay", 0.7, "rejected", "m1"),  # HR rejected this one: does not count
        ("c9", "supervision", 0.6, "hr", "m1"),  # r9: supervision, confirmed by HR
    ], columns=["comment_id", "theme_id", "score", "source", "model_version"])
    headcounts = pd.DataFrame([
        {"quarter": "2024/25 Q4", "role": None, "service_area": None, "length_of_service": None,
         "headcount": 100, "fte": 95.0, "vacancies": 10, "agency_workers": 20},
        {"quarter": "2025/26 Q1", "role": None, "service_area": None, "length_of_service": None,
         "headcount": 100, "fte": 95.0, "vacancies": 25, "agency_workers": 25},
    ])
    return responses, comments, assignments, headcounts


def _section(report, section_id):
    return next(s for s in report["sections"] if s["id"] == section_id)


def _row(table, row_id):
    return next(r for r in table["rows"] if r["id"] == row_id)


def test_golden_quarter_matches_figures_worked_out_by_hand(small_council):
    quotes = [{"theme_id": "caseload", "text": "Too many cases to do the work well."},
              {"theme_id": "supervision", "text": "Supervision never happened."}]
    report = build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS, k=3,
                                    quotes=quotes, generated_at="2025-07-01T09:00:00", model_version="m1")
    json.dumps(report)  # plain JSON all the way down
    assert report["parameters"]["k"] == 3
    assert report["parameters"]["model_version"] == "m1"
    assert report["parameters"]["generated_at"] == "2025-07-01T09:00:00"

    # Responses: 7 online + 3 paper = 10; last quarter 6.
    responses = _section(report, "responses")
    channels = responses["tables"][0]
    assert _row(channels, "online")["values"] == [7]
    assert _row(channels, "paper")["values"] == [3]
    assert _row(channels, "total")["values"] == [10]
    assert responses["summary"] == "There were 10 exit responses this quarter, up from 6 last quarter."

    # Themes. Caseload: r1..r6 ticked it (r3's comment adds no one) = 6 of 10 = 60.0%.
    # Last quarter p1..p3 of 6 = 50.0%, so +10.0 points.
    # Pay: r1, r2 ticked + r7 in a comment (r8's was rejected) = 3 of 10 = 30.0%; last quarter
    # p4..p6 = 3 of 6 = 50.0%, so -20.0 points.
    # Supervision: r9 only = 1 person, shown as "fewer than 3", share withheld.
    themes = _section(report, "themes")
    ranked = themes["tables"][0]
    caseload = _row(ranked, "caseload")["values"]
    pay = _row(ranked, "pay")["values"]
    supervision = _row(ranked, "supervision")["values"]
    assert caseload[:4] == [6, 60.0, 50.0, 10.0]
    assert pay[:4] == [3, 30.0, 50.0, -20.0]
    assert supervision[:2] == ["fewer than 3", "withheld"]
    assert [r["id"] for r in ranked["rows"]] == ["caseload", "pay", "supervision"]
    assert themes["summary"] == ("Caseload and workload was cited by 60% of leavers this quarter, "
                                 "up from 50% last quarter.")
    # Rolling 12 months (2024/25 Q2 to 2025/26 Q1): caseload 0 + 0 + 3 + 6 = 9 of 0 + 0 + 6 + 10 = 16.
    rolling_col = [c["id"] for c in ranked["columns"]].index("rolling")
    assert caseload[rolling_col] == round(100 * 9 / 16, 1)

    # Caseload by length of service: under 1 year r1..r5 = 5, 2 to 5 years r6 = 1.
    # The 1 is "fewer than 3"; the row adds up to the published 6, so the 5 is withheld too.
    by_band = _section(report, "themes_by_length_of_service")["tables"][0]
    cols = [c["id"] for c in by_band["columns"]]
    row = _row(by_band, "caseload")["values"]
    assert row[cols.index("2_to_5")] == "fewer than 3"
    assert row[cols.index("under_1")] == "withheld"
    assert _row(by_band, "respondents")["values"][cols.index("under_1")] == 5

    # Ratings of caseload: 5 very poor, 5 good: net agreement (5 - 5) / 10 = 0.
    ratings = _section(report, "ratings")["tables"][0]
    caseload_rating = _row(ratings, "caseload")["values"]
    assert caseload_rating[0] == 5 and caseload_rating[3] == 5 and caseload_rating[-1] == 0.0

    # Quotes: caseload has 6 people (at least 3), supervision 1: only the first is shown.
    quotes_shown = _section(report, "quotes")["quotes"]
    assert [q["theme_id"] for q in quotes_shown] == ["caseload"]

    # Turnover: 10 leavers / average of 100 and 100 staff = 10.0%. Vacancy rate 25 / (100 + 25)
    # = 20.0%; agency rate 25 / (100 + 25) = 20.0%.
    turnover = _section(report, "turnover")["tables"][0]
    assert _row(turnover, "cipd_rate")["values"] == [10.0]
    assert _row(turnover, "vacancy_rate")["values"] == [20.0]
    assert _row(turnover, "agency_rate")["values"] == [20.0]

    # Equality monitoring is never shown for a single quarter or overlapping 12 months: it covers
    # the last whole financial year.
    assert "financial year 2024/25 (2024/25 Q1 to 2024/25 Q4)" in _section(report, "equality")["summary"]
    assert _section(report, "method")["paragraphs"][0].startswith("To protect the people")


def test_a_threshold_below_3_is_refused(small_council):
    with pytest.raises(DisclosureError):
        build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS, k=2)


def test_a_build_pauses_garbage_collection_and_always_switches_it_back_on(small_council, monkeypatch):
    import gc

    from analysis.reports import base, quarterly

    during = []
    real = base.prepare_inputs

    def spy(*args, **kwargs):
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(quarterly, "prepare_inputs", spy)
    assert gc.isenabled()
    build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS)
    assert during == [False] and gc.isenabled()
    with pytest.raises(DisclosureError):  # a build that fails leaves it on too
        build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS, k=2)
    assert gc.isenabled()
    gc.disable()  # and a caller that had paused it finds it still paused
    try:
        build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_bad_quarter_label_is_refused(small_council):
    with pytest.raises(ValueError, match="is not a quarter"):
        build_quarterly_report(*small_council, quarter="2025 Q1", theme_labels=LABELS)


FEW_THEMES = {t: THEME_LABELS[t] for t in ("caseload", "pay", "supervision", "wellbeing")}


def test_length_of_service_answers_by_rates_when_band_headcounts_exist():
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=400, seed=7, missing_rate=0)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    report = build_length_of_service_report(*args, quarter="2025/26 Q1", theme_labels=FEW_THEMES)
    answer = _section(report, "answer")["summary"]
    assert "by leaver rates" in answer
    bands = _section(report, "leavers_by_band")["tables"][0]
    assert [c["id"] for c in bands["columns"]][-1] == "2025/26 Q1" and len(bands["columns"]) == 8
    # Without band headcounts it says so and answers by shares of leavers.
    hc = frames["headcounts"]
    no_bands = hc[hc["length_of_service"].isna()]
    report = build_length_of_service_report(*args[:3], no_bands, quarter="2025/26 Q1", theme_labels=FEW_THEMES)
    assert "by share of leavers" in _section(report, "answer")["summary"]


def test_annual_figures_are_sums_of_published_quarters():
    frames = synthetic_frames("2025/26 Q4", years=2, leavers_per_year=120, seed=11)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    annual = build_annual_report(*args, year="2025/26", theme_labels=FEW_THEMES)
    cells = annual["disclosure"]["audit"]["cells"]
    quarters = ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    year = cells["2025/26 Q1 to 2025/26 Q4|respondents"]
    assert year == sum(cells[f"{q}|respondents"] for q in quarters)
    assert _row(_section(annual, "responses")["tables"][0], "total")["values"] == [year]


def test_a_staff_survey_closing_in_the_quarter_is_reported_and_equality_covers_whole_years_only():
    frames = synthetic_frames("2025/26 Q3", years=1, leavers_per_year=200, seed=5)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    report = build_quarterly_report(*args, quarter="2025/26 Q3", theme_labels=FEW_THEMES)
    survey = _section(report, "staff_survey")
    assert survey["tables"] and survey["tables"][0]["id"] == "staff_survey_2025/26 Q3"
    for key in report["disclosure"]["audit"]["cells"]:
        if "|equality|" in key:
            assert key.startswith("2024/25 Q1 to 2024/25 Q4|")


def test_what_worked_well_is_never_counted_as_a_reason_for_leaving(small_council):
    responses, comments, assignments, headcounts = small_council
    # Every leaver of the quarter praises supervision in "What worked well?"; none gives it as a reason.
    praise = pd.DataFrame([{**_comment(f"w{i}", f"r{i}", "2025-05"), "question_key": "worked_well",
                            "purpose": "worked_well"} for i in range(1, 11)])
    praised = pd.DataFrame([(f"w{i}", "supervision", 0.9, "model", "m1") for i in range(1, 11)],
                           columns=assignments.columns)
    report = build_quarterly_report(responses, pd.concat([comments, praise]), pd.concat([assignments, praised]),
                                    headcounts, quarter="2025/26 Q1", theme_labels=LABELS, k=3)
    ranked = _section(report, "themes")["tables"][0]
    # Supervision stays at r9's reason alone (shown as fewer than 3), not 10 of 10.
    assert _row(ranked, "supervision")["values"][:2] == ["fewer than 3", "withheld"]
    assert _row(ranked, "caseload")["values"][:2] == [6, 60.0]
    # The praise is counted where it belongs: what worked well, 10 of the 10 who answered.
    worked = next(t for t in _section(report, "other_answers")["tables"] if t["id"] == "answers_worked_well")
    assert [(r["id"], r["values"]) for r in worked["rows"]] == [("answered", [10]), ("supervision", [10])]


def test_what_would_have_kept_them_is_its_own_table(small_council):
    responses, comments, assignments, headcounts = small_council
    # r1..r7 say what would have kept them: r1..r5 a smaller caseload (r5 in two comments, counted once),
    # r6 and r7 better pay, r7 also a smaller caseload; r8 answered "what should improve" only.
    stay = [("s1", "r1", "caseload"), ("s2", "r2", "caseload"), ("s3", "r3", "caseload"), ("s4", "r4", "caseload"),
            ("s5", "r5", "caseload"), ("s5b", "r5", "caseload"), ("s6", "r6", "pay"), ("s7", "r7", "pay"),
            ("s7", "r7", "caseload")]
    extra = pd.DataFrame([{**_comment(cid, rid, "2025-05"), "question_key": "would_have_stayed",
                           "purpose": "would_have_stayed"} for cid, rid in dict.fromkeys((c, r) for c, r, _ in stay)]
                         + [{**_comment("i8", "r8", "2025-05"), "question_key": "improve", "purpose": "improve"}])
    themed = pd.DataFrame([(cid, t, 0.9, "model", "m1") for cid, _, t in stay] + [("i8", "pay", 0.9, "model", "m1")],
                          columns=assignments.columns)
    report = build_quarterly_report(responses, pd.concat([comments, extra]), pd.concat([assignments, themed]),
                                    headcounts, quarter="2025/26 Q1", theme_labels=LABELS, k=3)
    section = _section(report, "other_answers")
    stayed = {t["id"]: [(r["id"], r["values"][0]) for r in t["rows"]] for t in section["tables"]}
    assert stayed["answers_would_have_stayed"] == [("answered", 7), ("caseload", 6), ("pay", "fewer than 3")]
    assert stayed["answers_improve"] == [("answered", "fewer than 3"), ("pay", "fewer than 3")]
    assert section["summary"] == ("Of the 7 leavers who said what would have kept them, caseload and workload was "
                                  "raised most often (6).")
    # None of it is a reason for leaving: the reasons table is as it was (pay: r1, r2 and r7).
    ranked = _section(report, "themes")["tables"][0]
    assert _row(ranked, "caseload")["values"][0] == 6 and _row(ranked, "pay")["values"][0] == 3


def test_a_withheld_total_is_never_described_as_small():
    # Seed 1 at 40 leavers a year: the quarter's total is withheld to protect a small cell elsewhere.
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=40, seed=1)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    report = build_quarterly_report(*args, quarter="2025/26 Q1", theme_labels=THEME_LABELS)
    responses = _section(report, "responses")
    total = _row(responses["tables"][0], "total")["values"][0]
    assert total in ("withheld", "not shown")
    true_total = int((frames["responses"]["period"].astype(str).isin(["2025-04", "2025-05", "2025-06"])
                      & (frames["responses"]["instrument_kind"] == "exit")).sum())
    assert true_total >= 5  # so "fewer than 5" would be false
    assert "fewer than 5 exit responses" not in responses["summary"]
    assert f"is {total}, because showing it would reveal" in responses["summary"]


def test_a_quarter_published_before_keeps_its_figures_when_late_returns_arrive():
    # 2025/26 Q1 is published; then three late returns for May 2025 arrive. Printing the new
    # Q1 total beside the old one would let a reader subtract and read the late leavers' answers.
    frames = synthetic_frames("2025/26 Q2", years=2, leavers_per_year=60, seed=8)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    first = build_quarterly_report(*args, quarter="2025/26 Q1", theme_labels=THEME_LABELS)
    published = first["disclosure"]["audit"]["cells"]
    responses = frames["responses"]
    late = responses[responses["period"].astype(str) == "2025-05"].head(3).copy()
    late["response_id"] = [f"late-{i}" for i in range(len(late))]
    changed = (pd.concat([responses, late], ignore_index=True), *args[1:])
    n_q1 = "2025/26 Q1|respondents"
    live = build_quarterly_report(*changed, quarter="2025/26 Q2", theme_labels=THEME_LABELS)
    assert live["disclosure"]["audit"]["cells"][n_q1] != published[n_q1]  # what freezing prevents
    second = build_quarterly_report(*changed, quarter="2025/26 Q2", theme_labels=THEME_LABELS,
                                    published=published)
    cells = second["disclosure"]["audit"]["cells"]
    shared = set(cells) & set(published)
    assert n_q1 in shared
    assert {key: cells[key] for key in shared} == {key: published[key] for key in shared}
    trend = _section(second, "trend")["tables"][0]
    assert _row(trend, "respondents")["values"][-2] == published[n_q1]
    assert audit_reports([first, second], exact=False).disclosed == []


def test_every_row_and_column_of_a_report_is_labelled_in_words():
    # Equality rows used to read "16 24" and "65 plus", and ids with underscores leaked through.
    frames = synthetic_frames("2025/26 Q1", years=2, leavers_per_year=120, seed=4)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    report = build_quarterly_report(*args, quarter="2025/26 Q1", theme_labels=THEME_LABELS)
    labels = [label for s in report["sections"] for t in s.get("tables", [])
              for label in [*(r["label"] for r in t["rows"]), *(c["label"] for c in t["columns"])]]
    assert labels
    assert not [x for x in labels if "_" in x or re.fullmatch(r"\d+ \d+", x) or x.endswith(" plus")]
    age = _section(report, "equality")["tables"][0]
    assert any(r["label"] == "16 to 24" for r in age["rows"])


def test_without_hr_leaver_counts_turnover_uses_exit_records_and_gives_no_response_rate():
    # The database always has a leavers column now; empty, it must not make exit records look
    # like HR's count (which gave a "response rate" of 100%).
    frames = synthetic_frames("2025/26 Q1", years=1, leavers_per_year=120, seed=4)
    headcounts = frames["headcounts"].assign(leavers=None)
    report = build_quarterly_report(frames["responses"], frames["comments"], frames["theme_assignments"],
                                    headcounts, quarter="2025/26 Q1", theme_labels=THEME_LABELS)
    turnover = _section(report, "turnover")["tables"][0]
    assert _row(turnover, "leavers")["label"].endswith("(exit records)")
    assert _row(turnover, "response_rate")["values"] == ["not available"]


def test_you_said_we_did_shows_approved_actions_only_under_themes_k_people_cited(small_council):
    # Caseload: 6 people this quarter (k = 3). Supervision: 1 this quarter, 0 in the 12 months
    # before, so never k. "retention" is not a theme of the report; an emerging id has no HR label.
    actions = [{"theme_id": "supervision", "text": "Monthly supervision is now booked a year ahead."},
               {"theme_id": "caseload", "text": "Two agency posts were made permanent to take new cases."},
               {"theme_id": "retention", "text": "Not a theme here."},
               {"theme_id": "emerging:3", "text": "Emerging themes have no label of HR's."},
               {"theme_id": "pay", "text": "   "}]
    report = build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS, k=3,
                                    actions=actions, generated_at="2025-07-01T09:00:00")
    section = _section(report, "you_said_we_did")
    assert report["sections"][1] is section  # straight after "At a glance"
    assert section["actions"] == [{"theme_id": "caseload", "theme": "Caseload and workload",
                                   "text": "Two agency posts were made permanent to take new cases."}]
    assert section["summary"] == "What was done about what leavers told us: 1 action, on caseload and workload."
    assert section["summary"] in _section(report, "at_a_glance")["paragraphs"]
    html = render_html_fragment(report)
    assert "We did: Two agency posts were made permanent" in html
    assert "Monthly supervision" not in html and "Not a theme here" not in html

    # The section adds no count: the figures the report publishes are the same without it.
    without = build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS, k=3,
                                     generated_at="2025-07-01T09:00:00")
    assert without["disclosure"] == report["disclosure"]
    assert _section(without, "you_said_we_did")["summary"] == (
        "No action on a theme that at least 3 leavers raised has been approved for publication in this report.")


def test_you_said_we_did_in_the_annual_report(small_council):
    actions = [{"theme_id": "pay", "text": "Market supplements were agreed for experienced staff."}]
    report = build_annual_report(*small_council, year="2025/26", theme_labels=LABELS, k=3, actions=actions,
                                 generated_at="2026-04-01T09:00:00")
    assert [a["theme"] for a in _section(report, "you_said_we_did")["actions"]] == ["Pay and reward"]


def test_you_said_we_did_names_every_theme_in_running_text(small_council):
    actions = [{"theme_id": "caseload", "text": "Caseloads are capped."},
               {"theme_id": "pay", "text": "A market supplement was agreed."}]
    report = build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS, k=3, actions=actions,
                                    generated_at="2025-07-01T09:00:00")
    assert _section(report, "you_said_we_did")["summary"] == (
        "What was done about what leavers told us: 2 actions, on caseload and workload and pay and reward.")


def test_a_chart_with_nothing_it_may_draw_is_left_out(small_council):
    # Two leavers a quarter: every share and band count is hidden, so the trend and the
    # length-of-service charts would be empty axes (and a legend of lines not drawn).
    rows = [_response(f"t{month}-{i}", month, reasons=["caseload"], band="under_1")
            for month in ("2025-02", "2025-05") for i in range(2)]
    responses = pd.DataFrame(rows)
    responses["rating.caseload"] = responses["rating.caseload"].astype("Int64")
    empty = pd.DataFrame(columns=["comment_id", "response_id", "focus_group_id", "instrument_kind", "question_key",
                                  "purpose", "period", "text"])
    assignments = pd.DataFrame(columns=["comment_id", "theme_id", "score", "source", "model_version"])
    args = (responses, empty, assignments, small_council[3])
    tiny = build_quarterly_report(*args, quarter="2025/26 Q1", theme_labels=LABELS, k=3)
    assert _section(tiny, "trend")["charts"] == []
    assert "<svg" not in render_html_fragment(tiny)
    service = build_length_of_service_report(*args, quarter="2025/26 Q1", theme_labels=LABELS, k=3)
    assert all(not s.get("charts") for s in service["sections"])

    # Where some figures are shown, the chart stays. Supervision's one point is its 0 % of the six
    # leavers of 2024/25 Q4 (its 2025/26 Q1 share is withheld): a real point, so it stays.
    report = build_quarterly_report(*small_council, quarter="2025/26 Q1", theme_labels=LABELS, k=3)
    [chart] = _section(report, "trend")["charts"]
    assert [s["id"] for s in chart["series"]] == ["caseload", "pay", "supervision"]
    assert next(s for s in chart["series"] if s["id"] == "supervision")["values"][-2:] == [0.0, None]
    assert all(any(v is not None for v in s["values"]) for s in chart["series"])
