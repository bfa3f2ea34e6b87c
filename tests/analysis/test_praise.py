"""Praise in an answer to "why are you leaving?" is not counted as a reason for leaving."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cli import main
from analysis.taxonomy import load_taxonomy
from analysis.themes.pipeline import ThemePipeline
from analysis.themes.praise import only_praises, without_praise

PRAISE_THEN_REASON = "My supervisor was brilliant and always made time for me. The caseload was far too high."


@pytest.mark.parametrize("clause", [
    "My supervisor was brilliant and always made time for me",
    "I loved my team",
    "Really good training",
    "The managers were so supportive",
])
def test_a_clause_that_only_praises_is_recognised(clause):
    assert only_praises(clause)


@pytest.mark.parametrize("text", [
    "Good pay elsewhere and a shorter commute.",  # a pull to another employer
    "Not enough good supervision; I was on my own with complex cases.",  # negation
    "The team was great until the restructure.",  # praise turned into a complaint
    "I would have liked better supervision.",  # a wish
    "Supervision wasn't great",  # negation written with n't
    "supervision isnt great",  # ... and without the apostrophe
    "My caseload was too high and the pay too low.",  # no praise at all
])
def test_complaints_wishes_and_pulls_elsewhere_are_read_in_full(text):
    assert without_praise(text) == text


def test_only_the_praising_clause_is_left_out():
    assert without_praise(PRAISE_THEN_REASON) == "The caseload was far too high"
    assert without_praise("My manager was really supportive but the caseload was unmanageable") == (
        "the caseload was unmanageable")


def _themes(texts, reasons):
    pipeline = ThemePipeline(load_taxonomy(), seed=0, progress=False)
    return pipeline.run(texts, reasons=reasons, sentiment=False).comments["theme_ids"].tolist()


def test_praise_names_no_reason_but_the_same_words_elsewhere_keep_their_theme():
    texts = [PRAISE_THEN_REASON, PRAISE_THEN_REASON]
    as_reason, as_other = _themes(texts, reasons=[True, False])
    assert as_reason == ["caseload"]  # why they left: the caseload, not the supervisor
    assert set(as_other) == {"supervision", "caseload"}  # e.g. "what worked well": both topics
    # Without the question known, every comment is read in full, as before.
    assert set(_themes([PRAISE_THEN_REASON], reasons=None)[0]) == {"supervision", "caseload"}


def test_a_reasons_list_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="reasons has 1 entries for 2 comments"):
        _themes([PRAISE_THEN_REASON, "Pay"], reasons=[True])


def test_the_command_line_reads_a_reasons_column(tmp_path, capsys):
    source = tmp_path / "comments.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [PRAISE_THEN_REASON] * 2, "why": ["yes", "no"]}).to_csv(source, index=False)
    out = tmp_path / "themes.csv"
    args = ["themes", "--input", str(source), "--text-column", "text", "--id-column", "id", "--output", str(out)]
    assert main([*args, "--reasons-column", "why"]) == 0
    themes = dict(pd.read_csv(out, dtype=str)[["id", "theme_ids"]].itertuples(index=False))
    assert themes["a"] == "caseload"
    assert set(themes["b"].split(";")) == {"supervision", "caseload"}


def test_a_reasons_column_with_an_unknown_value_is_a_clear_error_and_writes_nothing(tmp_path, capsys):
    source = tmp_path / "comments.csv"
    pd.DataFrame({"text": [PRAISE_THEN_REASON, "Pay"], "why": ["yes", "maybe"]}).to_csv(source, index=False)
    out = tmp_path / "themes.csv"
    status = main(["themes", "--input", str(source), "--text-column", "text", "--reasons-column", "why",
                   "--output", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert "row 3, column 'why': 'maybe' is not one of" in err and "Traceback" not in err
    assert not out.exists()


def test_the_model_version_names_the_lexicon_rules_so_assignments_before_the_praise_rule_can_be_told_apart():
    run = ThemePipeline(load_taxonomy(), seed=0, progress=False).run(["Pay"], sentiment=False)
    assert run.model_version.startswith("themes-1+rules2+tax")
