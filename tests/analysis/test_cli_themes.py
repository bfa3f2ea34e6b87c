"""``python -m analysis themes`` and ``evaluate`` end to end on small CSVs written here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def comments_csv(tmp_path, themed, unthemed):
    rows = [{"ref": cid, "answer": text} for cid, (text, _) in themed.items()]
    rows += [{"ref": f"u{i}", "answer": text} for i, text in enumerate(unthemed)]
    rows.append({"ref": "blank", "answer": ""})
    path = tmp_path / "comments.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_themes_writes_one_row_per_comment_with_themes_scores_emerging_and_sentiment(comments_csv, tmp_path, themed):
    out = tmp_path / "themes.csv"
    status = main(
        ["themes", "--input", str(comments_csv), "--text-column", "answer", "--id-column", "ref", "--output", str(out)]
    )
    assert status == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns[:5]) == ["id", "theme_ids", "scores", "sources", "emerging_theme"]
    assert "sentiment" in table.columns
    assert len(table) == len(pd.read_csv(comments_csv))
    row = table.set_index("id").loc["c3"]
    assert set(row.theme_ids.split(";")) == themed["c3"][1]
    assert len(row.scores.split(";")) == 2 and all(0.5 <= float(s) <= 1 for s in row.scores.split(";"))
    assert table.set_index("id").loc["blank", "theme_ids"] == ""
    assert table.loc[table["id"].str.startswith("u"), "emerging_theme"].str.startswith("emerging:").mean() > 0.6


def test_themes_learns_from_codes_and_writes_json(comments_csv, tmp_path):
    codes = tmp_path / "coded.csv"
    pd.DataFrame(
        {
            "id": [f"u{i}" for i in range(0, 24, 3)] + [f"u{i}" for i in range(1, 24, 3)],
            "theme_ids": ["environment"] * 8 + [""] * 8,
        }
    ).to_csv(codes, index=False)
    out = tmp_path / "themes.json"
    status = main(
        [
            "themes",
            "--input",
            str(comments_csv),
            "--text-column",
            "answer",
            "--id-column",
            "ref",
            "--output",
            str(out),
            "--format",
            "json",
            "--codes",
            str(codes),
            "--save-model",
            str(tmp_path / "m.joblib"),
        ]
    )
    assert status == 0
    data = json.loads(out.read_text())
    assert "+model." in data["model_version"]
    sources = {(a["comment_id"], a["theme_id"]): a["source"] for a in data["assignments"]}
    assert sources[("u0", "environment")] == "hr"
    # An uncoded canteen comment is now given environment by the model.
    assert sources.get(("u6", "environment")) in {"hr", "model"}
    assert sources.get(("u24", "environment")) is None
    assert (tmp_path / "m.joblib").exists()


def test_a_missing_column_is_a_clear_error_without_a_traceback(comments_csv, tmp_path, capsys):
    status = main(
        ["themes", "--input", str(comments_csv), "--text-column", "text", "--output", str(tmp_path / "o.csv")]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "no column 'text'" in err and "'answer'" in err and "Traceback" not in err


def test_unknown_theme_ids_in_codes_name_the_row_and_column(comments_csv, tmp_path, capsys):
    codes = tmp_path / "coded.csv"
    pd.DataFrame({"id": ["c1", "c2"], "theme_ids": ["caseload", "casload"]}).to_csv(codes, index=False)
    status = main(
        [
            "themes",
            "--input",
            str(comments_csv),
            "--text-column",
            "answer",
            "--id-column",
            "ref",
            "--output",
            str(tmp_path / "o.csv"),
            "--codes",
            str(codes),
        ]
    )
    assert status == 2
    assert "row 3, column theme_ids: unknown theme id(s) casload" in capsys.readouterr().err


def labelled_csv(tmp_path: Path) -> Path:
    rows = []
    for i in range(30):
        rows.append({"T": f"my caseload was huge number {i}", "workload": 1, "money": 0})
        rows.append({"T": f"salary too low, pay band {i}", "workload": 0, "money": 1})
        rows.append({"T": f"caseload high and salary low {i}", "workload": 1, "money": 1})
        rows.append({"T": f"nothing else to say {i}", "workload": 0, "money": 0})
    path = tmp_path / "labelled.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_evaluate_prints_per_theme_scores_and_micro_macro_f1(tmp_path, capsys):
    status = main(
        [
            "evaluate",
            "--input",
            str(labelled_csv(tmp_path)),
            "--text-column",
            "T",
            "--label-columns",
            "workload",
            "money",
            "--cv",
            "3",
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out and "workload" in out and "money" in out
    micro = float(out.split("micro F1")[1].split()[0])
    assert micro > 0.9 and "macro F1" in out


def test_evaluate_held_out_split_as_json(tmp_path, capsys):
    status = main(
        [
            "evaluate",
            "--input",
            str(labelled_csv(tmp_path)),
            "--text-column",
            "T",
            "--label-columns-after",
            "T",
            "--test-size",
            "0.25",
            "--seed",
            "42",
            "--min-test-positives",
            "3",
            "--json",
        ]
    )
    assert status == 0
    result = json.loads(capsys.readouterr().out)
    assert {r["label"] for r in result["per_label"]} == {"workload", "money"}
    assert result["micro_f1"] > 0.9 and "test_size=0.25" in result["method"]


def test_evaluate_rejects_label_cells_that_are_not_zero_or_one(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"T": ["a", "b"], "x": ["1", "yes"], "y": ["0", "1"]}).to_csv(path, index=False)
    assert main(["evaluate", "--input", str(path), "--text-column", "T", "--label-columns", "x", "y"]) == 2
    assert "row 3, column 'x': expected 0, 1 or empty, got 'yes'" in capsys.readouterr().err


def test_progress_bars_stay_off_when_stderr_is_not_a_terminal(comments_csv, tmp_path):
    # Run as a real process with stderr captured (a pipe, not a terminal).
    out = tmp_path / "o.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "themes",
            "--input",
            str(comments_csv),
            "--text-column",
            "answer",
            "--output",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "%|" not in done.stderr and "it/s" not in done.stderr
    assert "comments," in done.stderr and out.exists()


def test_a_rerun_with_the_previous_model_keeps_emerging_theme_ids(comments_csv, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    common = ["themes", "--input", str(comments_csv), "--text-column", "answer", "--id-column", "ref"]
    assert main([*common, "--output", str(first), "--save-model", str(tmp_path / "m.joblib")]) == 0
    assert main([*common, "--output", str(second), "--previous-model", str(tmp_path / "m.joblib")]) == 0
    a = pd.read_csv(first, dtype=str, keep_default_na=False)
    b = pd.read_csv(second, dtype=str, keep_default_na=False)
    assert (a["emerging_theme"] != "").sum() > 10
    assert a["emerging_theme"].tolist() == b["emerging_theme"].tolist()
