"""Search random small tables for a hidden count the ledger lets a reader work out.

Usage: python bench/disclosure/search.py [--tables 2000] [--seed N] [--k 5]

Each table is a two-way table of people (2 to 4 rows, 2 to 4 columns, cells 0 to 12, small and
zero cells more likely, since that is where suppression is hard) with its row totals, column
totals and grand total, as a report's "themes by group" tables are. The ledger decides what to
publish; the auditor, holding every published figure and relation, then looks for any hidden
count it can pin down. It prints each table that gives a count away (to become a fixed example in
``tests/analysis/test_disclosure.py``), then how many tables it tried and how long it took.

The test suite runs a fixed set of examples; this is the longer search, with a new seed each run
unless ``--seed`` is given.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from analysis.disclosure import Ledger  # noqa: E402
from analysis.disclosure.auditor import audit  # noqa: E402


def _table(rng: random.Random) -> list[list[int]]:
    rows, columns = rng.randint(2, 4), rng.randint(2, 4)
    cell = lambda: rng.choice([0, 0, 1, 1, 2, 3, 4, rng.randint(0, 12)])  # noqa: E731
    return [[cell() for _ in range(columns)] for _ in range(rows)]


def given_away(rows: list[list[int]], k: int) -> list[str]:
    """The hidden counts of the table as the ledger publishes it that a reader can work out."""
    ledger = Ledger(k)
    cells = {(i, j): ledger.count(f"c{i}_{j}", v, f"row{i}") for i, row in enumerate(rows) for j, v in enumerate(row)}
    for i, row in enumerate(rows):
        ledger.total_of(ledger.count(f"r{i}", sum(row), "row_totals"), [cells[i, j] for j in range(len(row))])
    for j in range(len(rows[0])):
        total = ledger.count(f"col{j}", sum(row[j] for row in rows), "col_totals")
        ledger.total_of(total, [cells[i, j] for i in range(len(rows))])
    grand = ledger.count("N", sum(map(sum, rows)), "n")
    ledger.total_of(grand, [f"r{i}" for i in range(len(rows))])
    ledger.total_of(grand, [f"col{j}" for j in range(len(rows[0]))])
    return audit(ledger.publish(), ledger.relations, k).disclosed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    start, found = time.perf_counter(), 0
    for _ in range(args.tables):
        rows = _table(rng)
        disclosed = given_away(rows, args.k)
        if disclosed:
            found += 1
            print(f"gives away {disclosed}: rows={rows}")
    print(f"seed {seed}: {args.tables} tables, {found} giving a count away, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
