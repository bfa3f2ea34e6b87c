"""Synthetic frames in the shapes of ``docs/analysis-frames.md``, for demos, tests and benches.

Deterministic for a given seed. The people are invented; nothing here comes from real data.
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd

from analysis.periods import Quarter
from analysis.reports.labels import (
    DIMENSIONS,
    EQUALITY,
    FOCUS_PURPOSES,
    LENGTH_OF_SERVICE,
    RATING_AREAS,
)

THEME_LABELS = {
    "caseload": "Caseload and workload",
    "supervision": "Supervision and support",
    "management": "Leadership and management",
    "pay": "Pay and reward",
    "career": "Career progression",
    "training": "Training and development",
    "restructure": "Restructure and change",
    "valued": "Feeling valued",
    "admin": "Admin, recording and IT",
    "environment": "Working environment",
    "flexibility": "Flexible working",
    "wellbeing": "Stress and wellbeing",
    "team": "Team and colleagues",
    "job_security": "Job security",
    "location": "Travel and location",
    "personal": "Personal and family reasons",
    "retirement": "Retirement",
    "practice": "Practice and learning culture",
}

_EQUALITY_VALUES = {
    "age": ["16_to_24", "25_to_34", "35_to_44", "45_to_54", "55_to_64", "65_plus", "prefer_not_to_say"],
    "disability": ["yes", "no", "prefer_not_to_say"],
    "sex": ["female", "male", "prefer_not_to_say"],
    "gender_identity": ["same_as_sex_at_birth", "different", "prefer_not_to_say"],
    "sexual_orientation": ["straight", "gay_or_lesbian", "bisexual", "other", "prefer_not_to_say"],
    "ethnicity": ["white", "black", "asian", "mixed", "other", "prefer_not_to_say"],
    "religion": ["no_religion", "christian", "muslim", "hindu", "other", "prefer_not_to_say"],
    "marital_status": ["married_or_civil_partnership", "single", "other", "prefer_not_to_say"],
    "pregnancy_maternity": ["no", "yes", "prefer_not_to_say"],
}

_PHRASES = {
    "caseload": "my caseload was far too high to do the work properly",
    "supervision": "supervision was cancelled most months",
    "management": "we had four managers in two years",
    "pay": "neighbouring councils pay more for the same job",
    "career": "there was no route to senior practitioner",
    "wellbeing": "I was exhausted and off sick with stress",
    "flexibility": "I could not get compressed hours agreed",
    "admin": "the recording system takes hours every day",
}


def _pick(rng: np.random.Generator, options: list[str], n: int, weights: list[float] | None = None) -> list:
    p = None if weights is None else np.array(weights) / sum(weights)
    return list(rng.choice(options, size=n, p=p))


def synthetic_frames(
    end_quarter: str = "2025/26 Q1",
    years: int = 2,
    leavers_per_year: int = 200,
    comments_per_leaver: int = 1,
    seed: int = 1,
    staff_in_post: int | None = None,
    missing_rate: float = 0.04,
) -> dict[str, pd.DataFrame]:
    """Frames for ``years`` of history ending with ``end_quarter``.

    ``missing_rate`` is the share of leavers who leave each category question unanswered.
    Returns ``{"responses", "comments", "theme_assignments", "headcounts"}``.
    """
    rng = np.random.default_rng(seed)
    # About one leaver a year for every five staff, as in many children's services.
    staff_in_post = staff_in_post or leavers_per_year * 5
    last = Quarter.parse(end_quarter)
    quarters = last.last_n(4 * years)
    months = [m for q in quarters for m in q.months()]
    n = leavers_per_year * years
    ids = [str(uuid.UUID(int=int(x))) for x in rng.integers(0, 2**63, size=n)]
    month_idx = rng.integers(0, len(months), size=n)
    frame: dict[str, object] = {
        "response_id": ids,
        "instrument_slug": "exit",
        "instrument_kind": "exit",
        "instrument_version": 1,
        "channel": _pick(rng, ["online", "paper", "interview", "imported"], n, [70, 5, 15, 10]),
        "period": pd.PeriodIndex([months[i] for i in month_idx], freq="M"),
        "period_estimated": False,
    }
    weights = {
        "length_of_service": [30, 22, 25, 13, 10],
        "post_qualifying_experience": [25, 20, 28, 15, 12],
        "role": [14, 50, 18, 10, 3, 5],
        "service_area": [14, 20, 22, 16, 6, 8, 5, 7, 2],
        "employment_type": [80, 8, 12],
        "destination": [30, 20, 12, 10, 12, 6, 5, 5],
    }
    for dim, (_, labels) in DIMENSIONS.items():
        values = _pick(rng, list(labels), n, weights[dim])
        missing = rng.random(n) < missing_rate
        frame[dim] = [None if m else v for v, m in zip(values, missing, strict=True)]
    theme_ids = list(THEME_LABELS)
    theme_weights = np.array([30, 14, 16, 15, 9, 7, 6, 13, 11, 5, 9, 14, 6, 4, 5, 7, 3, 6], dtype=float)
    theme_weights /= theme_weights.sum()
    reasons = []
    for _ in range(n):
        k = int(rng.integers(1, 4))
        reasons.append(list(rng.choice(theme_ids, size=k, replace=False, p=theme_weights)))
    frame["leaving_reasons"] = reasons
    for area in [a for a in RATING_AREAS if a != "wellbeing"]:
        base = {"caseload": 2.2, "pay": 2.4, "supervision": 3.1, "training": 3.4}.get(area, 3.0)
        raw = np.clip(np.round(rng.normal(base, 1.1, size=n)), 1, 5).astype(int)
        skip = rng.random(n) < 0.05
        frame[f"rating.{area}"] = pd.array([None if s else int(v) for v, s in zip(raw, skip, strict=True)],
                                           dtype="Int64")
    frame["recommend"] = _pick(rng, ["yes", "maybe", "no"], n)
    frame["consider_returning"] = _pick(rng, ["yes", "maybe", "no"], n)
    for char in EQUALITY:
        values = _EQUALITY_VALUES[char]
        w = [1.0 / (i + 1) ** 1.3 for i in range(len(values))]
        chosen = _pick(rng, values, n, w)
        frame[f"equality.{char}"] = [None if rng.random() < 0.1 else v for v in chosen]
    exits = pd.DataFrame(frame)

    # Staff surveys closing in the second month of each Q3.
    survey_rows = []
    for q in quarters:
        if q.number != 3:
            continue
        for _ in range(max(20, staff_in_post // 3)):
            row = {"response_id": str(uuid.UUID(int=int(rng.integers(0, 2**63)))),
                   "instrument_slug": "staff-survey", "instrument_kind": "staff_survey",
                   "instrument_version": 1, "channel": "online", "period": q.months()[1],
                   "period_estimated": False, "leaving_reasons": []}
            for area in RATING_AREAS:
                row[f"rating.{area}"] = int(np.clip(round(rng.normal(3.2, 1.0)), 1, 5))
            survey_rows.append(row)
    responses = pd.concat([exits, pd.DataFrame(survey_rows)], ignore_index=True) if survey_rows else exits
    for col in responses.columns:
        if col.startswith("rating."):
            responses[col] = responses[col].astype("Int64")

    # Comments and theme assignments.
    c_ids, c_resp, c_period, c_text, a_rows = [], [], [], [], []
    purposes = ["reasons", "would_have_stayed", "worked_well", "improve"]
    for i in range(n):
        for j in range(comments_per_leaver):
            cid = str(uuid.UUID(int=int(rng.integers(0, 2**63))))
            theme = reasons[i][0] if j == 0 else str(rng.choice(theme_ids, p=theme_weights))
            c_ids.append(cid)
            c_resp.append(ids[i])
            c_period.append(months[month_idx[i]])
            c_text.append(_PHRASES.get(theme, f"comments about {theme.replace('_', ' ')}"))
            source = "model" if rng.random() > 0.05 else "rejected"
            a_rows.append((cid, theme, float(rng.uniform(0.4, 1.0)), source, "synthetic-1"))
            if rng.random() < 0.03:
                a_rows.append((cid, f"emerging:{int(rng.integers(1, 3))}", 0.5, "model", "synthetic-1"))
    comments = pd.DataFrame({
        "comment_id": c_ids, "response_id": c_resp, "focus_group_id": None, "instrument_kind": "exit",
        "question_key": "comment.reasons", "purpose": _pick(rng, purposes, len(c_ids)),
        "period": pd.PeriodIndex(c_period, freq="M"), "text": c_text,
    })
    # Focus groups: one session in the first month of each quarter, twelve remarks.
    fg_rows = []
    for q in quarters:
        group = str(uuid.UUID(int=int(rng.integers(0, 2**63))))
        for _ in range(12):
            cid = str(uuid.UUID(int=int(rng.integers(0, 2**63))))
            theme = str(rng.choice(theme_ids, p=theme_weights))
            fg_rows.append({"comment_id": cid, "response_id": None, "focus_group_id": group,
                            "instrument_kind": "focus_group", "question_key": "prompt",
                            "purpose": str(rng.choice(list(FOCUS_PURPOSES)[:4])), "period": q.months()[0],
                            "text": _PHRASES.get(theme, theme)})
            a_rows.append((cid, theme, 0.8, "hr", "synthetic-1"))
    comments = pd.concat([comments, pd.DataFrame(fg_rows)], ignore_index=True)
    comments["period"] = pd.PeriodIndex(comments["period"], freq="M")
    assignments = pd.DataFrame(a_rows, columns=["comment_id", "theme_id", "score", "source", "model_version"])

    hc_rows = []
    shares = [0.18, 0.16, 0.28, 0.2, 0.18]
    for q in [quarters[0].previous(), *quarters]:
        total = int(staff_in_post + rng.integers(-10, 10))
        hc_rows.append({"quarter": q.label, "role": None, "service_area": None, "length_of_service": None,
                        "headcount": total, "fte": total * 0.92, "vacancies": int(total * 0.12),
                        "agency_workers": int(total * 0.15)})
        for band, s in zip(LENGTH_OF_SERVICE, shares, strict=True):
            hc_rows.append({"quarter": q.label, "role": None, "service_area": None, "length_of_service": band,
                            "headcount": int(total * s), "fte": total * s * 0.92, "vacancies": None,
                            "agency_workers": None})
    headcounts = pd.DataFrame(hc_rows)
    headcounts["vacancies"] = headcounts["vacancies"].astype("Int64")
    headcounts["agency_workers"] = headcounts["agency_workers"].astype("Int64")
    return {"responses": responses, "comments": comments, "theme_assignments": assignments,
            "headcounts": headcounts}
