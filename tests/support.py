"""Helpers the app tests share: parse pages and drive the respondent journey like a person."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup


def page_of(response) -> BeautifulSoup:
    """The HTML of a response, parsed, to assert on what a person sees."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


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
