"""The "At a glance" section: every sentence checked against the true counts of fixed councils."""

from __future__ import annotations

import re

import pytest

from analysis.periods import Quarter
from analysis.reports import build_quarterly_report
from analysis.reports.synthetic import THEME_LABELS, synthetic_frames
from tests.analysis.truth import answer_counts, leavers, theme_counts

QUARTER = "2025/26 Q1"


def _truth(frames, quarters):
    exits = leavers(frames, quarters)
    return len(exits), theme_counts(frames, quarters), exits["length_of_service"]


@pytest.mark.parametrize(("per_quarter", "seed"), [(15, 2), (30, 2), (60, 2), (60, 11)])
def test_every_sentence_at_a_glance_is_true(per_quarter, seed):
    frames = synthetic_frames(QUARTER, years=2, leavers_per_year=4 * per_quarter, seed=seed)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    report = build_quarterly_report(*args, quarter=QUARTER, theme_labels=THEME_LABELS)
    glance = report["sections"][0]
    assert glance["id"] == "at_a_glance"
    lines = glance["paragraphs"]
    n, themes, bands = _truth(frames, [QUARTER])
    by_label = {label.lower(): t for t, label in THEME_LABELS.items()}

    assert lines[0] == f"{n} leavers answered this quarter ({QUARTER})." or (
        n >= 5 and lines[0].startswith(f"The number of leavers who answered this quarter ({QUARTER}) is "))
    top = next(line for line in lines if line.startswith("The reason"))
    listed = re.findall(r"([a-z][a-zA-Z ,]+?) \((\d+) leavers", top.split(":", 1)[1])
    assert listed
    counts = []
    for label, count in listed:
        theme = by_label[label.strip(" ,").removeprefix("and ").lower()]
        assert themes[theme] == int(count)
        counts.append(int(count))
    assert counts == sorted(counts, reverse=True)
    # Nothing left out ranks above the last theme listed, unless the sentence says it is withheld.
    named = {by_label[label.strip(" ,").removeprefix("and ").lower()] for label, _ in listed}
    withheld = top.split("not placed in this order:", 1)[1] if "not placed" in top else ""
    for theme, count in themes.items():
        if theme not in named and THEME_LABELS[theme].lower() not in withheld.lower():
            assert count <= counts[-1], (theme, count)

    # Newer or longer-serving, over the last whole financial year.
    answer = next(line for line in lines if line.startswith(("In 2024/25", "Whether leavers")))
    year_quarters = [q.label for q in Quarter.parse("2024/25 Q4").last_n(4)]
    n_year, _, year_bands = _truth(frames, year_quarters)
    m = re.fullmatch(r"In 2024/25, ([\d.]+)% of leavers had under two years' service and ([\d.]+)% five years "
                     r"or more: more were (newer|longer-serving) staff\.", answer)
    if m is None:  # the honest alternative, when a year's groups would give a small group away
        assert answer == ("Whether leavers in 2024/25 were newer or longer-serving staff cannot be said "
                          "without showing a group of fewer than 5 people.")
        assert seed == 11  # the fixed councils answering it must keep answering it
        return
    newer = int(year_bands.isin(["under_1", "1_to_2"]).sum())
    longer = int(year_bands.isin(["5_to_10", "10_plus"]).sum())
    assert abs(float(m[1]) - 100 * newer / n_year) < 0.5 and abs(float(m[2]) - 100 * longer / n_year) < 0.5
    assert m[3] == ("newer" if newer > longer else "longer-serving")


ANSWER_WORDS = {"what would have kept them": "would_have_stayed", "what worked well for them": "worked_well",
                "what the council should improve": "improve"}


@pytest.mark.parametrize(("per_quarter", "seed"), [(15, 2), (30, 2), (60, 2), (60, 11)])
def test_every_sentence_about_the_other_answers_is_true(per_quarter, seed):
    frames = synthetic_frames(QUARTER, years=2, leavers_per_year=4 * per_quarter, seed=seed)
    args = (frames["responses"], frames["comments"], frames["theme_assignments"], frames["headcounts"])
    report = build_quarterly_report(*args, quarter=QUARTER, theme_labels=THEME_LABELS)
    section = next(s for s in report["sections"] if s["id"] == "other_answers")
    by_label = {label.lower(): t for t, label in THEME_LABELS.items()}
    checked = 0
    for line in section["paragraphs"]:
        m = re.fullmatch(r"Of the (\d+) leavers who said (.+?), (.+) (?:was|were) raised most often "
                         r"\((\d+)(?: each)?\)\.", line)
        assert m, line
        answered, themes = answer_counts(frames, [QUARTER], ANSWER_WORDS[m[2]])
        assert int(m[1]) == answered
        named = [t for label, t in by_label.items() if label in m[3].lower()]
        assert named, line
        for t in named:
            assert themes[t] == int(m[4])
        assert max(themes.values()) == int(m[4])  # nothing, hidden or not, was raised more often
        checked += 1
    # Per quarter these answers are few (a quarter of leavers answer each question, across 18
    # themes): one fixed council names its top theme, the others cannot safely.
    assert checked or (per_quarter, seed) != (60, 11)
