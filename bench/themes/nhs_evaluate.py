"""Learning from human codes: the supervised theme model on real NHS patient comments.

The NHS v6-framework file holds comments (``FFT answer``) coded by people against 50 themes
(one-hot columns after ``Comment sentiment``). Rows with no text or "Did not answer" are
dropped; a seeded 20% is held out; labels with at least 10 positives in the held-out share are
scored. This runs the same code as ``python -m analysis evaluate``:

    python -m analysis evaluate --input PATH --text-column "FFT answer" \\
        --label-columns-after "Comment sentiment" --drop-text "Did not answer" \\
        --test-size 0.2 --seed 42 --min-test-positives 10

    python bench/themes/nhs_evaluate.py PATH/TO/v6framework_230831.csv
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.cli import main as cli_main  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="nhs_patient_feedback_labelled/v6framework_230831.csv")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    status = cli_main(
        [
            "evaluate",
            "--input",
            args.path,
            "--text-column",
            "FFT answer",
            "--label-columns-after",
            "Comment sentiment",
            "--drop-text",
            "Did not answer",
            "--test-size",
            "0.2",
            "--seed",
            str(args.seed),
            "--min-test-positives",
            "10",
        ]
    )
    print(f"\n{time.perf_counter() - started:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
