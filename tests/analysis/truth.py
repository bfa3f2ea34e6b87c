"""True counts worked out from synthetic frames directly, to check what reports say against.

Written apart from ``analysis.reports.counts``: a person cites a theme if they ticked it among
their reasons or a comment of theirs answering "why are you leaving?" was given it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.periods import Quarter


def leavers(frames: Mapping[str, pd.DataFrame], quarters: Sequence[str]) -> pd.DataFrame:
    """The exit responses of ``quarters``."""
    months = {str(m) for q in quarters for m in Quarter.parse(q).months()}
    responses = frames["responses"]
    return responses[responses["period"].astype(str).isin(months) & (responses["instrument_kind"] == "exit")]


def theme_counts(frames: Mapping[str, pd.DataFrame], quarters: Sequence[str]) -> dict[str, int]:
    """People citing each taxonomy theme as a reason for leaving in ``quarters``."""
    exits = leavers(frames, quarters)
    people: dict[str, set] = {}
    for rid, reasons in zip(exits["response_id"], exits["leaving_reasons"], strict=True):
        for t in reasons if isinstance(reasons, list) else []:
            people.setdefault(t, set()).add(rid)
    comments = frames["comments"]
    why = comments[(comments["purpose"] == "reasons") & comments["response_id"].isin(set(exits["response_id"]))]
    assigned = frames["theme_assignments"].merge(why[["comment_id", "response_id"]], on="comment_id")
    for t, rid in zip(assigned["theme_id"], assigned["response_id"], strict=True):
        if not str(t).startswith("emerging:"):
            people.setdefault(t, set()).add(rid)
    return {t: len(ids) for t, ids in people.items()}


def answer_counts(frames: Mapping[str, pd.DataFrame], quarters: Sequence[str],
                  purpose: str) -> tuple[int, dict[str, int]]:
    """For one of the other questions answered in words (``purpose``): how many leavers of
    ``quarters`` answered it, and how many of them raised each taxonomy theme in that answer."""
    exits = leavers(frames, quarters)
    comments = frames["comments"]
    answers = comments[(comments["purpose"] == purpose) & comments["response_id"].isin(set(exits["response_id"]))]
    assignments = frames["theme_assignments"]
    assignments = assignments[assignments["source"] != "rejected"]
    assigned = assignments.merge(answers[["comment_id", "response_id"]], on="comment_id")
    people: dict[str, set] = {}
    for t, rid in zip(assigned["theme_id"], assigned["response_id"], strict=True):
        if not str(t).startswith("emerging:"):
            people.setdefault(t, set()).add(rid)
    return answers["response_id"].nunique(), {t: len(ids) for t, ids in people.items()}
