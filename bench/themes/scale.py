"""Time and memory of the theme pipeline on 10k, 100k and 1M comments.

Comments are built by sampling real review texts (the ``text``, ``cons`` and ``pros`` columns of
the Indeed reviews file): each synthetic comment is one sampled text, half of them followed by
a second sampled ``cons`` text, so nearly all comments are distinct. Each size runs in its own
process so that peak memory (max RSS of the process and, separately, of its worker processes)
belongs to that size alone.

Measured per size: ``fit`` (text preparation, seed matching, choosing and fitting emerging
clusters), ``assign`` (building the assignment frames), ``sentiment``, the end-to-end total of
``ThemePipeline.run``, and the time to assign 1,000 new comments to the fitted pipeline.

    python bench/themes/scale.py PATH/TO/indeed_reviews/dev.csv [--sizes 10000 100000 1000000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def build_comments(path: str, n: int, seed: int = 7) -> list[str]:
    """``n`` comments sampled from the review texts (deterministic for a seed)."""
    import numpy as np
    import pandas as pd

    reviews = pd.read_csv(path)
    pool = pd.concat([reviews["text"], reviews["cons"], reviews["pros"]]).dropna()
    pool = pool[(pool.str.strip() != "MISS") & (pool.str.len() > 3)].to_numpy()
    cons = reviews["cons"].dropna()
    cons = cons[cons.str.strip() != "MISS"].to_numpy()
    rng = np.random.default_rng(seed)
    first = pool[rng.integers(0, len(pool), n)]
    second = cons[rng.integers(0, len(cons), n)]
    both = rng.random(n) < 0.5
    return [f"{a} {b}" if two else a for a, b, two in zip(first, second, both, strict=True)]


def one_size(path: str, n: int, jobs: int) -> dict:
    from analysis.themes import ThemePipeline

    comments = build_comments(path, n)
    new = build_comments(path, 1000, seed=99)
    distinct = len(set(comments)) / len(comments)
    cpu_before = time.process_time()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pipeline = ThemePipeline(seed=0, n_jobs=jobs, progress=False)
    started = time.perf_counter()
    run = pipeline.run(comments)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    started = time.perf_counter()
    pipeline.assign(new, ids=[f"new{i}" for i in range(1000)])
    assign_1000 = time.perf_counter() - started
    try:
        from joblib.externals.loky import get_reusable_executor

        get_reusable_executor().shutdown(wait=True)
    except Exception:  # noqa: BLE001 - measuring only
        pass
    return {
        "comments": n,
        "distinct_share": round(distinct, 3),
        "cpu_main_process_s": round(cpu, 1),
        "jobs": jobs,
        "prepare_s": round(run.timings["prepare"], 2),
        "fit_s": round(run.timings["fit"], 2),
        "assign_s": round(run.timings["assign"], 2),
        "sentiment_s": round(run.timings["sentiment"], 2),
        "end_to_end_s": round(total, 2),
        "assign_1000_new_s": round(assign_1000, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_run_mb": round(baseline, 1),
        "peak_rss_workers_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "cpu_workers_s": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime,
            1,
        ),
        "share_themed": round(float((run.comments["theme_ids"].str.len() > 0).mean()), 3),
        "emerging_themes": int(len(run.emerging.themes)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="indeed_reviews/dev.csv")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_size(args.path, args.one, args.jobs)))
        return 0
    print(
        "comments  distinct  prepare  fit(s)  assign  sentiment  total(s)  main cpu(s)  assign1000(s)  "
        "peak MB  workers MB  themed  emerging"
    )
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, args.path, "--one", str(n), "--jobs", str(args.jobs)],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(f"{n}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{n:>8}  {r['distinct_share']:>8}  {r['prepare_s']:>7}  {r['fit_s']:>6}  {r['assign_s']:>6}  "
            f"{r['sentiment_s']:>9}  {r['end_to_end_s']:>8}  {r['cpu_main_process_s']:>11}  "
            f"{r['assign_1000_new_s']:>13}  {r['peak_rss_mb']:>7}  "
            f"{r['peak_rss_workers_mb']:>10}  {r['share_themed']:>6}  {r['emerging_themes']:>8}",
            flush=True,
        )
        print("   ", json.dumps(r), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
