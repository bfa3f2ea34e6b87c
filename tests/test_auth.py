"""Staff sign in safely: hashed passwords, locks, fresh sessions, a second factor, sign-out everywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pyotp
import pytest

from survey_app.auth import accounts
from survey_app.extensions import db
from survey_app.models import AuditEvent, Organisation, User

from .support import PASSWORD, csrf_token_of, emailed_link, make_user, page_of, post_form, sign_in, signed_in, texts


def _as_seen(response, typed_email: str) -> str:
    """The page without what differs by nature: the form token and the email the person typed."""
    html = response.get_data(as_text=True).replace(typed_email, "EMAIL")
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", html)


def test_a_password_is_stored_as_an_argon2_hash(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_hr_signs_in_and_lands_on_the_overview(client):
    make_user()
    response = sign_in(client)
    assert response.headers["Location"] == "/hr/overview"
    assert page_of(client.get("/hr/overview")).select_one("h1").get_text(strip=True) == "Overview"
    page = page_of(client.get("/hr/"))
    assert page.select_one("h1").get_text(strip=True) == "Responses"
    links = page.select(".govuk-service-navigation__item .govuk-service-navigation__link")
    nav = [a.get_text(strip=True) for a in links]
    assert nav[:5] == ["Overview", "Responses", "Focus groups", "Follow-ups", "Export"]


def test_a_wrong_password_reads_the_same_for_a_known_and_an_unknown_email(app, client):
    make_user()
    known = sign_in(client, "hr@council.example", "not the password")
    unknown = sign_in(client, "nobody@council.example", "not the password")
    assert known.status_code == unknown.status_code == 400
    assert _as_seen(known, "hr@council.example") == _as_seen(unknown, "nobody@council.example")
    assert "email address or password is not right" in page_of(known).select_one(".govuk-error-summary").get_text()


def test_repeated_failures_slow_attempts_down_with_growing_pauses(app, client):
    app.config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_LOCK_MINUTES=10)
    make_user()
    pauses = []
    for _ in range(8):
        assert sign_in(client, password="wrong password here").status_code == 400
        user = db.session.execute(db.select(User)).scalar_one()
        pause = user.locked_until - accounts.utcnow() if user.locked_until else timedelta(0)
        pauses.append(round(pause.total_seconds()))
        # Let each pause run out, as a patient attacker would.
        user.locked_until = None
        db.session.commit()
    # Three free tries, then 30 s, 1, 2, 4 and 8 minutes, and never more than the 10-minute cap.
    assert [round(p / 30) for p in pauses] == [0, 0, 1, 2, 4, 8, 16, 20]
    user = db.session.execute(db.select(User)).scalar_one()
    user.locked_until = accounts.utcnow() + timedelta(minutes=5)
    db.session.commit()

    # During a pause even the right password is refused, with the same answer as for an unknown email.
    paused = sign_in(client)
    unknown = sign_in(client, "nobody@council.example", "wrong password here")
    assert paused.status_code == 400
    assert _as_seen(paused, "hr@council.example") == _as_seen(unknown, "nobody@council.example")
    assert client.get("/hr/").status_code == 302

    # After the pause, the right password works again, and the count starts afresh.
    user.locked_until = accounts.utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client).headers["Location"] == "/hr/overview"
    assert db.session.get(User, user.id).failed_signins == 0
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert "locked" in actions


def test_a_stranger_repeating_wrong_passwords_cannot_keep_the_owner_out(app, client):
    secret = pyotp.random_base32()
    make_user(totp_secret=secret)
    stranger = app.test_client()
    for _ in range(40):
        sign_in(stranger, password="guessing again")
    assert accounts.is_locked(db.session.execute(db.select(User)).scalar_one())
    # Password alone: refused during the pause. Password and security code together: signed in.
    assert sign_in(client).status_code == 400
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf_token": csrf_token_of(page), "email": "hr@council.example",
                                             "password": PASSWORD, "code": _code(secret)})
    assert response.headers["Location"] == "/hr/overview"
    assert client.get("/hr/").status_code == 200
    # A guessed code with a guessed password gets nowhere.
    other = app.test_client()
    page = other.get("/sign-in")
    refused = other.post("/sign-in", data={"csrf_token": csrf_token_of(page), "email": "hr@council.example",
                                           "password": "guessing again", "code": "123456"})
    assert refused.status_code == 400


def test_a_session_from_before_sign_in_is_not_valid_after_it(app, client):
    make_user()
    before = client.get("/sign-in")
    old_cookie = client.get_cookie("exitvoice_session").value
    old_token = csrf_token_of(before)
    response = client.post("/sign-in", data={"csrf_token": old_token, "email": "hr@council.example",
                                             "password": PASSWORD})
    assert response.status_code == 302
    assert client.get_cookie("exitvoice_session").value != old_cookie
    # A form token from the session before sign-in is refused in the signed-in session.
    refused = client.post("/sign-out", data={"csrf_token": old_token})
    assert refused.status_code == 400
    assert client.get("/hr/").status_code == 200
    # The cookie from before sign-in gives no access.
    other = app.test_client()
    other.set_cookie("exitvoice_session", old_cookie)
    assert other.get("/hr/").status_code == 302


def test_a_disabled_users_live_session_stops_on_its_next_request(app, client):
    user = signed_in(client, "hr")
    assert client.get("/hr/").status_code == 200
    user.disabled = True  # as an admin would, from another session
    db.session.commit()
    response = client.get("/hr/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert sign_in(client).status_code == 400


def test_an_admin_disabling_a_user_ends_their_session(app, client):
    hr = signed_in(client, "hr")
    admin = app.test_client()
    signed_in(admin, "admin")
    post_form(admin, f"/admin/users/{hr.id}", {"action": "disable"})
    assert db.session.get(User, hr.id).disabled
    assert client.get("/hr/").status_code == 302


def test_sign_out_everywhere_ends_every_session(app, client):
    signed_in(client, "hr")
    laptop = app.test_client()
    assert sign_in(laptop).status_code == 302
    assert laptop.get("/hr/").status_code == 200
    page = client.get("/account")
    response = client.post("/sign-out", data={"csrf_token": csrf_token_of(page), "everywhere": "1"})
    assert response.headers["Location"] == "/sign-in"
    assert laptop.get("/hr/").status_code == 302
    assert client.get("/hr/").status_code == 302


def test_signing_out_ends_this_session(client):
    signed_in(client, "hr")
    post_form(client, "/sign-out", {})
    assert client.get("/hr/").status_code == 302


def test_a_copied_cookie_stops_working_when_its_session_signs_out(app, client):
    signed_in(client, "hr")
    copied = client.get_cookie("exitvoice_session").value
    thief = app.test_client()
    thief.set_cookie("exitvoice_session", copied)
    assert thief.get("/hr/").status_code == 200  # the copy works while the session lives ...
    other_device = app.test_client()
    assert sign_in(other_device).status_code == 302
    post_form(client, "/sign-out", {})
    assert thief.get("/hr/").status_code == 302  # ... and not after sign-out
    assert other_device.get("/hr/").status_code == 200  # the person's other sessions carry on
    # The database holds only a digest of the session value.
    from survey_app.models import StaffSession

    assert all(len(row.id) == 64 for row in db.session.execute(db.select(StaffSession)).scalars())


def test_an_idle_session_times_out(app, client):
    signed_in(client, "hr")
    assert client.get("/hr/").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] = (datetime.now(UTC) - timedelta(minutes=31)).timestamp()
    response = client.get("/hr/")
    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    assert "signed out because you had not done anything" in page.get_text()


def test_sign_in_returns_only_to_a_page_on_this_site(client):
    make_user()
    client.get("/sign-in?next=//evil.example/steal")
    assert sign_in(client).headers["Location"] == "/hr/overview"
    client2 = client.application.test_client()
    client2.get("/sign-in?next=/hr/follow-ups")
    assert sign_in(client2).headers["Location"] == "/hr/follow-ups"


def _code(secret: str, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * offset))


def test_with_a_second_factor_a_password_alone_does_not_sign_in(client):
    secret = pyotp.random_base32()
    make_user(totp_secret=secret)
    response = sign_in(client)
    assert response.headers["Location"] == "/sign-in/security-code"
    assert client.get("/hr/").status_code == 302
    wrong = post_form(client, "/sign-in/security-code", {"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert client.get("/hr/").status_code == 302
    right = post_form(client, "/sign-in/security-code", {"code": _code(secret)})
    assert right.headers["Location"] == "/hr/overview"
    assert client.get("/hr/").status_code == 200


def test_a_security_code_cannot_be_used_twice(app, client):
    secret = pyotp.random_base32()
    make_user(totp_secret=secret)
    code = _code(secret)
    sign_in(client)
    assert post_form(client, "/sign-in/security-code", {"code": code}).status_code == 302
    other = app.test_client()
    sign_in(other)
    assert post_form(other, "/sign-in/security-code", {"code": code}).status_code == 400


def test_setting_up_a_security_code_shows_a_qr_code_and_a_key(client):
    user = signed_in(client, "hr")
    setup = client.get("/account/security-code")
    page = page_of(setup)
    img = page.select_one("main img")
    assert img["src"].startswith("data:image/svg+xml;base64,")
    assert img["alt"]
    key = page.select_one("#totp-key").get_text().replace(" ", "")
    assert len(key) >= 16
    response = client.post("/account/security-code",
                           data={"csrf_token": csrf_token_of(setup), "code": pyotp.TOTP(key).now()})
    assert response.headers["Location"] == "/account"
    assert db.session.get(User, user.id).totp_secret == key


def test_replacing_an_authenticator_needs_a_code_from_the_current_one(client):
    secret = pyotp.random_base32()
    user = make_user(totp_secret=secret)
    sign_in(client)
    assert post_form(client, "/sign-in/security-code", {"code": _code(secret)}).status_code == 302
    setup = client.get("/account/security-code")
    new_key = page_of(setup).select_one("#totp-key").get_text().replace(" ", "")
    # Someone at an unlocked screen, with a phone of their own but not the person's.
    refused = client.post("/account/security-code", data={"csrf_token": csrf_token_of(setup),
                                                          "code": pyotp.TOTP(new_key).now(), "current_code": ""})
    assert refused.status_code == 400
    assert "Enter the 6-digit code from the app you use now" in page_of(refused).get_text()
    wrong = "000000" if _code(secret, 1) != "000000" else "111111"
    refused = client.post("/account/security-code", data={"csrf_token": csrf_token_of(refused),
                                                          "code": pyotp.TOTP(new_key).now(), "current_code": wrong})
    assert refused.status_code == 400
    assert db.session.get(User, user.id).totp_secret == secret
    accepted = client.post("/account/security-code", data={"csrf_token": csrf_token_of(refused),
                                                           "code": pyotp.TOTP(new_key).now(),
                                                           "current_code": _code(secret, 1)})
    assert accepted.headers["Location"] == "/account"
    assert db.session.get(User, user.id).totp_secret == new_key


def test_an_organisation_can_require_a_second_factor(app, client):
    admin = app.test_client()
    signed_in(admin, "admin")
    post_form(admin, "/admin/settings", {"require_two_factor": "y"})
    assert db.session.execute(db.select(Organisation)).scalar_one().require_two_factor
    signed_in(client, "hr")
    response = client.get("/hr/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/security-code"
    assert client.get("/account/security-code").status_code == 200


def test_an_invited_user_sets_a_password_then_signs_in(app, client):
    admin = app.test_client()
    signed_in(admin, "admin")
    response = post_form(admin, "/admin/users/invite", {"email": "New.Person@Council.example", "role": "hr"})
    # The admin is told the link was emailed, and never sees it; the invitee reads it in the email.
    assert "We have emailed new.person@council.example" in texts(response, "#link-sent")[0]
    assert "/set-password/" not in response.get_data(as_text=True)
    link = emailed_link("new.person@council.example")
    path = urlsplit(link).path
    assert post_form(client, path, {"password": "short", "confirm": "short"}).status_code == 400
    done = post_form(client, path, {"password": "a long enough passphrase", "confirm": "a long enough passphrase"})
    assert done.headers["Location"] == "/sign-in"
    assert sign_in(client, "new.person@council.example", "a long enough passphrase").status_code == 302
    # The link works once.
    assert client.get(path).status_code == 404


def test_an_invitation_link_uses_the_configured_address_never_the_request_host(app, client):
    from survey_app.admin.views import _link

    app.config["BASE_URL"] = "https://exitvoice.council.example"
    with app.test_request_context("/admin/users/invite", method="POST",
                                  headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}):
        link = _link("TOKEN")
    assert link == "https://exitvoice.council.example/set-password/TOKEN"
    # And through the page an admin uses.
    signed_in(client, "admin")
    post_form(client, "/admin/users/invite", {"email": "someone@council.example", "role": "hr"})
    assert emailed_link("someone@council.example").startswith("https://exitvoice.council.example/set-password/")


def test_production_refuses_to_start_without_its_https_address(monkeypatch):
    monkeypatch.setenv("EXITVOICE_ENV", "production")
    from survey_app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1/none", "SECRET_KEY": "x" * 32}
    for address in ("", "http://exitvoice.council.example"):
        with pytest.raises(RuntimeError, match="EXITVOICE_BASE_URL"):
            create_app({**settings, "BASE_URL": address})


def test_the_first_admin_is_created_from_the_command_line(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Admin@Council.example", "--role", "admin",
                                 "--password-stdin"], input="a strong first password\n")
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert (user.email, user.role) == ("admin@council.example", "admin")
    assert accounts.password_matches(user, "a strong first password")
    again = runner.invoke(args=["users", "create", "--email", "admin@council.example", "--role", "admin",
                                "--password-stdin"], input="a strong first password\n")
    assert again.exit_code != 0 and "already an account" in again.output


def test_sign_in_attempts_are_rate_limited(database_url):
    from survey_app import create_app

    limited = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_SIGNIN": "3 per minute"})
    with limited.app_context():
        client = limited.test_client()
        statuses = [sign_in(client, "nobody@council.example", "wrong password").status_code for _ in range(4)]
        db.engine.dispose()
    assert statuses == [400, 400, 400, 429]


def test_a_reset_link_goes_to_the_person_by_email_and_never_to_the_admin(app, client):
    person = make_user("sam@council.example", "standards")
    signed_in(client, "admin")
    response = post_form(client, f"/admin/users/{person.id}", {"action": "reset"})
    assert "We have emailed sam@council.example" in texts(response, "#link-sent")[0]
    assert "/set-password/" not in response.get_data(as_text=True)
    path = urlsplit(emailed_link("sam@council.example")).path
    owner = app.test_client()
    done = post_form(owner, path, {"password": "another long passphrase", "confirm": "another long passphrase"})
    assert done.headers["Location"] == "/sign-in"
