"""The suite's own scheduling: tests marked ``xdist_group`` share one worker.

The browser tests share one server and one browser, and the adversary and Welsh-edition tests
share fixtures that take a minute or more to build; ``make test`` runs them with
``--dist loadgroup`` so that each group's fixtures are built once. pytest 9.2 broke that for
pytest-xdist 3.8 without a word (pytest-xdist issue 1386: the groups were spread over the workers
and the suite took half as long again), so this test runs two grouped tests in a pytest of their
own, as ``make test`` does, and requires them to meet on one worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_tests_marked_with_one_xdist_group_run_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(textwrap.dedent('''
        import os
        from pathlib import Path

        import pytest

        pytestmark = pytest.mark.xdist_group("together")


        @pytest.mark.parametrize("n", range(6))
        def test_note_worker(n):
            Path(os.environ["WORKERS_FILE"] + f".{n}").write_text(os.environ["PYTEST_XDIST_WORKER"])
    '''))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup",
         "--rootdir", str(tmp_path), "-c", "/dev/null", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "WORKERS_FILE": str(tmp_path / "worker")})
    assert result.returncode == 0, result.stdout + result.stderr
    workers = {(tmp_path / f"worker.{n}").read_text() for n in range(6)}
    assert len(workers) == 1, f"one group ran on {sorted(workers)}: pin pytest to a version pytest-xdist supports"
