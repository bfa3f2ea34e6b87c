"""HR's overview: this quarter and the last 12 months, every figure a link into the queue."""

from __future__ import annotations

from datetime import date

from analysis.periods import Quarter
from survey_app.extensions import db
from survey_app.hr.dashboard import windows
from survey_app.models import FollowUpRequest
from survey_app.themes.service import run_themes

from .support import add_exit_response, page_of, signed_in


def _section(page, heading: str):
    h2 = next(h for h in page.select("main h2") if h.get_text(strip=True).startswith(heading))
    return h2.find_parent("div")


def _rows(section, caption: str) -> dict[str, tuple[list[str], str]]:
    table = next(t for t in section.select("table") if t.caption.get_text(strip=True) == caption)
    return {tr.th.get_text(strip=True): ([td.get_text(strip=True) for td in tr.select("td")],
                                         tr.th.a["href"] if tr.th.a else None)
            for tr in table.select("tbody tr")}


def test_windows_are_the_quarter_under_way_and_the_last_four_quarters():
    quarter, year = windows(date(2026, 12, 4))
    assert (quarter.quarters, quarter.previous, quarter.quarter) == (("2026/27 Q3",), ("2026/27 Q2",), "2026/27 Q3")
    assert year.quarters == ("2025/26 Q4", "2026/27 Q1", "2026/27 Q2", "2026/27 Q3")
    assert year.previous == ("2024/25 Q4", "2025/26 Q1", "2025/26 Q2", "2025/26 Q3")
    assert windows(date(2027, 3, 31))[0].quarters == ("2026/27 Q4",)


def test_the_overview_counts_channels_reviews_follow_ups_and_themes_with_links(client, app):
    today = date.today()
    last_quarter = Quarter.of(today).previous().start
    for text in ("My caseload was far too high.", "Caseload unmanageable, every week."):
        add_exit_response(channel="online", reasons_text=text)
        add_exit_response(channel="online", main_reasons=["pay"])
    add_exit_response(channel="paper", reasons_text="Caseload far too high.")
    add_exit_response(channel="paper", reasons_text="An unmanageable caseload.").reviewed = True
    add_exit_response(period=last_quarter, channel="online", reasons_text="Caseload and no supervision.")
    for _ in range(4):
        add_exit_response(period=last_quarter, channel="online", main_reasons=["flexibility"])
    db.session.add(FollowUpRequest(organisation_id=1, talk_to="hr", name="Sam", contact="sam@example.org",
                                   requested_on=today))
    db.session.commit()
    run_themes(progress=False)
    signed_in(client, "hr")
    page = page_of(client.get("/hr/overview"))
    assert "1 new follow-up request" in page.select_one(".govuk-inset-text").get_text(" ", strip=True)

    quarter = _section(page, "This quarter")
    label = Quarter.of(today).label
    assert "6 responses, 5 not reviewed" in quarter.get_text(" ", strip=True)
    # 4 online and 2 on paper: each channel is shared by fewer than 5 of the quarter's
    # responses, so the queue does not show it and neither does the count (it would name the two).
    channels = _rows(quarter, "How they came in")
    assert channels == {"Not shown (shared by fewer than 5 responses)": (["6"], None)}
    paper = client.get(f"/hr/?channel=paper&quarter={label.replace(' ', '+')}")
    assert not page_of(paper).select("main table tbody tr")
    themes = _rows(quarter, "Top themes")
    assert themes["Caseload and workload"][0] == ["4", "1"]  # 4 this quarter, 1 the quarter before
    assert themes["Pay and reward"][0] == ["2", "0"]
    assert themes["Caseload and workload"][1].startswith("/hr/?theme=caseload")

    year = _section(page, "Last four quarters")
    assert _rows(year, "Top themes")["Caseload and workload"][0] == ["5", "0"]
    assert "11 responses, 10 not reviewed" in year.get_text(" ", strip=True)

    # Each link lists exactly what was counted.
    year_channels = _rows(year, "How they came in")
    assert sum(int(counts[0]) for counts, _ in year_channels.values()) == 11
    count, href = year_channels["Online"]
    assert len(page_of(client.get(href)).select("main table tbody tr")) == int(count[0]) >= 5
    assert len(page_of(client.get(themes["Caseload and workload"][1])).select("main table tbody tr")) == 4
    unreviewed = quarter.find("a", string="5 not reviewed")["href"]
    assert len(page_of(client.get(unreviewed)).select("main table tbody tr")) == 5


def test_a_response_is_placed_where_the_queue_shows_it_never_by_its_true_month(client, app):
    # Two responses in all: too few for their period to be shown, so the overview places neither,
    # though both were given this month.
    add_exit_response(channel="paper", reasons_text="My caseload was far too high.")
    add_exit_response(channel="online", main_reasons=["pay"])
    signed_in(client, "hr")
    page = page_of(client.get("/hr/overview"))
    said = _section(page, "This quarter").get_text(" ", strip=True)
    assert "No responses to show for this period." in said and "reviewed" not in said
    assert not _section(page, "This quarter").select("table")


def test_an_overview_without_responses_says_so_rather_than_all_reviewed(client, app):
    signed_in(client, "hr")
    page = page_of(client.get("/hr/overview"))
    for heading in ("This quarter", "Last four quarters"):
        said = _section(page, heading).get_text(" ", strip=True)
        assert "No responses to show for this period." in said
        assert "all reviewed" not in said


def test_the_overview_is_for_hr_only(client, app):
    assert client.get("/hr/overview").status_code in (302, 401)
    signed_in(client, "standards")
    assert client.get("/hr/overview").status_code == 403
