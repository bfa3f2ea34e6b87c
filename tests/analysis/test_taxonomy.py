"""The taxonomy file: the fixed theme ids, and errors a person can act on."""

from __future__ import annotations

import pytest

from analysis.taxonomy import CORE_THEME_IDS, TaxonomyError, load_taxonomy, parse_taxonomy
from analysis.text import TextPreparer

GOOD_THEME = """  - id: {id}
    label: A label
    description: What it covers.
    lga_standard: 3
    seeds: [one phrase, another]
"""


def taxonomy_text(*extra: str, ids=CORE_THEME_IDS) -> str:
    return "version: 1\nthemes:\n" + "".join(GOOD_THEME.format(id=i) for i in ids) + "".join(extra)


def problems(text: str) -> list[str]:
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(text, source="councils.yaml")
    return caught.value.problems


def test_shipped_taxonomy_has_exactly_the_eighteen_fixed_ids_with_everything_filled_in(taxonomy):
    assert taxonomy.ids == list(CORE_THEME_IDS)
    for theme in taxonomy.themes:
        assert theme.label and theme.description and len(theme.seeds) >= 5
        assert theme.lga_standard is None or 1 <= theme.lga_standard <= 8


def test_every_shipped_seed_can_match_something(taxonomy):
    preparer = TextPreparer(scrub=False)
    empty = [(t.id, s.phrase) for t in taxonomy.themes for s in t.seeds if not preparer.phrase_tokens(s.phrase)]
    assert empty == []


def test_social_work_seeds_are_present(taxonomy):
    phrases = {s.phrase for t in taxonomy.themes for s in t.seeds}
    for phrase in (
        "caseload",
        "asye",
        "supervision",
        "market supplement",
        "court work",
        "hot desking",
        "agency",
        "signs of safety",
    ):
        assert phrase in phrases


def test_a_valid_file_loads_with_a_fingerprint(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(taxonomy_text(), encoding="utf-8")
    loaded = load_taxonomy(path)
    assert len(loaded.themes) == 18 and len(loaded.fingerprint) == 12


def test_errors_name_file_line_theme_and_reason():
    found = problems(
        taxonomy_text("  - id: pay\n    label: Pay again\n    description: x\n    lga_standard: 2\n    seeds: [pay]\n")
    )
    line = 3 + 5 * len(CORE_THEME_IDS)
    assert found == [f"councils.yaml:{line}: theme 'pay': duplicate id (first on line {3 + 5 * 3})"]


def test_missing_fields_bad_standard_and_bad_seeds_are_all_reported():
    found = problems(
        taxonomy_text(
            "  - id: Bad-Id\n    label: ''\n",
            "  - id: commute\n    label: Commute\n    description: x\n    lga_standard: 9\n"
            "    seeds:\n      - travel\n      - Travel\n      - {phrase: far, weight: 2}\n    colour: red\n",
        )
    )
    text = "\n".join(found)
    assert "theme 'Bad-Id': id must be lower case" in text
    assert "theme 'Bad-Id': 'label' must be non-empty text" in text
    assert "theme 'Bad-Id': missing 'seeds'" in text
    assert "theme 'commute': 'lga_standard' must be a number 1-8 or null, not 9" in text
    assert "theme 'commute': duplicate seed 'Travel'" in text
    assert "theme 'commute': seed 'far': weight must be in (0, 1], not 2.0" in text
    assert "theme 'commute': unknown key 'colour'" in text
    assert all(p.startswith("councils.yaml:") for p in found)


def test_a_missing_fixed_id_is_an_error():
    found = problems(taxonomy_text(ids=[i for i in CORE_THEME_IDS if i != "caseload"]))
    assert found == ["councils.yaml:2: missing required theme id(s): caseload"]


def test_yaml_syntax_errors_give_the_line():
    found = problems("version: 1\nthemes:\n  - id: pay\n   label: [unclosed\n")
    assert found[0].startswith("councils.yaml:4: not valid YAML")


def test_unreadable_file_is_reported(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot read file"):
        load_taxonomy(tmp_path / "missing.yaml")
