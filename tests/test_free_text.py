"""Free text is kept as the person typed it: counted as typed, never cut, joiners kept, and
shown without bidirectional tricks."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.hr.focus_groups import split_remarks
from survey_app.models import Comment, Response
from survey_app.submissions import clean_free_text

from .support import EXIT_ANSWERS, complete_exit_questionnaire, page_of, signed_in


def _send(app, reasons_text: str):
    answers = {page: dict(values) for page, values in EXIT_ANSWERS.items()}
    answers["why-leaving"]["reasons_text"] = reasons_text
    complete_exit_questionnaire(app.test_client(), answers=answers)
    return db.session.execute(sa.select(Comment.text).where(Comment.question_key == "reasons_text")).scalar_one()


def test_an_answer_within_its_limit_is_kept_whole_even_when_normalising_lengthens_it(app):
    # U+0958 (Devanagari QA) becomes two code points under NFC: 2,007 typed characters become 4,014.
    typed = "\u0958" * 2007
    stored = _send(app, typed)
    assert stored == unicodedata.normalize("NFC", typed)
    assert len(stored) == 4014


def test_line_breaks_count_once_as_in_the_character_count(app):
    # 2,000 characters and 1,000 line breaks: 3,000 as typed, 4,000 as the browser sends them.
    typed = "ab\r\n" * 1000
    stored = _send(app, typed)
    assert stored == ("ab\n" * 1000).strip()


def test_joiners_are_kept_and_separators_become_spaces():
    health_worker = "Health worker \U0001F469\u200D\u2695\uFE0F left"  # woman + ZWJ + medical symbol
    persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"  # "I want", with a zero-width non-joiner
    assert clean_free_text(health_worker) == health_worker
    assert clean_free_text(persian) == persian
    assert clean_free_text("one\u2028two\x85three\x1efour") == "one two three four"


def test_a_remark_with_unicode_line_separators_stays_one_remark():
    pasted = "Workload is too high\u2028every single week\nSupervision\x85gets cancelled\n- Pay\x1eis low"
    assert split_remarks(pasted, 3000) == ["Workload is too high every single week", "Supervision gets cancelled",
                                          "Pay is low"]


def test_a_right_to_left_override_is_stored_but_never_displayed(app, client):
    typed = "My manager \u202eesuba\u202c never listened"
    assert _send(app, typed) == typed  # stored as typed
    response_id = db.session.execute(sa.select(Response.id)).scalar_one()
    signed_in(client)
    html = client.get(f"/hr/responses/{response_id}").get_data(as_text=True)
    assert "\u202e" not in html and "\u202c" not in html
    assert "esuba" in page_of(client.get(f"/hr/responses/{response_id}")).get_text()
