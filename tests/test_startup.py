"""Start-up stays light: every ``flask --app wsgi ...`` command imports ``wsgi``, so the analysis
libraries (pandas, scikit-learn, nltk, scipy, matplotlib, openpyxl) must load only where they are
used. The time itself is measured in ``bench/startup``. Gunicorn's master is the exception: it
prepares what drafting a report needs once, before its workers fork, so that no worker's first
draft waits for it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "sklearn", "nltk", "scipy", "matplotlib", "openpyxl", "numpy", "weasyprint", "joblib")


def _loaded_after(code: str) -> set[str]:
    script = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "EXITVOICE_ENV": "testing"}, timeout=120)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_app_loads_no_analysis_library():
    loaded = _loaded_after("import wsgi")
    assert "survey_app" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_the_analysis_libraries_still_load_when_a_report_is_built():
    # The lazy imports are real imports: the report path brings pandas in when it runs.
    loaded = _loaded_after("import wsgi\nfrom analysis.periods import Quarter\nQuarter.parse('2025/26 Q1').months()")
    assert "pandas" in loaded


_DRAFT_IN_A_NEW_PROCESS = """
import json, runpy, sys
from datetime import date
if {prepare}:
    runpy.run_path("gunicorn.conf.py")["on_starting"](None)
from survey_app import create_app
from survey_app.reports.service import create_draft
from analysis.periods import Quarter, last_complete_year
app = create_app({{"TESTING": True, "SQLALCHEMY_DATABASE_URI": {url!r}}})
with app.app_context():
    before = set(sys.modules)
    quarter = Quarter.of(date.today()).previous()
    create_draft("quarterly", quarter.label, created_by="test")
    create_draft("length_of_service", quarter.label, created_by="test")
    create_draft("annual", last_complete_year(quarter).label, created_by="test")
    print(json.dumps([[name, getattr(sys.modules[name], "__file__", None)] for name in set(sys.modules) - before]))
"""


def _imported_by_first_draft(url: str, prepare: bool) -> dict[str, str | None]:
    out = subprocess.run([sys.executable, "-c", _DRAFT_IN_A_NEW_PROCESS.format(url=url, prepare=prepare)], cwd=ROOT,
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "EXITVOICE_ENV": "testing"},
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_gunicorns_master_imports_every_library_a_first_draft_needs(tmp_path):
    # A library gunicorn.conf.py leaves out would be imported by every worker on its first draft,
    # which HR waits for: after the master's hook, drafts of every kind may import only the
    # project's modules.
    from survey_app import create_app
    from survey_app.demo import seed_demo
    from survey_app.extensions import db
    from tests.conftest import _migrate

    url = "sqlite:///" + str(tmp_path / "council.sqlite")
    _migrate(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        assert seed_demo(60, seed=1) == 60
        db.session.commit()
        db.engine.dispose()

    def libraries(imported: dict[str, str | None]) -> list[str]:
        return sorted(name for name, file in imported.items() if file and "-packages" in file)

    # Without the hook, the first draft imports them itself (so the check below can fail).
    unprepared = libraries(_imported_by_first_draft(url, False))
    assert {"numpy", "scipy.optimize", "sklearn", "english_words"} <= set(unprepared)
    assert libraries(_imported_by_first_draft(url, True)) == []


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads a worker's memory map from /proc")
@pytest.mark.parametrize("prepared", [True, False])
def test_gunicorns_workers_start_ready_to_draft(tmp_path, monkeypatch, prepared):
    # gunicorn.conf.py prepares drafting: the master imports the libraries, so a worker has numpy,
    # scipy and scikit-learn mapped before it has answered anything that needs them (only the page
    # gunicorn is probed with), and each worker reads the published reports' ledgers when it
    # starts. EXITVOICE_PRELOAD_ANALYSIS=0 and EXITVOICE_READ_LEDGERS_AT_START=0 leave both to the
    # first draft.
    from tests.browser.support import gunicorn_over_tls
    from tests.conftest import _migrate

    url = "sqlite:///" + str(tmp_path / "exitvoice.sqlite")
    _migrate(url)
    monkeypatch.setenv("EXITVOICE_PRELOAD_ANALYSIS", "1" if prepared else "0")
    monkeypatch.setenv("EXITVOICE_READ_LEDGERS_AT_START", "1" if prepared else "0")
    with gunicorn_over_tls(url, tmp_path, workers=1, threads=1):
        master = int((tmp_path / "gunicorn.pid").read_text())
        (worker,) = [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        maps = Path(f"/proc/{worker}/maps").read_text()
        for _ in range(100):
            said = (tmp_path / "gunicorn.log").read_text()
            if not prepared or "Read the ledgers" in said:
                break
            time.sleep(0.1)
    libraries = ("numpy/_core/_multiarray_umath", "scipy/optimize/_highspy", "sklearn/")
    if prepared:
        assert all(library in maps for library in libraries), [lib for lib in libraries if lib not in maps]
        assert "Read the ledgers of 0 published reports" in said
    else:
        assert not any(library in maps for library in libraries)
        assert "Read the ledgers" not in said
