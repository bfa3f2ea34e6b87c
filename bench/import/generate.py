"""Write a synthetic exit-survey CSV in the DETE layout, for timing imports.

    python bench/import/generate.py OUT.csv [--rows 50000] [--seed 1]

Values are drawn from the vocabularies of the DETE file's mapped columns (separation types,
dates as MM/YYYY, YYYY or Not Stated, start years, positions, TRUE/FALSE reason flags), so
``docs/examples/dete-mapping.yaml`` applies unchanged. Nothing is copied from the real file.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

SEPARATIONS = [
    ("Age Retirement", 285), ("Resignation-Other reasons", 150), ("Resignation-Other employer", 91),
    ("Resignation-Move overseas/interstate", 70), ("Voluntary Early Retirement (VER)", 67),
    ("Ill Health Retirement", 61), ("Other", 49), ("Contract Expired", 34), ("Termination", 15),
]
POSITIONS = ["Teacher", "Teacher Aide", "Public Servant", "Cleaner", "Head of Curriculum/Head of Special Education",
             "Schools Officer", "School Administrative Staff", "Guidance Officer", "School Principal",
             "Deputy Principal", "Business Service Manager", ""]
STATUSES = ["Permanent Full-time", "Permanent Part-time", "Temporary Full-time", "Temporary Part-time", "Casual", ""]
FLAGS = ["Career move to public sector", "Career move to private sector", "Interpersonal conflicts",
         "Job dissatisfaction", "Dissatisfaction with the department", "Physical work environment",
         "Lack of recognition", "Lack of job security", "Work location", "Employment conditions",
         "Maternity/family", "Relocation", "Study/Travel", "Ill Health", "Traumatic incident", "Work life balance",
         "Workload", "None of the above"]
HEADER = ["ID", "SeparationType", "Cease Date", "DETE Start Date", "Role Start Date", "Position",
          "Employment Status", *FLAGS, "Gender", "Age"]


def synthetic_row(rng: random.Random, number: int) -> list[str]:
    separation = rng.choices([s for s, _ in SEPARATIONS], weights=[w for _, w in SEPARATIONS])[0]
    year = rng.randint(2006, 2014)
    shape = rng.random()
    cease = f"{rng.randint(1, 12):02d}/{year}" if shape < 0.3 else (str(year) if shape < 0.96 else "Not Stated")
    start = "Not Stated" if rng.random() < 0.09 else str(year - min(int(rng.expovariate(1 / 12)), 45))
    flags = ["TRUE" if rng.random() < 0.08 else "FALSE" for _ in FLAGS]
    return [str(100000 + number), separation, cease, start, start, rng.choice(POSITIONS), rng.choice(STATUSES),
            *flags, rng.choice(["Male", "Female", ""]), rng.choice(["21-25", "36-40", "56-60", "61 or older"])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(synthetic_row(rng, n) for n in range(args.rows))
    print(f"Wrote {args.rows} rows to {args.out}")


if __name__ == "__main__":
    main()
