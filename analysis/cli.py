"""Command line: ``python -m analysis <command> ...``, usable on any CSV without the app.

Commands register themselves in ``COMMANDS`` (name -> (add_arguments, run)); add one by
writing those two functions and an entry, e.g. for reports.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

__all__ = ["COMMANDS", "CommandError", "main"]


class CommandError(Exception):
    """An expected failure: printed as one message, exit status 2, no stack trace."""


# -- shared helpers -----------------------------------------------------------------------
def _read_csv(path: str, what: str) -> pd.DataFrame:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{what} file not found: {file}")
    try:
        return pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CommandError(f"{file}: cannot read as CSV: {exc}") from exc


def _need_columns(frame: pd.DataFrame, columns: Sequence[str], file: str, option: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CommandError(
            f"{file}: no column {', '.join(repr(c) for c in missing)} (from {option}); "
            f"columns are: {', '.join(map(repr, frame.columns))}"
        )


def _taxonomy(path: str | None):
    from analysis.taxonomy import TaxonomyError, load_taxonomy

    try:
        return load_taxonomy(path)
    except TaxonomyError as exc:
        raise CommandError(str(exc)) from exc


def _scrub_rules(path: str | None):
    from analysis.text import ScrubRules

    if not path:
        return ScrubRules()
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CommandError(f"{file}: cannot read scrub settings: {exc}") from exc
    if not isinstance(data, dict):
        raise CommandError(f"{file}: scrub settings must be a mapping (staff_names, team_names, ...)")
    try:
        return ScrubRules.from_mapping(data)
    except (TypeError, ValueError) as exc:
        raise CommandError(f"{file}: {exc}") from exc


# -- themes -------------------------------------------------------------------------------
def _add_themes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="CSV of comments")
    parser.add_argument("--text-column", required=True, help="column holding the comment text")
    parser.add_argument("--id-column", help="column of comment ids (default: row number from 1)")
    parser.add_argument("--reasons-column",
                        help="column that is true (1, true, yes) for answers to \"why are you leaving?\": "
                             "their clauses that only praise are not read as themes")
    parser.add_argument("--output", required=True, help="file to write")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument("--codes", help="CSV of human codings: id, theme_ids (';'-separated)")
    parser.add_argument("--taxonomy", help="taxonomy YAML (default: the shipped one)")
    parser.add_argument("--scrub-config", help="YAML with staff_names, team_names, place_names, domain_words")
    parser.add_argument("--previous-model", help="a model saved by an earlier run: carry its emerging theme ids over")
    parser.add_argument("--save-model", help="write the fitted pipeline here (joblib)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="worker processes for inputs of more than 20,000 comments (default: the machine's cores, "
                             "at most 4; the results are the same for any number)")


#: How a yes/no column may be written (compared case-blind; a blank cell is no).
TRUE_WORDS = ("1", "true", "yes", "y")
FALSE_WORDS = ("0", "false", "no", "n", "")


def default_jobs() -> int:
    """Worker processes that help: one per core, at most four (measured in bench/themes: on two
    cores, 100,000 comments take 17.4 s with two workers and 18.8 s with one)."""
    return max(1, min(os.cpu_count() or 1, 4))


def _run_themes(args: argparse.Namespace) -> int:
    from analysis.text import Scrubber, TextPreparer
    from analysis.themes import CodesError, ThemePipeline

    comments = _read_csv(args.input, "input")
    columns = [args.text_column] + [c for c in (args.id_column, args.reasons_column) if c]
    _need_columns(comments, columns, args.input, "--text-column/--id-column/--reasons-column")
    reasons = None
    if args.reasons_column:
        flags = comments[args.reasons_column].astype(str).str.strip().str.casefold()
        unknown = flags[~flags.isin(TRUE_WORDS + FALSE_WORDS)]
        if len(unknown):
            row = int(unknown.index[0]) + 2
            raise CommandError(f"{args.input}: row {row}, column {args.reasons_column!r}: "
                               f"{comments[args.reasons_column].iloc[unknown.index[0]]!r} is not one of "
                               f"{', '.join(TRUE_WORDS + FALSE_WORDS)}")
        reasons = flags.isin(TRUE_WORDS).tolist()
    ids = comments[args.id_column].tolist() if args.id_column else [str(i) for i in range(1, len(comments) + 1)]
    duplicated = pd.Series(ids)[pd.Series(ids).duplicated()]
    if len(duplicated):
        row = int(duplicated.index[0]) + 2
        raise CommandError(
            f"{args.input}: row {row}, column {args.id_column!r}: id {duplicated.iloc[0]!r} is not unique"
        )

    codes = None
    if args.codes:
        codes = _read_csv(args.codes, "codes")
        _need_columns(codes, ["id", "theme_ids"], args.codes, "--codes")
        unknown = sorted(set(codes["id"]) - set(ids))
        if unknown:
            print(
                f"note: {len(unknown)} coded id(s) not in {args.input} are ignored (e.g. {unknown[0]!r})",
                file=sys.stderr,
            )

    previous = None
    if args.previous_model:
        try:
            previous = ThemePipeline.load(args.previous_model).emerging_themes
        except (OSError, ValueError) as exc:
            raise CommandError(f"{args.previous_model}: {exc}") from exc

    pipeline = ThemePipeline(
        _taxonomy(args.taxonomy),
        preparer=TextPreparer(Scrubber(_scrub_rules(args.scrub_config))),
        seed=args.seed,
        n_jobs=args.jobs,
    )
    try:
        run = pipeline.run(comments[args.text_column].tolist(), ids, codes=codes, previous_emerging=previous,
                           reasons=reasons)
    except CodesError as exc:
        raise CommandError(f"{args.codes}: {exc}") from exc

    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(
        {
            "id": run.comments["comment_id"],
            "theme_ids": [";".join(t) for t in run.comments["theme_ids"]],
            "scores": [";".join(f"{s:.3f}" for s in scores) for scores in run.comments["scores"]],
            "sources": [";".join(s) for s in run.comments["sources"]],
            "emerging_theme": run.comments["emerging_theme"].fillna(""),
            "sentiment": run.comments["sentiment"].round(4),
        }
    )
    if args.format == "csv":
        table.to_csv(out, index=False)
    else:
        emerging = run.emerging.themes.copy()
        payload = {
            "model_version": run.model_version,
            "comments": json.loads(table.to_json(orient="records")),
            "assignments": json.loads(run.assignments.to_json(orient="records")),
            "emerging_themes": json.loads(emerging.to_json(orient="records")),
        }
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.save_model:
        pipeline.save(args.save_model)
    themed = float((table["theme_ids"] != "").mean()) if len(table) else 0.0
    print(
        f"{len(table)} comments, {themed:.0%} with at least one theme, "
        f"{len(run.emerging.themes)} emerging themes; model {run.model_version}; wrote {out}",
        file=sys.stderr,
    )
    return 0


# -- evaluate -----------------------------------------------------------------------------
def _add_evaluate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="CSV of labelled comments")
    parser.add_argument("--text-column", required=True)
    labels = parser.add_mutually_exclusive_group(required=True)
    labels.add_argument(
        "--label-columns",
        nargs="+",
        metavar="COLUMN",
        help="one-hot 0/1 columns, or one column of ';'-separated labels",
    )
    labels.add_argument(
        "--label-columns-after", metavar="COLUMN", help="every column after this one is a one-hot label column"
    )
    parser.add_argument("--cv", type=int, help="k-fold cross-validation (default 5 unless --test-size)")
    parser.add_argument("--test-size", type=float, help="held-out share, e.g. 0.2")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--min-test-positives", type=int, default=1)
    parser.add_argument(
        "--drop-text",
        action="append",
        default=[],
        metavar="TEXT",
        help="drop rows whose text is exactly this (repeatable), e.g. 'Did not answer'",
    )
    parser.add_argument("--taxonomy", help="taxonomy YAML: when labels are its ids, seed scores become features")
    parser.add_argument(
        "--codes-curve",
        metavar="N,N,...",
        help="learning curve of the whole pipeline (lexicon, HR-code model and vetoes) with N coded comments, "
        "cross-validated (--cv folds, default 5); labels must be taxonomy theme ids; 0 is zero-shot",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _label_matrix(frame: pd.DataFrame, columns: list[str], file: str) -> tuple[np.ndarray, list[str]]:
    if len(columns) == 1:
        values = frame[columns[0]].str.strip()
        if not values.isin(["", "0", "1", "0.0", "1.0"]).all():
            names = sorted({t.strip() for v in values for t in v.split(";") if t.strip()})
            matrix = np.array([[name in {t.strip() for t in v.split(";")} for name in names] for v in values])
            return matrix, names
    matrix = np.zeros((len(frame), len(columns)), dtype=bool)
    for j, column in enumerate(columns):
        values = frame[column].str.strip()
        bad = ~values.isin(["", "0", "1", "0.0", "1.0"])
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise CommandError(
                f"{file}: row {row}, column {column!r}: expected 0, 1 or empty, got {values[bad].iloc[0]!r}"
            )
        matrix[:, j] = values.isin(["1", "1.0"]).to_numpy()
    return matrix, list(columns)


def _run_evaluate(args: argparse.Namespace) -> int:
    from analysis.themes.evaluate import evaluate_cv, evaluate_split

    frame = _read_csv(args.input, "input")
    _need_columns(frame, [args.text_column], args.input, "--text-column")
    if args.label_columns_after:
        _need_columns(frame, [args.label_columns_after], args.input, "--label-columns-after")
        columns = list(frame.columns[frame.columns.get_loc(args.label_columns_after) + 1 :])
    else:
        columns = args.label_columns
        _need_columns(frame, columns, args.input, "--label-columns")
    if not columns:
        raise CommandError("no label columns")
    text = frame[args.text_column].str.strip()
    keep = (text != "") & ~text.isin(args.drop_text)
    frame = frame[keep.to_numpy()].reset_index(drop=True)
    labels, names = _label_matrix(frame, columns, args.input)
    texts = frame[args.text_column].tolist()
    taxonomy = _taxonomy(args.taxonomy) if args.taxonomy else None
    if args.codes_curve:
        return _print_codes_curve(args, texts, labels, names, taxonomy)
    if args.test_size is not None:
        if args.cv:
            raise CommandError("choose either --cv or --test-size")
        result = evaluate_split(
            texts,
            labels,
            names,
            test_size=args.test_size,
            seed=args.seed,
            min_test_positives=args.min_test_positives,
            taxonomy=taxonomy,
        )
    else:
        result = evaluate_cv(
            texts, labels, names, cv=args.cv or 5, seed=args.seed, taxonomy=taxonomy, progress=sys.stderr.isatty()
        )
    if args.json:
        print(
            json.dumps(
                {
                    "method": result.method,
                    "micro_f1": result.micro_f1,
                    "macro_f1": result.macro_f1,
                    "per_label": json.loads(result.per_label.to_json(orient="records")),
                },
                indent=2,
            )
        )
    else:
        print(result.summary())
    return 0


def _print_codes_curve(args: argparse.Namespace, texts, labels, names, taxonomy) -> int:
    from analysis.taxonomy import load_taxonomy
    from analysis.themes.evaluate import evaluate_codes_curve

    try:
        sizes = [int(n) for n in args.codes_curve.split(",") if n.strip()]
    except ValueError:
        raise CommandError(f"--codes-curve: expected numbers separated by commas, got {args.codes_curve!r}") from None
    if not sizes or min(sizes) < 0:
        raise CommandError("--codes-curve: give at least one number of codes, none negative")
    if args.test_size is not None:
        raise CommandError("--codes-curve is cross-validated: use --cv, not --test-size")
    taxonomy = taxonomy or load_taxonomy()
    try:
        curve = evaluate_codes_curve(
            texts, labels, names, taxonomy, sizes, cv=args.cv or 5, seed=args.seed, progress=sys.stderr.isatty()
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    dropped = sorted(set(sizes) - set(curve["codes"]))
    if args.json:
        print(json.dumps({"curve": json.loads(curve.to_json(orient="records")), "left_out": dropped}, indent=2))
    else:
        print(curve.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if dropped:
            print(f"left out (more codes than a fold's training share): {', '.join(map(str, dropped))}")
    return 0


#: name -> (add arguments, run, help)
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int], str]] = {
    "themes": (_add_themes, _run_themes, "assign themes, emerging themes and sentiment to a CSV of comments"),
    "evaluate": (_add_evaluate, _run_evaluate, "measure the supervised theme model against labelled comments"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per entry of ``COMMANDS``."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description="ExitVoice analysis on CSV files.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (add, run, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        add(command)
        command.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the exit status (2 for errors a person can fix)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
