"""Helpers the app tests share: parse pages and drive the respondent journey like a person."""

from __future__ import annotations

import re
from contextlib import contextmanager

from bs4 import BeautifulSoup


def page_of(response) -> BeautifulSoup:
    """The HTML of a response, parsed, to assert on what a person sees."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def lang_of(response) -> str:
    """The language a page says it is in (``<html lang>``)."""
    return page_of(response).html["lang"]


def csrf_token_of(response) -> str:
    token = page_of(response).find("input", attrs={"name": "csrf_token"})
    assert token is not None, "the page has no CSRF token"
    return token["value"]


class Respondent:
    """Drives the respondent journey through the test client, like a person would."""

    def __init__(self, client, slug: str = "exit"):
        self.client = client
        self.slug = slug

    def get(self, path: str):
        return self.client.get(f"/{self.slug}/{path}")

    def post_page(self, page_id: str, data: dict, query: str = ""):
        form = self.get(page_id + query)
        payload = {"csrf_token": csrf_token_of(form), **data}
        return self.client.post(f"/{self.slug}/{page_id}{query}", data=payload)

    def post_check(self):
        page = self.get("check")
        return self.client.post(f"/{self.slug}/check", data={"csrf_token": csrf_token_of(page)})

    def enter_code(self, code: str):
        page = self.get("code")
        return self.client.post(f"/{self.slug}/code", data={"csrf_token": csrf_token_of(page), "code": code})


EXIT_ANSWERS: dict[str, dict] = {
    "your-job": {"role": "social_worker", "employment_type": "permanent", "service_area": "child_protection"},
    "your-time-here": {"length_of_service": "1_to_2", "years_qualified": "2_to_5"},
    "why-leaving": {"main_reasons": ["caseload", "supervision"],
                    "reasons_text": "My caseload was over thirty children and supervision kept being cancelled."},
    "what-would-change": {"would_have_stayed": "A protected caseload.", "worked_well": "My team.",
                          "improve": ""},
    "ratings-support": {"rating_caseload": "1", "rating_supervision": "2"},
    "ratings-conditions": {"rating_pay": "3"},
    "next-steps": {"destination": "another_council", "recommend": "maybe"},
    "inclusion": {"inclusion_experience": ""},
}


def complete_exit_questionnaire(client, equality: dict | None = None, answers: dict | None = None):
    """Fill in every page, check answers, then send (with or without equality answers)."""
    person = Respondent(client, "exit")
    client.get("/exit/?again=1")  # a fresh set of answers, even if this client has sent one before
    for page_id, data in (answers or EXIT_ANSWERS).items():
        response = person.post_page(page_id, data)
        assert response.status_code == 302, (page_id, page_of(response).get_text(" ", strip=True)[:500])
    response = person.post_check()
    assert response.status_code == 302
    if equality is None:
        return person.post_page("equality", {"action": "skip"})
    return person.post_page("equality", {"action": "send", **equality})


def error_summary(response) -> list[str]:
    summary = page_of(response).select(".govuk-error-summary__list a")
    return [re.sub(r"\s+", " ", a.get_text()).strip() for a in summary]


PASSWORD = "correct horse battery staple"


def make_user(email: str = "hr@council.example", role: str = "hr", password: str | None = PASSWORD,
              totp_secret: str | None = None):
    """An account created the way the app creates them, committed."""
    from survey_app.auth import accounts
    from survey_app.extensions import db

    user = accounts.create_user(email, role, password)
    user.totp_secret = totp_secret
    db.session.commit()
    return user


def sign_in(client, email: str = "hr@council.example", password: str = PASSWORD, follow: bool = False):
    """Sign in through the sign-in page, like a person would; returns the response to the POST."""
    form = client.get("/sign-in")
    return client.post("/sign-in", data={"csrf_token": csrf_token_of(form), "email": email, "password": password},
                       follow_redirects=follow)


def signed_in(client, role: str = "hr", email: str | None = None):
    """Create an account with ``role`` and sign the client in with it; returns the user."""
    user = make_user(email or f"{role}@council.example", role)
    response = sign_in(client, user.email)
    assert response.status_code == 302, page_of(response).get_text(" ", strip=True)[:300]
    return user


def post_form(client, path: str, data: dict, **kwargs):
    """GET a page, then POST its form back with the page's CSRF token and ``data``."""
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token_of(page), **data}, **kwargs)


def texts(response, selector: str) -> list[str]:
    """The visible text of every element matching a CSS selector."""
    return [re.sub(r"\s+", " ", el.get_text(" ")).strip() for el in page_of(response).select(selector)]


def add_exit_response(period=None, channel: str = "online", **answers):
    """Store one exit questionnaire through store_response, as every channel does; returns it."""
    from datetime import date

    from survey_app.extensions import db
    from survey_app.questionnaires import current_instrument, definition_of
    from survey_app.submissions import store_response

    instrument = current_instrument("exit")
    raw = {"role": "social_worker", "length_of_service": "1_to_2", **answers}
    response = store_response(instrument, definition_of(instrument), raw, channel=channel,
                              period=period or date.today())
    db.session.commit()
    return response


def emailed_link(address: str) -> str:
    """The set-password link in the latest email queued to ``address`` (as its owner reads it)."""
    import re

    from flask import current_app

    from survey_app.extensions import db
    from survey_app.models import OutboxMessage

    # Addresses are sealed with a fresh nonce each time, so the database cannot match them: read
    # the outbox through the app, as its owner's mail server would receive it.
    bodies = [m.body for m in db.session.execute(db.select(OutboxMessage)).scalars() if m.to_address == address]
    # Sent by the log backend (the body is then erased from the outbox): read it from its inbox.
    bodies += [body for to, _, body in current_app.extensions.get("logged_mail", []) if to == address]
    links = [m for body in bodies for m in re.findall(r"https?://\S+/set-password/\S+", body)]
    assert links, f"no set-password link was emailed to {address}"
    return links[-1]


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ready_to_send(client) -> Respondent:
    """A person who has answered every exit page and checked them: the equality page, whose
    "Skip these questions and send" sends, is next."""
    person = Respondent(client, "exit")
    for page_id, data in EXIT_ANSWERS.items():
        person.post_page(page_id, data)
    assert person.post_check().status_code == 302
    return person


def same_browser(app, client):
    """Another client holding ``client``'s session cookie: the same browser's second tab, or one
    of its requests sent again."""
    other = app.test_client()
    other.set_cookie("exitvoice_session", client.get_cookie("exitvoice_session").value)
    return other


@contextmanager
def first_change_waits_for(run):
    """While in the block, run ``run()`` once, just before the app's first change to the database
    (INSERT, UPDATE or DELETE): as if ``run`` had been sent at the same moment and committed
    first. Yields a list that then holds what ``run`` returned."""
    import sqlalchemy as sa

    from survey_app.extensions import db

    done: list = []

    def hook(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if done or not statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            return
        done.append(None)  # once: ``run``'s own changes come through here too
        done[0] = run()

    sa.event.listen(db.engine, "before_cursor_execute", hook)
    try:
        yield done
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", hook)
