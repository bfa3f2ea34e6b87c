"""HR sees what drives a theme, edits its phrases (versioned, audited, re-run on save), and works
through a theme's comments on one page; the queue offers its theme filter."""

from __future__ import annotations

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, Comment, ThemeAssignment, ThemeLexicon
from survey_app.themes.service import organisation_taxonomy, run_themes

from .support import add_exit_response, page_of, signed_in, texts


def _token(page) -> str:
    return page_of(page).find("input", attrs={"name": "csrf_token"})["value"]


def _themes_of(comment_id: str) -> dict[str, str]:
    return dict(db.session.execute(sa.select(ThemeAssignment.theme_id, ThemeAssignment.source)
                                   .filter_by(comment_id=comment_id)).all())


def test_the_queue_page_shows_the_theme_filter(client, app):
    signed_in(client, "hr")
    page = page_of(client.get("/hr/"))
    select = page.find("select", attrs={"name": "theme"})
    assert select is not None
    assert "Caseload and workload" in [o.get_text() for o in select.find_all("option")]
    assert page.find("label", attrs={"for": select["id"]}).get_text(strip=True) == "Theme"


def test_the_theme_page_shows_each_phrase_with_how_often_hr_agreed(client, app):
    add_exit_response(reasons_text="Far too much work, and the hours are long.")
    add_exit_response(reasons_text="Too much work for one person.")
    run_themes(progress=False)
    first, second = db.session.execute(sa.select(Comment.id).order_by(Comment.text)).scalars().all()
    signed_in(client, "hr")
    page = client.get("/hr/themes/caseload")
    assert page.status_code == 200
    # HR keeps caseload on one comment and rejects it on the other.
    token = _token(page)
    client.post(f"/hr/themes/caseload/comments/{first}", data={"csrf_token": token, "action": "confirm"})
    client.post(f"/hr/themes/caseload/comments/{second}", data={"csrf_token": token, "action": "reject"})
    assert _themes_of(first)["caseload"] == "hr" and _themes_of(second)["caseload"] == "rejected"
    table = page_of(client.get("/hr/themes/caseload")).select("table tbody tr")
    rows = {cells[0]: cells[1:] for cells in ([c.get_text(strip=True) for c in tr.select("th, td")] for tr in table)}
    assert rows["too much work"] == ["2", "1 of 2", "50%"]
    # The rejected comment no longer appears among the theme's comments; the confirmed one does.
    comments = " ".join(texts(client.get("/hr/themes/caseload"), "#comments ~ .govuk-summary-card p.app-pre-wrap"))
    assert "hours are long" in comments and "one person" not in comments


def test_hr_edits_a_themes_phrases_and_the_themes_are_re_run(client, app):
    add_exit_response(reasons_text="The canteen queue is endless.")
    run_themes(progress=False)
    comment_id = db.session.execute(sa.select(Comment.id)).scalar_one()
    assert "environment" not in _themes_of(comment_id)
    signed_in(client, "hr")
    page = client.get("/hr/themes/environment")
    current = page_of(page).find("textarea", attrs={"name": "phrases"}).get_text()
    saved = client.post("/hr/themes/environment/phrases",
                        data={"csrf_token": _token(page), "phrases": current + "\ncanteen queue*\n"})
    assert saved.status_code == 302
    assert _themes_of(comment_id)["environment"] == "seed"  # re-run with the new phrase
    versions = db.session.execute(sa.select(ThemeLexicon).filter_by(theme_id="environment")).scalars().all()
    assert [v.version for v in versions] == [1]
    assert {"phrase": "canteen queue*", "weight": None} in versions[0].phrases
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="edited_theme_phrases")).scalar_one()
    assert event.record_id == "environment" and "added canteen queue*" in event.detail
    assert "canteen queue*" in [p.phrase for p in organisation_taxonomy(1)["environment"].phrases]


def test_a_bad_phrase_list_is_refused_with_a_message_and_changes_nothing(client, app):
    signed_in(client, "hr")
    page = client.get("/hr/themes/pay")
    refused = client.post("/hr/themes/pay/phrases", data={"csrf_token": _token(page), "phrases": "pay\nbad pay!\n"})
    assert refused.status_code == 400
    summary = " ".join(texts(refused, ".govuk-error-summary li"))
    assert "Line 2: 'bad pay!'" in summary
    assert page_of(refused).find("textarea", attrs={"name": "phrases"}).get_text().strip() == "pay\nbad pay!"
    empty = client.post("/hr/themes/pay/phrases", data={"csrf_token": _token(page), "phrases": "  \n"})
    assert empty.status_code == 400 and "at least one phrase" in " ".join(texts(empty, ".govuk-error-summary li"))
    assert db.session.execute(sa.select(sa.func.count()).select_from(ThemeLexicon)).scalar_one() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)
                              .filter_by(action="edited_theme_phrases")).scalar_one() == 0


def test_each_save_is_a_new_version_and_weak_phrases_keep_their_mark(client, app):
    signed_in(client, "hr")
    for phrases in ("pay\nwages (weak)", "pay\nwages (weak)\nsalary"):
        client.post("/hr/themes/pay/phrases", data={"csrf_token": _token(client.get("/hr/themes/pay")),
                                                     "phrases": phrases})
    versions = db.session.execute(sa.select(ThemeLexicon.version, ThemeLexicon.phrases)
                                  .filter_by(theme_id="pay").order_by(ThemeLexicon.version)).all()
    assert [v for v, _ in versions] == [1, 2]
    textarea = page_of(client.get("/hr/themes/pay")).find("textarea", attrs={"name": "phrases"}).get_text()
    assert textarea.strip().splitlines() == ["pay", "wages (weak)", "salary"]
    unchanged = client.post("/hr/themes/pay/phrases", data={"csrf_token": _token(client.get("/hr/themes/pay")),
                                                             "phrases": textarea})
    assert unchanged.status_code == 400 and "has not changed" in unchanged.get_data(as_text=True)


def test_theme_pages_are_for_hr_only_and_unknown_themes_are_not_found(client, app):
    assert client.get("/hr/themes/pay").status_code in (302, 401)
    for role in ("standards", "admin"):
        other = app.test_client()
        signed_in(other, role)
        assert other.get("/hr/themes/pay").status_code == 403
        assert other.post("/hr/themes/pay/phrases", data={"phrases": "pay"}).status_code in (400, 403)
    signed_in(client, "hr")
    assert client.get("/hr/themes/no_such_theme").status_code == 404
    token = _token(client.get("/hr/themes/pay"))
    missing = client.post("/hr/themes/pay/comments/nope", data={"csrf_token": token, "action": "confirm"})
    assert missing.status_code == 404
    assert client.post("/hr/themes/pay/phrases", data={"phrases": "pay"}).status_code == 400  # no CSRF token


def test_a_phrase_hrs_checks_have_stopped_is_marked_on_its_themes_page(client, app):
    from survey_app.themes.service import record_hr_coding

    texts = {}
    for i in range(12):
        texts[f"The office politics were {['vicious', 'tiring', 'endless', 'petty'][i % 4]}, week {i}"] = ["management"]
    for i in range(3):
        texts[f"The office was {['freezing', 'cramped', 'filthy'][i]} all winter"] = ["environment"]
    for i in range(10):
        texts[f"The building was too noisy, week {i}"] = ["environment"]
        texts[f"Too much work, {i + 20} children on my list"] = ["caseload"]
    for text in texts:
        add_exit_response(reasons_text=text)
    run_themes(progress=False)
    for comment in db.session.execute(sa.select(Comment)).scalars().all():
        if comment.text in texts:
            record_hr_coding(comment, texts[comment.text])
    db.session.commit()
    signed_in(client, "hr")
    table = page_of(client.get("/hr/themes/environment")).select("table tbody tr")
    rows = {cells[0]: cells[1:] for cells in ([c.get_text(strip=True) for c in tr.select("th, td")] for tr in table)}
    assert rows["office"][1] == "3 of 15; stopped by your checks"
    assert "stopped" not in rows["building"][1]


def test_every_reason_a_phrase_list_is_refused_is_worded_by_the_pages_as_the_command_line_words_it(app):
    """The analysis words a refused line in English for the command line; the pages word the
    same kinds in the reader's language, and in English exactly as the command line does."""
    from flask_babel import force_locale

    from analysis.taxonomy import PHRASE_PROBLEMS, PhraseProblem
    from survey_app.hr.themes import lexicon_error_messages
    from survey_app.themes.service import LexiconError

    lines = [PhraseProblem(kind, 2, "bad pay!") for kind in PHRASE_PROBLEMS]
    errors = [LexiconError("lines", lines)] + [LexiconError(kind, theme="nope") for kind in LexiconError.MESSAGES]
    with app.test_request_context(), force_locale("en"):
        assert [m for e in errors for m in lexicon_error_messages(e)] == [str(p) for p in lines] + [
            str(e) for e in errors[1:]]
    with app.test_request_context(), force_locale("cy"):
        welsh = [m for e in errors for m in lexicon_error_messages(e)]
    assert all(m.startswith("Llinell 2:") for m in welsh[:len(lines)]) and "Nid oes thema o’r enw nope" in welsh


def test_staff_working_in_welsh_mark_a_weak_phrase_as_their_page_shows_it(client, app, welsh_first):
    user = signed_in(client, "hr")
    user.language = "cy"
    db.session.commit()
    page = client.get("/hr/themes/pay")
    assert "<code>(gwan)</code>" in page.get_data(as_text=True)
    saved = client.post("/hr/themes/pay/phrases", data={"csrf_token": _token(page), "phrases": "pay\nwages (gwan)"})
    assert saved.status_code == 302
    stored = db.session.execute(sa.select(ThemeLexicon.phrases).filter_by(theme_id="pay")
                                .order_by(ThemeLexicon.version.desc())).scalars().first()
    textarea = page_of(client.get("/hr/themes/pay")).find("textarea", attrs={"name": "phrases"}).get_text()
    assert textarea.strip().splitlines() == ["pay", "wages (gwan)"]
    user.language = "en"
    db.session.commit()
    textarea = page_of(client.get("/hr/themes/pay")).find("textarea", attrs={"name": "phrases"}).get_text()
    assert textarea.strip().splitlines() == ["pay", "wages (weak)"]
    weights = {p["phrase"]: p["weight"] for p in stored}
    assert weights["wages"] == 0.35 and weights["pay"] != 0.35  # weak, and not
