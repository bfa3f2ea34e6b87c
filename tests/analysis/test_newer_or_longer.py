"""The "newer or longer-serving?" comparison: stated only when every answer it could give is safe."""

from __future__ import annotations

import pytest

from analysis.disclosure import Ledger, Relation, audit, expression_range
from analysis.reports import newer_or_longer
from analysis.reports.counts import PeriodCounts, k_dim, k_respondents

Q = "2025/26 Q1"


def _quarter(bands: dict[str, int]) -> PeriodCounts:
    ledger = Ledger(5)
    n = ledger.count(k_respondents(Q), sum(bands.values()), "n")
    ledger.total_of(n, [ledger.count(k_dim(Q, "length_of_service", b), v, "bands") for b, v in bands.items()])
    return PeriodCounts(Q, ledger)


BANDS = {"under_1": 0, "1_to_2": 0, "2_to_5": 0, "5_to_10": 0, "10_plus": 0, "not_stated": 0}


def test_a_relation_with_a_constant_bounds_what_a_reader_can_work_out():
    # a, b in 1..4 with a + b = 5 published: nothing pinned. Told a - b >= 3 (b - a + 3 <= 0),
    # the reader knows a = 4 and b = 1.
    cells = {"a": "fewer than 5", "b": "fewer than 5", "t": 5}
    relations = [Relation({"t": 1, "a": -1, "b": -1})]
    assert audit(cells, relations, 5).disclosed == []
    said = Relation({"b": 1, "a": -1}, "<=", 3)
    assert audit(cells, [*relations, said], 5).disclosed == ["a", "b"]
    assert audit(cells, [*relations, said.to_json()], 5).disclosed == ["a", "b"]  # read back from JSON
    assert said.to_json() == {"terms": {"b": 1, "a": -1}, "sense": "<=", "constant": 3}
    # What a reader knows of a - b: from -3 to 3 before, exactly 3 after.
    assert expression_range(cells, relations, {"a": 1, "b": -1}, 5) == (-3, 3)
    assert expression_range(cells, [*relations, said], {"a": 1, "b": -1}, 5) == (3, 3)
    with pytest.raises(ValueError):  # told a - b >= 5 as well: impossible
        expression_range(cells, [*relations, Relation({"b": 1, "a": -1}, "<=", 5)], {"a": 1}, 5)


@pytest.mark.parametrize("true_bands", [
    {"under_1": 2, "1_to_2": 2, "5_to_10": 3},  # newer 4 > longer 3: safe to say on its own
    {"under_1": 1, "1_to_2": 2, "5_to_10": 4},  # longer 4 > newer 3: saying so gives away 4
])
def test_it_stays_silent_when_any_possible_answer_would_give_a_count_away(true_bands):
    # Seven leavers, each group "fewer than 5". Had the answer been "more longer-serving", the
    # reader would know 5 to 10 years held exactly 4. Saying "more newer" only when that is true
    # and staying silent otherwise would tell the reader the 4 through the silence; so the
    # answer is withheld whichever is true.
    span = _quarter({**BANDS, **true_bands})
    assert newer_or_longer.true_outcome(span, [Q]) in (">", "<")
    assert newer_or_longer.decide(span, [Q], 5) is None


def test_it_answers_when_no_answer_could_give_anything_away():
    # 3 newer ("fewer than 5") and 9 longer-serving (5 to 10 printed as 5, 10 plus "fewer than
    # 5"): given what is printed, "more newer" and "as many" are impossible and "more
    # longer-serving" tells the reader nothing new.
    span = _quarter({**BANDS, "under_1": 3, "5_to_10": 5, "10_plus": 4, "2_to_5": 6})
    outcome = newer_or_longer.decide(span, [Q], 5)
    assert outcome == "<"
    rel = newer_or_longer.relation(span, [Q], outcome)
    values = {key: span.value(key) for key in rel.terms}
    assert sum(c * values[t] for t, c in rel.terms.items()) + rel.constant <= 0  # true of the data


def test_an_earlier_statement_counts_as_known():
    # Under 1 year 2 and 5 to 10 years 3, both "fewer than 5", adding up to 5: either answer
    # leaves two values open, so "more longer-serving" is said. A reader also told before that
    # under 1 year was at least 2 would learn it is exactly 2: with that statement held, silence.
    span = _quarter({**BANDS, "under_1": 2, "5_to_10": 3, "2_to_5": 5})
    assert newer_or_longer.decide(span, [Q], 5) == "<"
    told_before = Relation({k_dim(Q, "length_of_service", "under_1"): -1}, "<=", 2)
    assert newer_or_longer.decide(span, [Q], 5, known=[told_before]) is None


@pytest.mark.parametrize("witnesses", [None, [], [{"a": 9, "b": 9, "c": 9}], [{"a": 4, "b": 1, "c": 0}]])
def test_points_offered_to_the_audit_never_hide_a_count_it_can_work_out(witnesses):
    # a + b = 5 with a, b in 1..4, and a - b >= 3: a = 4 and b = 1 are given away whatever
    # points the caller offers (one breaks the relations, one is the true and only solution);
    # c, known only to be 2..4, is not.
    cells = {"a": "fewer than 5", "b": "fewer than 5", "t": 5, "c": "fewer than 5", "u": 6}
    relations = [Relation({"t": 1, "a": -1, "b": -1}), Relation({"b": 1, "a": -1}, "<=", 3),
                 Relation({"u": 1, "c": -1, "a": -1}, "<=", 0)]
    quick = audit(cells, relations, 5, exact=False, witnesses=witnesses)
    assert quick.disclosed == audit(cells, relations, 5).disclosed == ["a", "b"]


def test_figures_that_no_longer_agree_with_the_data_mean_silence_not_a_crash():
    # A quarter published before keeps its figures; late returns then make them disagree with
    # the counts now (here the total printed as 2, while three bands printed "fewer than 5"
    # hold at least one person each).
    span = _quarter({**BANDS, "under_1": 2, "5_to_10": 3, "2_to_5": 2})
    span.frozen = {**span.ledger.publish(), k_respondents(Q): 2}
    assert newer_or_longer.decide(span, [Q], 5) is None


def test_a_comparison_the_printed_groups_already_make_is_said_without_the_rest_of_what_readers_hold():
    # Newer staff 7 and longer-serving 6 are printed, every band under them "fewer than 5": the
    # report says "more newer" in figures already. Readers of earlier reports also hold a relation
    # (under 1 year plus some count they never saw is 2) that no longer agrees with the data, as
    # after late returns. The comparison reads only what bears on the printed groups and is said;
    # a search through everything readers hold would have stopped at the contradiction.
    bands = {"under_1": 4, "1_to_2": 3, "5_to_10": 3, "10_plus": 3}
    ledger = Ledger(5)
    keys = {b: ledger.count(k_dim(Q, "length_of_service", b), v, "bands") for b, v in bands.items()}
    ledger.total_of(ledger.count("newer", 7, "groups"), [keys["under_1"], keys["1_to_2"]])
    ledger.total_of(ledger.count("longer", 6, "groups"), [keys["5_to_10"], keys["10_plus"]])
    span = PeriodCounts(Q, ledger)
    cells = ledger.publish()
    assert cells["newer"] == 7 and cells["longer"] == 6
    assert all(cells[key] == "fewer than 5" for key in keys.values())
    stale = Relation({keys["under_1"]: 1, "earlier|unseen": 1}, "=", -2)
    with pytest.raises(ValueError):
        expression_range(cells, [*ledger.relations, stale], {keys["under_1"]: 1})
    assert newer_or_longer.decide(span, [Q], 5, known=[stale]) == ">" == newer_or_longer.true_outcome(span, [Q])
