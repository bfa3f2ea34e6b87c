"""Disclosure control: no published figure singles anyone out, alone or by subtraction."""

import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.disclosure import (
    NOT_SHOWN,
    WITHHELD,
    DisclosureError,
    Ledger,
    audit,
    check_threshold,
    is_shown,
    merge_small_categories,
    share,
    suppress_small_count,
)

# derandomize: the same examples on every run (a property search that varies belongs in bench/).
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def test_a_cell_of_three_leavers_is_shown_as_fewer_than_5():
    assert suppress_small_count(3) == "fewer than 5"
    assert suppress_small_count(1) == "fewer than 5"
    assert suppress_small_count(4) == "fewer than 5"
    assert suppress_small_count(5) == 5


def test_zero_is_shown_as_zero():
    assert suppress_small_count(0) == 0


def test_the_threshold_can_be_raised_but_never_below_3():
    assert suppress_small_count(6, k=7) == "fewer than 7"
    assert check_threshold(3) == 3
    with pytest.raises(DisclosureError, match="cannot be below 3"):
        check_threshold(2)
    with pytest.raises(DisclosureError):
        Ledger(k=1)
    with pytest.raises(DisclosureError):
        suppress_small_count(4, k=2)


def test_a_percentage_is_withheld_when_its_numerator_or_denominator_is_small():
    assert share(10, 40) == 25.0
    assert share(3, 40) == WITHHELD
    assert share("fewer than 5", 40) == WITHHELD
    assert share(4, 4) == WITHHELD
    assert share(10, WITHHELD) == WITHHELD
    assert share(0, 40) == 0.0


def test_small_categories_are_merged_into_other_before_cross_tabulating():
    mapping = merge_small_categories({"asye": 3, "social_worker": 20, "other": 2, "team_manager": 0})
    assert mapping == {"asye": "other", "social_worker": "social_worker", "other": "other",
                       "team_manager": "team_manager"}


def test_a_merged_column_is_never_one_small_category_under_another_name():
    # One agency worker among permanent staff: an "Other" column of one person would print
    # that person's themes. The smallest large category joins, so the column has 2 groups
    # and at least k people.
    mapping = merge_small_categories({"permanent": 20, "fixed_term": 6, "agency": 1})
    assert mapping == {"permanent": "permanent", "fixed_term": "other", "agency": "other"}
    # Two small categories that together stay under k: the same.
    mapping = merge_small_categories({"permanent": 20, "fixed_term": 9, "agency": 1, "secondment": 2})
    assert sorted(c for c, col in mapping.items() if col == "other") == ["agency", "fixed_term", "secondment"]
    # Two small categories reaching k together are enough on their own.
    mapping = merge_small_categories({"permanent": 20, "agency": 3, "secondment": 2})
    assert sorted(c for c, col in mapping.items() if col == "other") == ["agency", "secondment"]


def _one_way(values, total_key="N", prefix="c"):
    ledger = Ledger(5)
    ledger.count(total_key, sum(values), "total")
    keys = [ledger.count(f"{prefix}{i}", v, "row") for i, v in enumerate(values)]
    ledger.total_of(total_key, keys)
    return ledger


def test_a_lone_small_cell_gets_a_partner_so_the_total_does_not_give_it_away():
    ledger = _one_way([3, 7, 20])
    out = ledger.publish()
    assert out["c0"] == "fewer than 5"
    assert out["c1"] == WITHHELD  # the smallest other cell hides with it
    assert out["N"] == 30 and out["c2"] == 20
    result = audit(out, ledger.relations)
    assert result.disclosed == []
    assert result.ranges["c0"] == (1, 4)


def test_a_not_shown_figure_that_the_rest_of_its_table_adds_up_to_is_caught():
    # A row withdrawn as "not shown" while another table still adds up to it: the total was
    # treated as telling nothing, but 2 + 0 + 0 gives it back.
    published = {"N": NOT_SHOWN, "a": "fewer than 5", "b": 0, "c": 0}
    relations = [{"terms": {"N": 1, "a": -1, "b": -1, "c": -1}, "sense": "="}]
    assert audit(published, relations).disclosed == []  # N is 1 to 4, as "fewer than 5" says
    published = {"N": NOT_SHOWN, "x": 2, "y": 0, "z": NOT_SHOWN}
    relations = [{"terms": {"N": 1, "x": -1, "y": -1}, "sense": "="},
                 {"terms": {"z": 1, "N": -1}, "sense": "="}]
    result = audit(published, relations)
    assert result.disclosed == ["N", "z"]
    assert result.ranges["N"] == (2, 2)
    # Worked out as 0, or as k or more, a "not shown" figure gives no small group away.
    published = {"N": NOT_SHOWN, "x": 20, "y": 0}
    assert audit(published, relations[:1]).disclosed == []


def test_a_ledger_never_leaves_a_withdrawn_row_that_other_rows_add_up_to():
    # Totals by role and by band, both over the same 12 people; one band is tiny.
    ledger = Ledger(5)
    ledger.count("N", 12, "total")
    roles = [ledger.count(f"role{i}", v, "roles") for i, v in enumerate([7, 5, 0])]
    bands = [ledger.count(f"band{i}", v, "bands") for i, v in enumerate([1, 11])]
    ledger.total_of("N", roles)
    ledger.total_of("N", bands)
    out = ledger.publish()
    assert audit(out, ledger.relations).disclosed == []
    assert out["band0"] == "fewer than 5"


def test_the_auditor_catches_a_table_published_with_primary_suppression_only():
    # What a naive report would print: a reader subtracts 7 + 20 from 30 and finds 3.
    published = {"N": 30, "c0": "fewer than 5", "c1": 7, "c2": 20}
    relations = [{"terms": {"N": 1, "c0": -1, "c1": -1, "c2": -1}, "sense": "="}]
    result = audit(published, relations)
    assert result.disclosed == ["c0"]
    assert result.ranges["c0"] == (3, 3)


def test_the_auditor_uses_bounds_not_just_subtraction():
    # 1..4 plus "withheld" (5 or more) making 6 leaves only 1 + 5.
    published = {"N": 6, "a": "fewer than 5", "b": WITHHELD}
    relations = [{"terms": {"N": 1, "a": -1, "b": -1}}]
    assert audit(published, relations).disclosed == ["a", "b"]


def test_two_tables_sharing_a_total_are_protected_together():
    # Leavers by band and by role: both add up to the same number of leavers.
    ledger = Ledger(5)
    ledger.count("N", 40, "n")
    bands = [ledger.count(f"band{i}", v, "bands") for i, v in enumerate([2, 18, 20])]
    roles = [ledger.count(f"role{i}", v, "roles") for i, v in enumerate([10, 30])]
    ledger.total_of("N", bands)
    ledger.total_of("N", roles)
    out = ledger.publish()
    assert out["band0"] == "fewer than 5"
    assert audit(out, ledger.relations).disclosed == []


def test_multi_response_theme_rows_add_up_to_the_theme_not_the_column():
    # Caseload cited by 9 people: 3 newer, 6 longer-serving; each cell is capped by its group.
    ledger = Ledger(5)
    ledger.count("N", 30, "n")
    ledger.count("new", 10, "groups")
    ledger.count("long", 20, "groups")
    ledger.total_of("N", ["new", "long"])
    ledger.count("caseload", 9, "themes")
    ledger.at_most("caseload", "N")
    ledger.count("caseload|new", 3, "row")
    ledger.count("caseload|long", 6, "row")
    ledger.total_of("caseload", ["caseload|new", "caseload|long"])
    ledger.at_most("caseload|new", "new")
    ledger.at_most("caseload|long", "long")
    out = ledger.publish()
    assert out["caseload|new"] == "fewer than 5"
    assert not is_shown(out["caseload|long"]) or not is_shown(out["caseload"])
    assert audit(out, ledger.relations).disclosed == []


def test_a_rolling_figure_is_not_shown_when_one_of_its_quarters_is_hidden():
    quarters = [Ledger(5) for _ in range(4)]
    values = [3, 8, 9, 10]
    published = {}
    for i, (ledger, v) in enumerate(zip(quarters, values, strict=True)):
        ledger.count(f"q{i}", v, "q")
        published.update(ledger.publish())
    rolling = Ledger(5)
    for i, v in enumerate(values):
        rolling.fixed(f"q{i}", v, published[f"q{i}"])
    rolling.derived("r12", sum(values), [f"q{i}" for i in range(4)], "r")
    out = rolling.publish()
    assert out["r12"] == NOT_SHOWN
    # Had it been published as 30, the hidden quarter would follow: 30 - 8 - 9 - 10 = 3.
    naive = {**out, "r12": 30}
    assert audit(naive, rolling.relations).disclosed == ["q0"]
    assert audit(out, rolling.relations).disclosed == []


def test_a_rolling_figure_is_shown_when_every_quarter_is():
    rolling = Ledger(5)
    for i, v in enumerate([6, 0, 9, 10]):
        rolling.fixed(f"q{i}", v, v)
    rolling.derived("r12", 25, [f"q{i}" for i in range(4)], "r")
    assert rolling.publish()["r12"] == 25


# ---------------------------------------------------------------------------------------------
# Properties over random small tables
# ---------------------------------------------------------------------------------------------
small_counts = st.integers(min_value=0, max_value=12)


def _no_small_numbers(published, k=5):
    for key, value in published.items():
        if is_shown(value):
            assert not (0 < int(value) < k), f"{key} published as {value}"


def _assert_nothing_pinned(published, relations, k=5):
    result = audit(published, relations, k)
    assert result.disclosed == [], {key: published[key] for key in result.disclosed}


@SETTINGS
@given(st.lists(st.lists(small_counts, min_size=2, max_size=4), min_size=2, max_size=4).filter(
    lambda rows: len({len(r) for r in rows}) == 1))
# Found by a random search: four people, one a row, all in one column. Every partner is too small
# to withhold and withdrawing the first row changed nothing more, so the ledger stopped with every
# cell worked out as 1.
@example(rows=[[1, 0], [1, 0], [1, 0], [1, 0]])
def test_a_two_way_table_with_its_margins_never_gives_a_hidden_cell_away(rows):
    ledger = Ledger(5)
    n_rows, n_cols = len(rows), len(rows[0])
    cells = {(i, j): ledger.count(f"c{i}_{j}", rows[i][j], f"row{i}") for i in range(n_rows) for j in range(n_cols)}
    for i in range(n_rows):
        ledger.count(f"r{i}", sum(rows[i]), "row_totals")
        ledger.total_of(f"r{i}", [cells[i, j] for j in range(n_cols)])
    for j in range(n_cols):
        ledger.count(f"col{j}", sum(rows[i][j] for i in range(n_rows)), "col_totals")
        ledger.total_of(f"col{j}", [cells[i, j] for i in range(n_rows)])
    ledger.count("N", sum(map(sum, rows)), "n")
    ledger.total_of("N", [f"r{i}" for i in range(n_rows)])
    ledger.total_of("N", [f"col{j}" for j in range(n_cols)])
    out = ledger.publish()
    _no_small_numbers(out)
    _assert_nothing_pinned(out, ledger.relations)


@SETTINGS
@given(st.lists(small_counts, min_size=2, max_size=5), st.lists(small_counts, min_size=2, max_size=5))
def test_two_breakdowns_of_the_same_people_cannot_be_played_against_each_other(bands, roles):
    # Make both breakdowns describe the same total, as band and role tables of one quarter do.
    diff = sum(bands) - sum(roles)
    roles = [*roles[:-1], roles[-1] + diff] if diff > 0 else roles
    bands = [*bands[:-1], bands[-1] - diff] if diff < 0 else bands
    ledger = Ledger(5)
    ledger.count("N", sum(bands), "n")
    ledger.total_of("N", [ledger.count(f"b{i}", v, "bands") for i, v in enumerate(bands)])
    ledger.total_of("N", [ledger.count(f"r{i}", v, "roles") for i, v in enumerate(roles)])
    out = ledger.publish()
    _no_small_numbers(out)
    _assert_nothing_pinned(out, ledger.relations)


@SETTINGS
@given(st.lists(st.lists(small_counts, min_size=3, max_size=3), min_size=8, max_size=8))
def test_quarters_rolling_years_and_annual_figures_cannot_be_differenced(quarters):
    """Eight quarters of a three-way breakdown, each decided on its own; rolling 12 months
    ending in each of the last five quarters and the financial year; all published together."""
    published, relations = {}, []
    ledgers = []
    for q, row in enumerate(quarters):
        ledger = Ledger(5)
        ledger.count(f"q{q}|N", sum(row), f"q{q}")
        ledger.total_of(f"q{q}|N", [ledger.count(f"q{q}|c{j}", v, f"q{q}") for j, v in enumerate(row)])
        published.update(ledger.publish())
        relations += ledger.relations
        ledgers.append(ledger)
    for end in range(3, 8):
        span = Ledger(5)
        keys = range(end - 3, end + 1)
        for q in keys:
            for key, c in ledgers[q].counts.items():
                span.fixed(key, c.value, published[key])
        for suffix in ["N", "c0", "c1", "c2"]:
            span.derived(f"r{end}|{suffix}", sum(ledgers[q].counts[f"q{q}|{suffix}"].value for q in keys),
                         [f"q{q}|{suffix}" for q in keys], f"r{end}")
        span.total_of(f"r{end}|N", [f"r{end}|c{j}" for j in range(3)])
        out = span.publish()
        published.update({k: v for k, v in out.items() if k.startswith("r")})
        relations += span.relations
    _no_small_numbers(published)
    _assert_nothing_pinned(published, relations)


# A reader's relations where some counts were never printed and each sits in one relation only:
# a year no report printed (``year``) over two quarters, an unmatched part (``other``) of a
# printed total, and a cap on a count no report printed (``cap``).
_FREE_PUBLISHED = {"total": 9, "a": "fewer than 5", "b": "fewer than 5", "q1": "fewer than 5", "q2": 6}
_FREE_RELATIONS = [
    {"terms": {"total": 1, "a": -1, "b": -1, "other": -1}},  # total = a + b + other
    {"terms": {"year": 1, "q1": -1, "q2": -1}},  # year = q1 + q2
    {"terms": {"a": 1, "cap": -1}, "sense": "<="},  # a <= cap
    {"terms": {"a": 1, "q1": -1}},  # a = q1
]


def _brute_force_ranges(published, relations, targets, top=12):
    """Every assignment of values within their published bounds (at most ``top``) that fits the
    relations: the ranges a reader can work out, found without the auditor."""
    import itertools

    from analysis.disclosure.rules import Relation, bounds_of

    rels = [Relation.from_json(r) for r in relations]
    names = sorted({t for r in rels for t in r.terms})
    found = {t: set() for t in targets}
    spans = [range(int(lo), int(min(hi, top)) + 1) for lo, hi in (bounds_of(published.get(t), 5) for t in names)]
    for values in itertools.product(*spans):
        x = dict(zip(names, values, strict=True))
        sums = [sum(c * x[t] for t, c in r.terms.items()) + r.constant for r in rels]
        if all(s == 0 if r.sense == "=" else s <= 0 for s, r in zip(sums, rels, strict=True)):
            for t in targets:
                found[t].add(x[t])
    return {t: (min(v), max(v)) for t, v in found.items()}


def test_counts_never_printed_that_fill_one_relation_are_left_out_of_the_programs():
    from analysis.disclosure.auditor import _without_free_counts

    reduced = [({"a": -1, "b": -1, "other": -1}, "=", -9.0), ({"a": 1, "cap": -1}, "<=", 0.0),
               ({"year": 1, "q1": -1}, "=", 6.0), ({"a": 1, "q1": -1}, "=", 0.0)]
    bounds = {"a": (1, 4), "b": (1, 4), "q1": (1, 4), "other": (0, math.inf), "cap": (0, math.inf),
              "year": (0, math.inf)}
    left, dropped = _without_free_counts(reduced, bounds, keep={"a", "b", "q1"})
    assert dropped == {"other", "cap", "year"}
    # a + b + other = 9 with other >= 0 says a + b <= 9, which a and b (at most 4 each) always
    # meet; "a <= cap" and "year = q1 + 6" say nothing either.
    assert left == [({"a": 1, "q1": -1}, "=", 0.0)]
    # A total the parts can exceed keeps what it says about them.
    left, _ = _without_free_counts([({"a": -1, "b": -1, "other": -1}, "=", -6.0)], bounds, keep={"a", "b"})
    assert left == [({"a": 1, "b": 1}, "<=", 6.0)]
    # A count the caller asks about is kept, whatever relations it is in.
    _, dropped = _without_free_counts(reduced, bounds, keep={"a", "b", "q1", "year"})
    assert "year" not in dropped


def test_leaving_out_free_counts_changes_no_range_a_reader_can_work_out():
    targets = ["a", "b", "q1"]
    result = audit(_FREE_PUBLISHED, _FREE_RELATIONS, check=targets, exact=True)
    assert result.ranges == _brute_force_ranges(_FREE_PUBLISHED, _FREE_RELATIONS, targets)
    assert result.disclosed == []
    # Printing the year the reports left out pins the quarter: a = q1 = year - 6.
    pinned = audit({**_FREE_PUBLISHED, "year": 8}, _FREE_RELATIONS, check=targets, exact=True)
    assert pinned.ranges["q1"] == (2, 2) and "q1" in pinned.disclosed and "a" in pinned.disclosed


def test_a_relation_held_from_published_reports_has_their_printed_figures_folded_in():
    from analysis.disclosure import History, Relation

    figures = {"q1|all": 12, "q1|a": "fewer than 5", "q1|b": "fewer than 5", "q1|c": 5, "q1|d": 0}
    history = History(figures, [Relation({"q1|all": 1, "q1|a": -1, "q1|b": -1, "q1|c": -1}),
                                Relation({"q1|all": 1, "q1|c": -1, "q1|d": -1}, "<=")])
    # What an audit would read: a + b = 12 - 5, and a relation of printed figures alone says nothing.
    folded, _, figures = history.held(0)
    assert folded == Relation({"q1|a": -1, "q1|b": -1}, "=", 7) and folded.held
    assert figures == [("q1|all", 12), ("q1|a", "fewer than 5"), ("q1|b", "fewer than 5"), ("q1|c", 5)]
    assert history.held(1)[0] is None
    assert history.relations[0].terms == {"q1|all": 1, "q1|a": -1, "q1|b": -1, "q1|c": -1}  # kept as printed


def test_a_relation_repeated_by_later_reports_is_held_once_however_it_is_written():
    from analysis.disclosure import Relation
    from analysis.reports.common import published_relations

    def report(*relations):
        return {"disclosure": {"audit": {"cells": {}, "relations": list(relations)}}}

    total = {"terms": {"q1|all": 1, "q1|a": -1, "q1|b": -1}, "sense": "="}
    comparison = {"terms": {"q1|a": 1, "q1|b": -1}, "sense": "<=", "constant": 1, "statement": True}
    reports = [report(total, comparison),
               # the same two, one with its terms in another order and its defaults written out
               report({"terms": {"q1|b": -1, "q1|a": -1, "q1|all": 1}, "sense": "=", "constant": 0}, comparison),
               report({"terms": {"q2|all": 1, "q2|a": -1}})]
    seen = {Relation({"q3|all": 1, "q3|a": -1}).marker()}  # held already from other reports
    reports.append(report({"terms": {"q3|a": -1, "q3|all": 1}}))
    held = published_relations(reports, seen=seen)
    assert held == [Relation(total["terms"]), Relation(comparison["terms"], "<=", 1),
                    Relation({"q2|all": 1, "q2|a": -1})]
    # Each comes with the marker it would make itself, and every marker is now known.
    for rel in held:
        assert rel.marker() == Relation(dict(rel.terms), rel.sense, rel.constant).marker()
        assert rel.marker() in seen
    assert len(seen) == 4


def _history_and_draft(seed: int):
    """Two published quarters of three parts each, decided by their own ledgers, and a draft's
    third quarter with the three parts counted over all three quarters (as a year's table is)."""
    import random

    from analysis.disclosure import History

    rng = random.Random(seed)
    figures, relations, values = {}, [], {}
    for q in ("q1", "q2"):
        ledger = Ledger(5)
        parts = [ledger.count(f"{q}|{i}", rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 12]), f"{q}|parts") for i in range(3)]
        total = ledger.count(f"{q}|all", sum(ledger.counts[p].value for p in parts), f"{q}|total")
        ledger.total_of(total, parts)
        figures.update(ledger.publish())
        relations.extend(ledger.relations)
        values.update({key: c.value for key, c in ledger.counts.items()})

    def draft(ledger: Ledger) -> Ledger:
        # The published quarters' counts keep their figures, as a span's ledger takes them.
        for key, figure in figures.items():
            ledger.fixed(key, values[key], figure)
        parts = [ledger.count(f"q3|{i}", rng_draft.choice([0, 1, 2, 3, 4, 6, 8]), "q3|parts") for i in range(3)]
        ledger.total_of(ledger.count("q3|all", sum(ledger.counts[p].value for p in parts), "q3|total"), parts)
        for i in range(3):
            keys = [f"{q}|{i}" for q in ("q1", "q2", "q3")]
            ledger.total_of(ledger.count(f"year|{i}", sum(ledger.counts[key].value for key in keys), "year|parts"),
                            keys)
        return ledger

    rng_draft = random.Random(seed + 1000)
    held = draft(Ledger(5))
    held.hold(History(figures, relations), list(held.counts))  # as a span is told, once counted
    rng_draft = random.Random(seed + 1000)
    told = Ledger(5)
    told.relations.extend(relations)
    draft(told)
    return held, told


@pytest.mark.parametrize("seed", range(40))
def test_a_draft_holding_folded_relations_decides_as_one_told_every_printed_figure(seed):
    # Folding the printed figures into the held relations is how the audit reads them anyway:
    # the draft must publish exactly what it would publish told the relations as printed.
    held, told = _history_and_draft(seed)
    own = [key for key in held.counts if key.startswith(("q3|", "year|"))]
    decided_held, decided_told = held.publish(), told.publish()
    assert {key: decided_held[key] for key in own} == {key: decided_told[key] for key in own}


def test_relations_held_from_published_reports_are_not_written_again_into_the_drafts_record():
    # They are in the records of the reports that printed them; a draft's record holds its own.
    held, _ = _history_and_draft(3)
    own = [rel.to_json() for rel in held.relations if not rel.held]
    assert any(rel.held for rel in held.relations)
    assert held.audit_data()["relations"] == [rel for rel in own if set(rel["terms"]) & set(held.publish())]
