"""What gunicorn's access log holds, read as an attacker reading the log would read it.

The app runs under gunicorn with the repository's ``gunicorn.conf.py`` over HTTPS, on a migrated
SQLite file. A real password-setting link is opened and a leaver's questionnaire is sent; then
the log is read: no line may hold the link's secret, a client address, a time, a response size
or a query string.
"""

from __future__ import annotations

import re
import ssl
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

from tests.browser.support import gunicorn_over_tls
from tests.conftest import _migrate

LINE = re.compile(r'^"(GET|POST|HEAD) (/[^" ?]*)" (\d{3})$')


def _opener(cert_context):
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=cert_context),
                                       urllib.request.HTTPCookieProcessor(CookieJar()))


def test_the_access_log_holds_no_secret_address_time_or_size(tmp_path):
    url = "sqlite:///" + str(tmp_path / "exitvoice.sqlite")
    _migrate(url)
    from survey_app import create_app
    from survey_app.auth import accounts
    from survey_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        user = accounts.create_user("new.hr@council.example", "admin")
        token = accounts.issue_password_link(user)
        db.session.commit()
        db.engine.dispose()
    with gunicorn_over_tls(url, tmp_path) as base:
        context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        browser = _opener(context)
        page = browser.open(f"{base}/set-password/{token}").read().decode()
        assert "password" in page.lower()
        browser.open(f"{base}/?utm_source=email&from=manager").read()
        form = browser.open(f"{base}/sign-in").read().decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or re.search(
            r'name="csrf_token" value="([^"]+)"', form)
        request = urllib.request.Request(f"{base}/sign-in", data=urlencode(
            {"csrf_token": csrf.group(1), "email": "nobody@council.example", "password": "wrong"}).encode(),
            headers={"Referer": f"{base}/sign-in"})
        try:
            browser.open(request).read()
        except urllib.error.HTTPError as refused:
            assert refused.code in (400, 401, 429)
    log = (tmp_path / "access.log").read_text()
    lines = [line for line in log.splitlines() if line.strip()]
    assert len(lines) >= 4
    assert token not in log and token[:12] not in log
    assert "/set-password/[token]" in log
    for line in lines:
        assert LINE.match(line), line  # method, path and status: nothing else
    assert "127.0.0.1" not in log and "utm_source" not in log and "manager" not in log
