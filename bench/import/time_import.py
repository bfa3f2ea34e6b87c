"""Time ``flask import records`` on a large file, into a scratch SQLite and optionally PostgreSQL.

    python bench/import/time_import.py [--rows 50000] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Writes the generated file under bench/out/, migrates a fresh database, imports once (timed) and a
second time (timed: everything is already present), and prints the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "docs/examples/dete-mapping.yaml"


def flask(url: str, *args: str) -> tuple[float, str]:
    env = {**os.environ, "EXITVOICE_ENV": "development", "DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout.strip()


def run(label: str, url: str, source: Path) -> None:
    flask(url, "db", "upgrade")
    args = ("import", "records", str(source), "--mapping", str(MAPPING), "--instrument", "exit")
    first, output = flask(url, *args)
    again, output_again = flask(url, *args)
    print(f"{label}: first import {first:.1f} s (process start included)\n  {output.splitlines()[1]}")
    print(f"{label}: second import {again:.1f} s\n  {output_again.splitlines()[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time an import of a generated file.")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to create a scratch database on")
    args = parser.parse_args()
    out = ROOT / "bench/out"
    out.mkdir(parents=True, exist_ok=True)
    source = out / f"exits{args.rows}.csv"
    subprocess.run([sys.executable, str(Path(__file__).with_name("generate.py")), str(source), "--rows",
                    str(args.rows)], check=True)
    with tempfile.TemporaryDirectory() as scratch:
        run("SQLite", f"sqlite:///{scratch}/bench.sqlite", source)
    if args.postgres:
        from sqlalchemy import create_engine, text

        admin = create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT")
        name = f"exitvoice_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run("PostgreSQL", args.postgres.rsplit("/", 1)[0] + "/" + name, source)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
