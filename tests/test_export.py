"""HR exports responses and comments; nothing a respondent typed can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from survey_app.extensions import db
from survey_app.hr.export import neutralise
from survey_app.models import AuditEvent, Response
from survey_app.periods import add_months, financial_quarter

from .support import add_exit_response, post_form, signed_in

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\tTabbed", "\rReturned"]


def _export(client, **data):
    form = {"dataset": "responses", "instrument": "exit", "quarter": "", "file_format": "csv", **data}
    response = post_form(client, "/hr/export", form)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _hostile_responses():
    add_exit_response(date(2026, 5, 1), reasons_text=HOSTILE[0], would_have_stayed=HOSTILE[1],
                      worked_well=HOSTILE[2], improve=HOSTILE[3])
    add_exit_response(date(2026, 6, 1), reasons_text=HOSTILE[4], would_have_stayed=HOSTILE[5],
                      worked_well="Ordinary — café culture, naïve questions")
    # Five alike in May 2026, so the export may show their month and details (k = 5).
    for _ in range(5):
        add_exit_response(date(2026, 5, 1), reasons_text="Caseload")


def test_a_csv_export_has_no_cell_that_starts_a_formula(client):
    _hostile_responses()
    signed_in(client, "hr")
    response = _export(client)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="exitvoice-responses-exit-')
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    keys, data = rows[0], rows[1:]  # one header row
    assert keys[:6] == ["response_id", "instrument_version", "channel", "period", "period_estimated", "reviewed"]
    assert "reasons_text" in keys and "rating_caseload" in keys
    assert len(data) == 7
    # Choice answers as the words people chose, by default.
    assert {row[keys.index("role")] for row in data} == {"Social worker"}
    assert {row[keys.index("length_of_service")] for row in data} == {"1 year to less than 2 years"}
    cells = [cell for row in data for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for value in HOSTILE[:4]:
        assert "'" + value in cells
    # Leading tabs and returns are already stripped when answers are stored.
    assert "Tabbed" in cells and "Returned" in cells
    assert "Ordinary — café culture, naïve questions" in cells
    # The one June response shares its month with nobody, so no month is shown: shown alone,
    # May would point at June by elimination.
    assert [row[keys.index("period")] for row in data] == ["2026/27 Q1"] * 7
    assert {row[keys.index("period_estimated")] for row in data} == {"Not shown"}


def test_an_xlsx_export_has_no_formula_cells_and_a_data_dictionary(client):
    _hostile_responses()
    signed_in(client, "hr")
    response = _export(client, file_format="xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Responses", "Data dictionary"]
    sheet = book["Responses"]
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in values if c.data_type == "f"]
    texts = [c.value for c in values if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + HOSTILE[0] in texts
    dictionary = {row[0]: row[1] for row in book["Data dictionary"].iter_rows(values_only=True)}
    assert dictionary["role"] == "What was your role when you left?"


def test_a_comments_export_holds_focus_group_remarks_and_free_text(client):
    for _ in range(5):
        add_exit_response(date(2026, 5, 1), reasons_text="Caseload")
    add_exit_response(date(2025, 5, 1), reasons_text="Pay")  # alone in its quarter
    signed_in(client, "hr")
    response = _export(client, dataset="comments")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["comment_id", "response_id", "focus_group_id", "source", "question_key", "purpose",
                       "period", "text"]
    # The lone 2025 response is shown with the next quarter that has responses, and then no
    # month is shown for any of them (May 2026 alone would point at the other by elimination).
    run = "2025/26 Q1 to 2026/27 Q1"
    assert sorted(r[3:] for r in rows[1:]) == [["exit", "reasons_text", "reasons", run, "Caseload"]] * 5 + [
        ["exit", "reasons_text", "reasons", run, "Pay"]]


def test_an_export_can_be_limited_to_a_quarter(client):
    this_month = date.today().replace(day=1)
    for _ in range(5):
        add_exit_response(this_month)
        add_exit_response(add_months(this_month, -6))
    signed_in(client, "hr")
    export = _export(client, quarter=financial_quarter(this_month))
    rows = list(csv.reader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert [r[3] for r in rows[1:]] == [this_month.isoformat()] * 5


def test_a_quarter_shown_only_with_its_neighbour_exports_the_whole_run(client):
    # Two responses in one quarter and three in the next: the queue shows all five as one run
    # of two quarters, so choosing either quarter must not tell which two were in it.
    this_month = date.today().replace(day=1)
    earlier = add_months(this_month, -3)
    for month in [earlier] * 2 + [this_month] * 3:
        add_exit_response(month)
    signed_in(client, "hr")
    run = f"{financial_quarter(earlier)} to {financial_quarter(this_month)}"
    for quarter in (financial_quarter(earlier), financial_quarter(this_month)):
        rows = list(csv.reader(io.StringIO(_export(client, quarter=quarter).get_data().decode("utf-8-sig"))))
        assert [r[3] for r in rows[1:]] == [run] * 5
        comments = list(csv.reader(io.StringIO(
            _export(client, quarter=quarter, dataset="comments").get_data().decode("utf-8-sig"))))
        assert all(r[6] == run for r in comments[1:])


def test_an_export_singles_nobody_out_on_the_details_hr_could_recognise(app, client):
    # Read as an HR user who knows who left and when: every combination of when, how, role,
    # service area, length of service, years since qualifying and employment type in the export
    # is shared by at least k responses, and the comments export adds no finer month.
    from collections import Counter

    from survey_app.demo import seed_demo

    seed_demo(320, seed=3, today=date(2026, 6, 15))
    signed_in(client, "hr")
    rows = list(csv.reader(io.StringIO(_export(client, answers="codes").get_data().decode("utf-8-sig"))))
    keys, data = rows[0], rows[1:]
    assert len(data) >= 300
    columns = ["period", "channel", "role", "service_area", "length_of_service", "years_qualified",
               "employment_type"]
    combos = Counter(tuple(row[keys.index(c)] for c in columns) for row in data)
    assert min(combos.values()) >= 5, [c for c, n in combos.items() if n < 5][:3]
    assert any(" Q" in row[keys.index("period")] for row in data)  # some months were too few to show
    # The same test on the exact values finds people alone, as it would have before.
    exact = Counter(tuple(r.answers.get(c) for c in columns[2:]) + (r.period, r.channel)
                    for r in db.session.execute(db.select(Response)).scalars() if r.instrument_slug == "exit")
    assert min(exact.values()) == 1
    when = {row[keys.index("response_id")]: row[keys.index("period")] for row in data}
    comments = list(csv.reader(io.StringIO(_export(client, dataset="comments").get_data().decode("utf-8-sig"))))
    for row in comments[1:]:
        if row[1] in when:
            assert row[6] == when[row[1]]


def test_text_starting_with_a_tab_or_return_is_neutralised_too():
    assert [neutralise(v) for v in ("\tx", "\rx", "=x", "plain", 3)] == ["'\tx", "'\rx", "'=x", "plain", 3]


def test_every_export_is_audited(client):
    user = signed_in(client, "hr")
    _export(client)
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "exported")).scalar_one()
    assert (event.actor_id, event.record_type) == (user.id, "responses")
    assert "CSV" in event.detail


def test_answers_can_be_exported_as_codes_and_the_dictionary_gives_both(client):
    _hostile_responses()
    signed_in(client, "hr")
    rows = list(csv.reader(io.StringIO(_export(client, answers="codes").get_data().decode("utf-8-sig"))))
    keys, data = rows[0], rows[1:]
    assert {row[keys.index("role")] for row in data} == {"social_worker"}
    book = load_workbook(io.BytesIO(_export(client, file_format="xlsx").get_data()))
    dictionary = {row[0]: row for row in book["Data dictionary"].iter_rows(values_only=True)}
    assert "social_worker = Social worker" in dictionary["role"][3]
