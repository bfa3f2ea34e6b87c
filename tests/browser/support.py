"""What browser tests share: signing in through the sign-in page."""

from __future__ import annotations

from tests.support import PASSWORD


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    # Wait for the answer: signing in starts a new session, and a page fetched before that
    # would carry the old session's CSRF token.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
