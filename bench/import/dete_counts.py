"""Count DETE leavers by service band and by reason theme, straight from the CSV with pandas,
and side by side with what an ExitVoice database holds after importing it.

    python bench/import/dete_counts.py PATH/TO/dete_survey.csv [--database sqlite:////tmp/x.sqlite]

The pandas side is written independently of the importer: it re-reads the published file and
applies the rules of docs/examples/dete-mapping.yaml by hand, so the two columns check each other.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import pandas as pd

RETIREMENTS = {"Age Retirement", "Voluntary Early Retirement (VER)", "Ill Health Retirement"}
FLAG_THEMES = {
    "Career move to public sector": "career", "Career move to private sector": "career",
    "Interpersonal conflicts": "team", "Job dissatisfaction": "valued",
    "Dissatisfaction with the department": "management", "Physical work environment": "environment",
    "Lack of recognition": "valued", "Lack of job security": "job_security", "Work location": "location",
    "Employment conditions": "pay", "Maternity/family": "personal", "Relocation": "personal",
    "Study/Travel": "personal", "Ill Health": "wellbeing", "Traumatic incident": "wellbeing",
    "Work life balance": "flexibility", "Workload": "caseload",
}
BANDS = ["under_1", "1_to_2", "2_to_5", "5_to_10", "10_plus"]


def pandas_counts(path: str) -> tuple[Counter, Counter, dict[str, int]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    leavers = frame[frame["SeparationType"].str.startswith("Resignation") | frame["SeparationType"].isin(RETIREMENTS)]
    dated = leavers[leavers["Cease Date"] != "Not Stated"].copy()
    cease_year = pd.to_numeric(dated["Cease Date"].str[-4:])
    start_year = pd.to_numeric(dated["DETE Start Date"], errors="coerce")  # "Not Stated" -> missing
    years = cease_year - start_year
    bands = pd.cut(years, [-1, 0.5, 1.5, 4.5, 9.5, 200], labels=BANDS)
    by_band = Counter(bands.astype("string").fillna("not stated"))
    flags = dated[list(FLAG_THEMES)] == "TRUE"
    themes = pd.DataFrame({theme: flags[[f for f, t in FLAG_THEMES.items() if t == theme]].any(axis=1)
                           for theme in sorted(set(FLAG_THEMES.values()))})
    themes["retirement"] = dated["SeparationType"].isin(RETIREMENTS)
    by_theme = Counter({theme: int(themes[theme].sum()) for theme in themes.columns})
    totals = {"rows": len(frame), "leavers": len(leavers), "imported": len(dated),
              "skipped": len(frame) - len(dated), "estimated_month": int((dated["Cease Date"].str.len() == 4).sum())}
    return by_band, by_theme, totals


def database_counts(url: str) -> tuple[Counter, Counter, dict[str, int]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT length_of_service, answers, period_estimated FROM response WHERE channel = 'imported'"
        )).all()
    by_band = Counter(band or "not stated" for band, _, _ in rows)
    by_theme: Counter = Counter()
    for _, answers, _ in rows:
        answers = json.loads(answers) if isinstance(answers, str) else answers
        by_theme.update(answers.get("main_reasons", []))
    totals = {"imported": len(rows), "estimated_month": sum(1 for *_, est in rows if est)}
    return by_band, by_theme, totals


def main() -> None:
    parser = argparse.ArgumentParser(description="DETE counts from pandas and from the app, side by side.")
    parser.add_argument("csv")
    parser.add_argument("--database", help="database URL the file was imported into")
    args = parser.parse_args()
    bands, themes, totals = pandas_counts(args.csv)
    app_bands, app_themes, app_totals = database_counts(args.database) if args.database else (Counter(),) * 2 + ({},)

    def table(title: str, keys: list[str], left: Counter, right: Counter) -> None:
        print(f"\n| {title} | app | pandas |\n| --- | ---: | ---: |")
        for key in keys:
            print(f"| {key} | {right.get(key, '-') if args.database else '-'} | {left.get(key, 0)} |")

    print("pandas:", ", ".join(f"{k} {v}" for k, v in totals.items()))
    if args.database:
        print("app:   ", ", ".join(f"{k} {v}" for k, v in app_totals.items()))
    table("length of service", [*BANDS, "not stated"], bands, app_bands)
    table("reason theme", sorted(set(themes) | set(app_themes), key=lambda t: (-themes.get(t, 0), t)), themes,
          app_themes)


if __name__ == "__main__":
    main()
