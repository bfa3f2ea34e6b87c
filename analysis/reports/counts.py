"""Counting people in periods, and deciding which counts may be published.

What comes in: the frames of ``docs/analysis-frames.md``. What goes out: for each financial
quarter a :class:`PeriodCounts` (true counts in a :class:`~analysis.disclosure.Ledger` with
the relations between them, decided on that quarter's data alone), and for longer periods
(rolling 12 months, a financial year) counts derived from the quarters.

Deciding each quarter on its own data means a quarter's figures are the same in every report
that shows them (its own quarterly report, later trend tables, the annual report), so
reports cannot be played against each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.disclosure import NOT_SHOWN, History, Ledger, Published, is_shown, merge_small_categories
from analysis.periods import Quarter, quarter_of_series
from analysis.reports.labels import (
    CHANNELS,
    DIMENSIONS,
    EQUALITY,
    FOCUS_PURPOSES,
    MERGED_OTHER,
    NOT_STATED,
    RATING_LEVELS,
    THEME_BREAKDOWNS,
)

EMERGING_PREFIX = "emerging:"


# --------------------------------------------------------------------------------------------
# Keys: one global name per count, so the same figure has the same name in every report
# --------------------------------------------------------------------------------------------
def k_respondents(p: str) -> str:
    return f"{p}|respondents"


def k_channel(p: str, channel: str) -> str:
    return f"{p}|channel|{channel}"


def k_dim(p: str, dim: str, category: str) -> str:
    return f"{p}|{dim}|{category}"


def column_id(column: str, members: Sequence[str]) -> str:
    """A cross-table column's name in keys: a merged column names its members, so a figure
    published for one grouping is never taken for another."""
    return column if list(members) == [column] else f"{column}[{'+'.join(sorted(members))}]"


def k_col(p: str, dim: str, column: str, members: Sequence[str]) -> str:
    return f"{p}|{dim}|merged:{column_id(column, members)}"


def k_theme(p: str, theme: str) -> str:
    return f"{p}|theme|{theme}"


def k_theme_by(p: str, dim: str, theme: str, column: str, members: Sequence[str]) -> str:
    return f"{p}|theme_by_{dim}|{theme}|{column_id(column, members)}"


def k_rating(p: str, area: str, level: str, population: str = "exit") -> str:
    return f"{p}|{population}_rating|{area}|{level}"


def k_survey_respondents(p: str) -> str:
    return f"{p}|staff_survey|respondents"


#: The purpose of the free-text answers that count as reasons for leaving.
REASONS_PURPOSE = "reasons"

#: The other exit questions answered in words, each counted apart from the reasons for leaving
#: and from each other: what would have kept them, what worked well, what should improve.
ANSWER_PURPOSES = ("would_have_stayed", "worked_well", "improve")


def k_answered(p: str, purpose: str) -> str:
    return f"{p}|answers|{purpose}|answered"


def k_answer_theme(p: str, purpose: str, theme: str) -> str:
    return f"{p}|answers|{purpose}|{theme}"


def k_remarks(p: str, purpose: str) -> str:
    return f"{p}|focus_group|{purpose}|remarks"


def k_focus_theme(p: str, purpose: str, theme: str) -> str:
    return f"{p}|focus_group|{purpose}|{theme}"


def k_equality(p: str, characteristic: str, value: str) -> str:
    return f"{p}|equality|{characteristic}|{value}"


#: Length of service in three wide groups, to answer "newer or longer-serving?" over a year.
SERVICE_GROUPS = {"under_2": ("under_1", "1_to_2"), "2_to_5": ("2_to_5",), "5_plus": ("5_to_10", "10_plus"),
                  NOT_STATED: (NOT_STATED,)}


def k_service_group(p: str, group: str) -> str:
    return f"{p}|service_group|{group}"


def span_label(quarters: Sequence[Quarter]) -> str:
    """The key prefix of a run of quarters: a rolling 12 months and the financial year that
    covers the same months share it, so their figures are the same figures."""
    return f"{quarters[0].label} to {quarters[-1].label}"


# --------------------------------------------------------------------------------------------
# Preparing the frames
# --------------------------------------------------------------------------------------------
@dataclass
class Prepared:
    """The frames reduced to what reports count, each row labelled with its quarter."""

    exit: pd.DataFrame  # one row per exit response
    exit_themes: pd.DataFrame  # response_id, theme_id, quarter (unique pairs)
    survey: pd.DataFrame  # staff-survey responses
    answers: pd.DataFrame  # response_id, purpose, quarter: who answered each ANSWER_PURPOSES question
    answer_themes: pd.DataFrame  # response_id, purpose, theme_id, quarter (unique)
    remarks: pd.DataFrame  # focus-group remarks: comment_id, purpose, quarter
    remark_themes: pd.DataFrame  # comment_id, purpose, theme_id, quarter
    headcounts: pd.DataFrame
    rating_areas: list[str]
    survey_rating_areas: list[str]
    equality_columns: list[str]


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    try:
        return [str(v) for v in value if isinstance(v, str) and v]  # type: ignore[union-attr]
    except TypeError:
        return []


def prepare(
    responses: pd.DataFrame,
    comments: pd.DataFrame,
    theme_assignments: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    quarters: Sequence[Quarter] | None = None,
) -> Prepared:
    """Label rows with quarters and join themes to people.

    A person cites a theme when they ticked it in ``leaving_reasons`` or when it is assigned
    (not rejected by HR) to one of their comments. Each person counts once per theme.
    ``quarters``, when given, limits the work to rows in those quarters (a report needs eight
    quarters however long the history is).
    """
    if quarters is not None:
        months = [m for q in quarters for m in q.months()]
        responses = responses[responses["period"].isin(months)]
        comments = comments[comments["period"].isin(months)]
        theme_assignments = theme_assignments[theme_assignments["comment_id"].isin(comments["comment_id"])]
    responses = responses.copy()
    responses["quarter"] = quarter_of_series(responses["period"])
    exit_ = responses[responses["instrument_kind"] == "exit"].copy()
    exit_ = exit_[exit_["quarter"].notna()]
    survey = responses[responses["instrument_kind"] == "staff_survey"].copy()
    survey = survey[survey["quarter"].notna()]

    # Themes ticked in the questionnaire.
    ticked = exit_[["response_id", "quarter"]].copy()
    ticked["theme_id"] = exit_["leaving_reasons"].map(_as_list) if "leaving_reasons" in exit_ else [
        [] for _ in range(len(exit_))
    ]
    ticked = ticked.explode("theme_id").dropna(subset=["theme_id"])

    # Themes found in what they wrote about why they left (HR-rejected assignments do not count).
    # Only answers to that question count as reasons: what would have kept them and what worked
    # well are other questions, and praise of supervision is not a reason for leaving.
    assigned = theme_assignments[theme_assignments["source"] != "rejected"][["comment_id", "theme_id"]]
    reasons = comments["response_id"].notna() & (comments["purpose"] == REASONS_PURPOSE)
    comment_people = comments[reasons][["comment_id", "response_id"]]
    from_comments = assigned.merge(comment_people, on="comment_id")[["response_id", "theme_id"]]
    from_comments = from_comments.merge(exit_[["response_id", "quarter"]], on="response_id")
    exit_themes = (
        pd.concat([ticked[["response_id", "theme_id", "quarter"]], from_comments], ignore_index=True)
        .drop_duplicates(["response_id", "theme_id"])
        .reset_index(drop=True)
    )

    # The other questions answered in words: who answered each, and the themes of their answers.
    other = (comments["response_id"].notna() & comments["purpose"].isin(ANSWER_PURPOSES)
             & (comments["instrument_kind"] == "exit"))
    answered = comments[other][["comment_id", "response_id", "purpose"]].merge(
        exit_[["response_id", "quarter"]], on="response_id")
    answers = answered.drop_duplicates(["response_id", "purpose"])[["response_id", "purpose", "quarter"]]
    answer_themes = assigned.merge(answered, on="comment_id")[["response_id", "purpose", "theme_id", "quarter"]]
    answer_themes = answer_themes.drop_duplicates(["response_id", "purpose", "theme_id"])

    remarks = comments[comments["instrument_kind"] == "focus_group"][["comment_id", "purpose", "period"]].copy()
    remarks["quarter"] = quarter_of_series(remarks["period"])
    remarks = remarks[remarks["quarter"].notna()]
    remark_themes = assigned.merge(remarks[["comment_id", "purpose", "quarter"]], on="comment_id")
    remark_themes = remark_themes.drop_duplicates(["comment_id", "theme_id"])

    rating_areas = [c.split(".", 1)[1] for c in exit_.columns if c.startswith("rating.")
                    and exit_[c].notna().any()]
    survey_areas = [c.split(".", 1)[1] for c in survey.columns if c.startswith("rating.")
                    and survey[c].notna().any()]
    equality_columns = [c for c in EQUALITY if f"equality.{c}" in exit_.columns]
    return Prepared(
        exit=exit_.reset_index(drop=True),
        exit_themes=exit_themes,
        survey=survey.reset_index(drop=True),
        answers=answers.reset_index(drop=True),
        answer_themes=answer_themes.reset_index(drop=True),
        remarks=remarks.reset_index(drop=True),
        remark_themes=remark_themes.reset_index(drop=True),
        headcounts=headcounts if headcounts is not None else pd.DataFrame(),
        rating_areas=rating_areas,
        survey_rating_areas=survey_areas,
        equality_columns=equality_columns,
    )


def _category_counts(series: pd.Series, known: Iterable[str]) -> dict[str, int]:
    """People per category, listing every known category (zeros included) and "not stated"."""
    filled = series.astype(object).where(series.notna(), NOT_STATED)
    counts = filled.value_counts()
    out = {c: int(counts.get(c, 0)) for c in known}
    for c in sorted(set(counts.index) - set(out) - {NOT_STATED}):
        out[str(c)] = int(counts[c])
    out[NOT_STATED] = int(counts.get(NOT_STATED, 0))
    return out


def _levels(series: pd.Series) -> dict[str, int]:
    """People per rating level ("1".."5") and "not_answered"."""
    counts = series.value_counts(dropna=False)
    out: dict[str, int] = {}
    for value, n in counts.items():
        key = "not_answered" if pd.isna(value) else str(int(value))
        out[key] = out.get(key, 0) + int(n)
    return out


# --------------------------------------------------------------------------------------------
# One quarter's counts
# --------------------------------------------------------------------------------------------
@dataclass
class PeriodCounts:
    """True counts of one period, the ledger deciding them, and how categories were merged."""

    label: str
    ledger: Ledger
    columns: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # dim -> col -> cats
    categories: dict[str, list[str]] = field(default_factory=dict)  # dim -> categories
    themes: list[str] = field(default_factory=list)
    emerging: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    answer_purposes: list[str] = field(default_factory=list)
    survey_areas: list[str] = field(default_factory=list)
    equality: dict[str, list[str]] = field(default_factory=dict)
    # Figures of this period published before: when set, they are the period's figures, and
    # anything not among them is "not shown" (see ``docs/disclosure.md``, "Published once").
    frozen: Mapping[str, Published] | None = None

    def value(self, key: str) -> int:
        return self.ledger.counts[key].value

    def published(self, key: str) -> Published:
        if self.frozen is not None:
            return self.frozen.get(key, NOT_SHOWN)
        return self.ledger.publish()[key]

    def has(self, key: str) -> bool:
        return key in self.ledger.counts


def count_quarter(prep: Prepared, quarter: Quarter, theme_ids: Sequence[str], k: int) -> PeriodCounts:
    """Every count of one quarter, decided on that quarter's data alone."""
    p = quarter.label
    ledger = Ledger(k)
    pc = PeriodCounts(p, ledger)
    df = prep.exit[prep.exit["quarter"] == p]
    n_key = ledger.count(k_respondents(p), len(df), f"{p}|respondents")

    channels = _category_counts(df["channel"] if "channel" in df else pd.Series(dtype=object), CHANNELS)
    channels.pop(NOT_STATED, None) if channels.get(NOT_STATED) == 0 else None
    keys = [ledger.count(k_channel(p, c), n, f"{p}|channel") for c, n in channels.items()]
    ledger.total_of(n_key, keys)
    pc.categories["channel"] = list(channels)

    themes_q = prep.exit_themes[prep.exit_themes["quarter"] == p]
    theme_counts = themes_q["theme_id"].value_counts().to_dict()
    emerging = sorted(t for t in theme_counts if str(t).startswith(EMERGING_PREFIX))
    others = sorted(t for t in theme_counts
                    if t not in theme_ids and not str(t).startswith(EMERGING_PREFIX))
    pc.themes = [*theme_ids, *others]
    pc.emerging = emerging
    for t in [*pc.themes, *emerging]:
        key = ledger.count(k_theme(p, t), int(theme_counts.get(t, 0)), f"{p}|themes")
        ledger.at_most(key, n_key)

    for dim, (_, labels) in DIMENSIONS.items():
        series = df[dim] if dim in df else pd.Series([None] * len(df), dtype=object)
        counts = _category_counts(series, labels)
        pc.categories[dim] = list(counts)
        parts = [ledger.count(k_dim(p, dim, c), n, f"{p}|{dim}") for c, n in counts.items()]
        ledger.total_of(n_key, parts)
        if dim not in THEME_BREAKDOWNS:
            continue
        mapping = merge_small_categories(counts, k, MERGED_OTHER)
        columns: dict[str, list[str]] = {}
        for cat, col in mapping.items():
            columns.setdefault(col, []).append(cat)
        pc.columns[dim] = columns
        col_keys: dict[str, str] = {}
        for col, cats in columns.items():
            if cats == [col]:
                col_keys[col] = k_dim(p, dim, col)
            else:
                col_keys[col] = ledger.count(k_col(p, dim, col, cats), sum(counts[c] for c in cats),
                                             f"{p}|{dim}|merged")
                ledger.total_of(col_keys[col], [k_dim(p, dim, c) for c in cats])
        person_col = series.astype(object).where(series.notna(), NOT_STATED).map(mapping)
        lookup = pd.Series(person_col.to_numpy(), index=df["response_id"].to_numpy())
        crossed = themes_q.assign(col=themes_q["response_id"].map(lookup))
        table = crossed.groupby(["theme_id", "col"]).size().to_dict()
        for t in [*pc.themes, *emerging]:
            parts = []
            for col in columns:
                key = ledger.count(k_theme_by(p, dim, t, col, columns[col]), int(table.get((t, col), 0)),
                                   f"{p}|theme_by_{dim}|{t}")
                ledger.at_most(key, col_keys[col])
                parts.append(key)
            ledger.total_of(k_theme(p, t), parts)

    for area in prep.rating_areas:
        levels = _levels(df[f"rating.{area}"])
        parts = [ledger.count(k_rating(p, area, lv), int(levels.get(lv, 0)), f"{p}|rating|{area}")
                 for lv in RATING_LEVELS]
        ledger.total_of(n_key, parts)

    survey = prep.survey[prep.survey["quarter"] == p]
    if len(survey):
        s_key = ledger.count(k_survey_respondents(p), len(survey), f"{p}|staff_survey")
        pc.survey_areas = list(prep.survey_rating_areas)
        for area in pc.survey_areas:
            levels = _levels(survey[f"rating.{area}"])
            parts = [ledger.count(k_rating(p, area, lv, "staff_survey"), int(levels.get(lv, 0)),
                                  f"{p}|staff_survey_rating|{area}") for lv in RATING_LEVELS]
            ledger.total_of(s_key, parts)

    answers = prep.answers[prep.answers["quarter"] == p]
    if len(answers):
        per_purpose = answers["purpose"].value_counts()
        themed = prep.answer_themes[prep.answer_themes["quarter"] == p]
        by_theme = themed.groupby(["purpose", "theme_id"]).size().to_dict()
        pc.answer_purposes = [x for x in ANSWER_PURPOSES if x in per_purpose.index]
        for purpose in pc.answer_purposes:
            group = f"{p}|answers|{purpose}"
            a_key = ledger.count(k_answered(p, purpose), int(per_purpose[purpose]), group)
            ledger.at_most(a_key, n_key)
            # Every taxonomy theme, zeros too, so that a year adds up its quarters; not emerging
            # themes, which have no name a report may print.
            for t in pc.themes:
                key = ledger.count(k_answer_theme(p, purpose, t), int(by_theme.get((purpose, t), 0)), group)
                ledger.at_most(key, a_key)

    remarks = prep.remarks[prep.remarks["quarter"] == p]
    if len(remarks):
        per_purpose = remarks["purpose"].value_counts()
        remark_themes = prep.remark_themes[prep.remark_themes["quarter"] == p]
        by_theme = remark_themes.groupby(["purpose", "theme_id"]).size().to_dict()
        pc.purposes = [x for x in FOCUS_PURPOSES if x in per_purpose.index] + sorted(
            str(x) for x in per_purpose.index if x not in FOCUS_PURPOSES)
        for purpose in pc.purposes:
            r_key = ledger.count(k_remarks(p, purpose), int(per_purpose[purpose]), f"{p}|focus|{purpose}")
            present = sorted({t for (pp, t) in by_theme if pp == purpose})
            for t in [x for x in pc.themes if x in present] + [x for x in present if x not in pc.themes]:
                key = ledger.count(k_focus_theme(p, purpose, t), int(by_theme[(purpose, t)]),
                                   f"{p}|focus|{purpose}")
                ledger.at_most(key, r_key)
    return pc


# --------------------------------------------------------------------------------------------
# Longer periods: sums of quarters, published only where every quarter is
# --------------------------------------------------------------------------------------------
def count_span(
    prep: Prepared,
    quarters: Sequence[Quarter],
    per_quarter: Mapping[str, PeriodCounts],
    theme_ids: Sequence[str],
    k: int,
    history: History | None = None,
) -> PeriodCounts:
    """Counts over a run of quarters (rolling 12 months, financial year).

    Each count is the sum of the same count in each quarter and is published only when
    every quarterly part is published as a number (see ``docs/disclosure.md``). Equality
    monitoring exists only over such runs: it is decided here, with its own suppression.
    """
    p = span_label(quarters)
    ledger = Ledger(k)
    pc = PeriodCounts(p, ledger)
    qs = [per_quarter[q.label] for q in quarters]
    for q in qs:
        for key, c in q.ledger.counts.items():
            ledger.fixed(key, c.value, q.published(key))
        # What a reader knows inside each quarter (its totals and breakdowns) also bounds the
        # counts decided here over the whole span (the length-of-service groups, equality).
        ledger.relations.extend(q.ledger.relations)

    def derive(suffix_key, group: str) -> str:
        components = [suffix_key(q.label) for q in qs]
        value = sum(q.value(c) if q.has(c) else 0 for q, c in zip(qs, components, strict=True))
        # A part missing from a quarter's tables was never published: the sum is not shown.
        comps = [c if q.has(c) else f"{c}|unpublished" for q, c in zip(qs, components, strict=True)]
        return ledger.derived(suffix_key(p), value, comps, group)

    n_key = derive(k_respondents, f"{p}|respondents")
    channels = list(dict.fromkeys(c for q in qs for c in q.categories.get("channel", [])))
    pc.categories["channel"] = channels
    for c in channels:
        derive(lambda x, c=c: k_channel(x, c), f"{p}|channel")
    pc.themes = list(dict.fromkeys(t for q in qs for t in q.themes))
    pc.emerging = sorted({t for q in qs for t in q.emerging})
    for t in [*pc.themes, *pc.emerging]:
        derive(lambda x, t=t: k_theme(x, t), f"{p}|themes")

    span_df = prep.exit[prep.exit["quarter"].isin([q.label for q in quarters])]
    for dim, (_, labels) in DIMENSIONS.items():
        cats = list(dict.fromkeys(c for q in qs for c in q.categories.get(dim, [])))
        pc.categories[dim] = cats
        for c in cats:
            derive(lambda x, c=c, dim=dim: k_dim(x, dim, c), f"{p}|{dim}")
        if dim not in THEME_BREAKDOWNS:
            continue
        series = span_df[dim] if dim in span_df else pd.Series([None] * len(span_df), dtype=object)
        counts = _category_counts(series, labels)
        mapping = merge_small_categories(counts, k, MERGED_OTHER)
        columns: dict[str, list[str]] = {}
        for cat, col in mapping.items():
            columns.setdefault(col, []).append(cat)
        pc.columns[dim] = columns
        filled = series.astype(object).where(series.notna(), NOT_STATED)
        lookup = pd.Series(filled.to_numpy(), index=span_df["response_id"].to_numpy())
        span_themes = prep.exit_themes[prep.exit_themes["quarter"].isin([q.label for q in quarters])]
        by_cat = span_themes.assign(cat=span_themes["response_id"].map(lookup)).groupby(
            ["theme_id", "cat"]).size().to_dict()
        for col, col_cats in columns.items():
            # The quarter's column matching this one, if its merging grouped the same people.
            matches = [_matching_column(q, dim, col_cats) for q in qs]
            col_components = [
                (k_dim(q.label, dim, m) if q.columns[dim].get(m) == [m]
                 else k_col(q.label, dim, m, q.columns[dim][m]))
                if m else f"{q.label}|{dim}|merged:{col}|unmatched"
                for q, m in zip(qs, matches, strict=True)
            ]
            col_value = sum(counts.get(c, 0) for c in col_cats)
            ledger.derived(k_col(p, dim, col, col_cats), col_value, col_components, f"{p}|{dim}|merged")
            for t in [*pc.themes, *pc.emerging]:
                comps = []
                for q, m in zip(qs, matches, strict=True):
                    key = k_theme_by(q.label, dim, t, m, q.columns[dim][m]) if m else None
                    comps.append(key if key and q.has(key) else f"{q.label}|theme_by_{dim}|{t}|{col}|unmatched")
                value = int(sum(by_cat.get((t, cat), 0) for cat in col_cats))
                ledger.derived(k_theme_by(p, dim, t, col, col_cats), value, comps, f"{p}|theme_by_{dim}|{t}")

    areas = list(dict.fromkeys(a for a in prep.rating_areas))
    for area in areas:
        for lv in RATING_LEVELS:
            derive(lambda x, area=area, lv=lv: k_rating(x, area, lv), f"{p}|rating|{area}")
    def derive_by_purpose(purposes, total_key, theme_key, group: str) -> None:
        """Free-text answers by purpose (the other exit questions, focus-group prompts): how many
        answered, and per theme how many raised it, each the sum of its quarters."""
        for purpose in purposes:
            derive(lambda x, purpose=purpose: total_key(x, purpose), f"{p}|{group}|{purpose}")
            totals = {total_key(q.label, purpose) for q in qs}
            present = list(dict.fromkeys(
                key.rsplit("|", 1)[1] for q in qs for key in q.ledger.counts
                if key.startswith(theme_key(q.label, purpose, "")) and key not in totals
            ))
            for t in present:
                derive(lambda x, purpose=purpose, t=t: theme_key(x, purpose, t), f"{p}|{group}|{purpose}")

    pc.answer_purposes = [x for x in ANSWER_PURPOSES if any(x in q.answer_purposes for q in qs)]
    derive_by_purpose(pc.answer_purposes, k_answered, k_answer_theme, "answers")
    pc.purposes = list(dict.fromkeys(x for q in qs for x in q.purposes))
    derive_by_purpose(pc.purposes, k_remarks, k_focus_theme, "focus")

    # Length of service in wide groups, decided here (whole financial years publish them): each
    # group is the sum of the quarters' bands, which the reader also knows.
    bands_series = (span_df["length_of_service"] if "length_of_service" in span_df
                    else pd.Series([None] * len(span_df), dtype=object))
    band_counts = _category_counts(bands_series, DIMENSIONS["length_of_service"][1])
    groups = []
    for group, bands in SERVICE_GROUPS.items():
        key = ledger.count(k_service_group(p, group), sum(band_counts.get(b, 0) for b in bands),
                           f"{p}|service_group")
        parts = [k_dim(q.label, "length_of_service", b) for q in qs for b in bands]
        ledger.total_of(key, [x if any(q.has(x) for q in qs) else f"{x}|unpublished" for x in parts])
        groups.append(key)
    ledger.total_of(n_key, groups)

    # Equality monitoring: published over twelve months or more only, never a quarter. Its
    # tables are protected as if the reader knew the number of leavers in the period exactly,
    # since overlapping periods in other reports can narrow it down.
    ledger.assume_known(n_key)
    for char in prep.equality_columns:
        counts = _category_counts(span_df[f"equality.{char}"], [])
        pc.equality[char] = list(counts)
        parts = [ledger.count(k_equality(p, char, v), n, f"{p}|equality|{char}") for v, n in counts.items()]
        ledger.total_of(n_key, parts)
    if history is not None:
        # And what earlier reports printed about the same people (their own spans, say).
        ledger.hold(history, list(ledger.counts))
    return pc


def _matching_column(q: PeriodCounts, dim: str, cats: Sequence[str]) -> str | None:
    """The quarter's column holding exactly these categories' people, or None."""
    people = {c for c in cats if q.has(k_dim(q.label, dim, c)) and q.value(k_dim(q.label, dim, c)) > 0}
    if not people:
        # Nobody in these categories that quarter: any column with only them (or none) works,
        # but a zero part must still be published, so use the first category if it is a column.
        for c in cats:
            if q.columns.get(dim, {}).get(c) == [c]:
                return c
        return None
    owners = {col for col, members in q.columns.get(dim, {}).items() if people & set(members)}
    if len(owners) != 1:
        return None
    owner = owners.pop()
    members = {c for c in q.columns[dim][owner] if q.value(k_dim(q.label, dim, c)) > 0}
    return owner if members <= set(cats) else None


def shown_or(value: Published, default: object = None) -> object:
    return value if is_shown(value) else default
