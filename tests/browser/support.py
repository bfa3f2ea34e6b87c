"""What browser tests share: signing in through the sign-in page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from tests.support import PASSWORD, free_port


def migrated_app(folder: Path):
    """The app on its own SQLite file in ``folder``, migrated from empty as in production."""
    from flask_migrate import upgrade

    from survey_app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'exitvoice.sqlite'}"})
    with app.app_context():
        upgrade()
    return app


@contextmanager
def served(app) -> Iterator[str]:
    """Serve ``app`` from a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    # Wait for the answer: signing in starts a new session, and a page fetched before that
    # would carry the old session's CSRF token.
    send_form(page, "Sign in")


def send_form(page, button: str) -> None:
    """Press a form's button and wait for the page that answers it."""
    follow(page, page.get_by_role("button", name=button))


def follow(page, target) -> None:
    """Click ``target`` (a link or button locator) and wait for the page it loads.

    A read straight after a click may still see the page being left, and a second click may land
    on its button: CI runs read a check page and found no "Send my answers" on it, and counted a
    focus group's remarks on the form they were typed into. Every click that loads a page goes
    through here, so the next step always sees the page that answered.
    """
    with page.expect_navigation():
        target.click()


# The elements whose right edge passes the window's, outside any scroll region: named in a failure
# so that an overflow says what caused it.
_STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const right = el => Math.max(el.getBoundingClientRect().right, el.getBoundingClientRect().left + el.scrollWidth);
  const out = el => !el.closest('[role=region]') && right(el) > width + 1;
  return [...document.querySelectorAll('body *')]
    .filter(el => out(el) && ![...el.children].some(out))
    .slice(0, 10)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(right(el))}: `
               + (el.textContent || '').trim().slice(0, 80));
}"""


def assert_fits_without_sideways_scroll(page, label: str) -> None:
    """The page never scrolls sideways; every data table either fits the window or sits in its
    own focusable scroll region (WCAG 1.4.10 reflow: data tables may scroll on their own)."""
    # Measure the page as styled: a page seen "visible" may still await its stylesheet, and a
    # layout forced before it arrives is unstyled (a CI run measured an 80 px overflow so).
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, (label, overflow, page.evaluate(_STICKING_OUT))
    for wide in page.locator("main table").all():
        fits = wide.evaluate("t => t.scrollWidth <= document.documentElement.clientWidth")
        inside_region = wide.evaluate("t => !!t.closest('[role=region][tabindex=\"0\"]')")
        assert fits or inside_region, label


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, made now with openssl; returns (certfile, keyfile)."""
    import subprocess

    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


@contextmanager
def gunicorn_over_tls(database_url: str, folder: Path, workers: int = 2, threads: int = 2) -> Iterator[str]:
    """Run the app as production does: gunicorn with the repository's config, production settings,
    serving HTTPS itself with a certificate made for the test. Yields the base URL; the access log
    is written to ``folder / 'access.log'``, the master's process id to ``folder / 'gunicorn.pid'``."""
    import os
    import ssl
    import subprocess
    import sys
    import time
    import urllib.request

    cert, key = self_signed_certificate(folder)
    port = free_port()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "EXITVOICE_ENV": "production", "DATABASE_URL": database_url,
           "EXITVOICE_BASE_URL": f"https://127.0.0.1:{port}",
           "SECRET_KEY": "tls-test-" + os.urandom(16).hex(),
           "EXITVOICE_WORKERS": str(workers), "EXITVOICE_THREADS": str(threads),
           "EXITVOICE_BIND": f"127.0.0.1:{port}", "EXITVOICE_ACCESS_LOG": str(folder / "access.log")}
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--certfile", str(cert), "--keyfile", str(key),
         "--pid", str(folder / "gunicorn.pid"), "wsgi:app"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"https://127.0.0.1:{port}"
    trust_ours = ssl.create_default_context(cafile=str(cert))
    try:
        for _ in range(150):
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped: " + (folder / "gunicorn.log").read_text()[-2000:])
            try:
                urllib.request.urlopen(base + "/favicon.ico", context=trust_ours, timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer over HTTPS: " + (folder / "gunicorn.log").read_text()[-2000:])
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
