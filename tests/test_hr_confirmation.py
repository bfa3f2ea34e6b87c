"""An admin cannot make anyone, themselves included, a reader of answers: HR confirms HR."""

from __future__ import annotations

from urllib.parse import urlsplit

from survey_app.extensions import db
from survey_app.models import AuditEvent, User

from .support import add_exit_response, csrf_token_of, emailed_link, page_of, post_form, sign_in, signed_in


def _invite_and_take_over(app):
    """An admin invites an HR account to an address they control and sets its password."""
    admin = app.test_client()
    signed_in(admin, "admin")
    post_form(admin, "/admin/users/invite", {"email": "admin.again@council.example", "role": "hr"})
    link = emailed_link("admin.again@council.example")  # an address the admin reads
    taker = app.test_client()
    post_form(taker, urlsplit(link).path, {"password": "a long enough passphrase",
                                           "confirm": "a long enough passphrase"})
    assert sign_in(taker, "admin.again@council.example", "a long enough passphrase").status_code == 302
    return admin, taker


def test_an_hr_account_an_admin_invites_reads_nothing_until_hr_confirms_it(app, client):
    response = add_exit_response(reasons_text="My manager shouted at me in supervision")
    admin, taker = _invite_and_take_over(app)
    for path in ("/hr/", f"/hr/responses/{response.id}", "/hr/export", "/reports/"):
        page = taker.get(path)
        assert page.status_code == 403, path
        assert "shouted" not in page.get_data(as_text=True)
    assert "waiting for confirmation" in page_of(taker.get("/hr/")).get_text()
    # The admin cannot confirm it (they are not HR) ...
    new = db.session.execute(db.select(User).filter_by(email="admin.again@council.example")).scalar_one()
    assert admin.post(f"/hr/accounts/{new.id}/confirm", data={}).status_code == 403
    # ... a colleague in HR does.
    hr = signed_in(client, "hr")
    listed = client.get("/hr/accounts")
    assert "admin.again@council.example" in listed.get_data(as_text=True)
    done = client.post(f"/hr/accounts/{new.id}/confirm", data={"csrf_token": csrf_token_of(listed)})
    assert done.status_code == 302
    assert "shouted" in taker.get(f"/hr/responses/{response.id}").get_data(as_text=True)
    events = db.session.execute(db.select(AuditEvent.action, AuditEvent.actor_id)
                                .where(AuditEvent.record_id == str(new.id))).all()
    actions = {action: actor for action, actor in events}
    assert "hr_access_requested" in actions and actions["hr_access_confirmed"] == hr.id


def test_changing_a_role_to_hr_or_re_enabling_hr_needs_confirmation_again(app, client):
    admin = app.test_client()
    signed_in(admin, "admin")
    reader = signed_in(client, "standards")
    post_form(admin, f"/admin/users/{reader.id}", {"action": "role", "role": "hr"})
    assert db.session.get(User, reader.id).hr_unconfirmed
    hr = signed_in(app.test_client(), "hr", "colleague@council.example")
    post_form(admin, f"/admin/users/{hr.id}", {"action": "disable"})
    post_form(admin, f"/admin/users/{hr.id}", {"action": "enable"})
    assert db.session.get(User, hr.id).hr_unconfirmed


def test_hr_created_at_first_install_from_the_command_line_needs_no_confirmation(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "first.hr@council.example", "--role", "hr",
                                 "--password-stdin"], input="a strong first password\n")
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User).filter_by(email="first.hr@council.example")).scalar_one()
    assert user.hr_unconfirmed is False
