"""Start-up stays light: every ``flask --app wsgi ...`` command and every web worker imports
``wsgi``, so the analysis libraries (pandas, scikit-learn, nltk, scipy, matplotlib, openpyxl) must
load only where they are used. The time itself is measured in ``bench/startup``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
