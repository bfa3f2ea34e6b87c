"""Screenshots of HR's pages on demo data, for docs/screenshots/.

    python bench/screenshots/hr_pages.py [OUT_DIR]   (default docs/screenshots)

Builds the app on a temporary SQLite database, seeds 400 demo responses and runs the themes,
serves it on a local port and drives Debian's chromium (no browser is downloaded): the overview,
the responses queue, one response, a theme's page, and the queue in a 512 px window (what a
1,024 px screen shows at 200 % zoom). Not part of the test suite.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PASSWORD = "a demo password for screenshots"  # noqa: S105 - a throwaway account on a temporary database


def build_app(folder: Path):
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.auth.accounts import create_user
    from survey_app.demo import seed_demo
    from survey_app.extensions import db
    from survey_app.themes.service import run_themes

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}"})
    with app.app_context():
        upgrade()
        seed_demo(400, 1)
        run_themes(progress=False)
        create_user("hr@demo.example", "hr", PASSWORD)
        db.session.commit()
    return app


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1024, "height": 900})
                page.goto(f"{base}/sign-in")
                page.get_by_label("Email address").fill("hr@demo.example")
                page.get_by_label("Password", exact=True).fill(PASSWORD)
                with page.expect_navigation():
                    page.get_by_role("button", name="Sign in").click()
                page.screenshot(path=str(out / "hr-overview.png"), full_page=True)
                page.goto(f"{base}/hr/")
                page.screenshot(path=str(out / "hr-queue.png"), full_page=True)
                page.locator("main tbody tr a").first.click()
                page.wait_for_load_state()
                page.screenshot(path=str(out / "hr-response.png"), full_page=True)
                page.goto(f"{base}/hr/themes/caseload")
                page.screenshot(path=str(out / "hr-theme.png"), full_page=False)
                page.set_viewport_size({"width": 512, "height": 900})
                page.goto(f"{base}/hr/")
                page.screenshot(path=str(out / "hr-queue-200-percent.png"), full_page=False)
                browser.close()
        finally:
            server.shutdown()
    print(f"wrote screenshots to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
