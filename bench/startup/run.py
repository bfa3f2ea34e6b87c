"""How long an operator command takes before it does anything: ``flask --app wsgi --help``.

Every command and every gunicorn worker pays this, so the target is under 1.5 s. Prints the
median and worst of ``--runs`` cold runs, and the heaviest imports of one ``import wsgi``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")
TARGET = 1.5


def timed_help(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(FLASK), "--app", "wsgi", "--help"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def heaviest_imports(env: dict[str, str], top: int) -> list[tuple[float, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import wsgi"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stderr
    rows = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]) / 1e6, parts[2].rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    env = {**os.environ, "EXITVOICE_ENV": "development"}
    timed_help(env)  # warm the file cache once, as a server that has run before would be
    times = [timed_help(env) for _ in range(args.runs)]
    median = statistics.median(times)
    print(f"flask --app wsgi --help: median {median:.2f} s, worst {max(times):.2f} s over {args.runs} runs "
          f"(target under {TARGET} s: {'met' if median < TARGET else 'NOT met'})")
    print("heaviest imports of `import wsgi` (cumulative seconds):")
    for seconds, name in heaviest_imports(env, args.top):
        print(f"  {seconds:6.3f}  {name}")


if __name__ == "__main__":
    main()
