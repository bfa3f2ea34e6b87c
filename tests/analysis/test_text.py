"""Text preparation: scrubbing personal data, negation, spelling, stems."""

from __future__ import annotations

import pytest

from analysis.text import Scrubber, ScrubRules, TextPreparer, fold_spelling, normalise


# -- scrubbing: each rule --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jo.bloggs@northshire.gov.uk please", "Email me at [email] please"),
        ("Call 07700 900123 after six", "Call [phone] after six"),
        ("Ring +44 (0)161 496 0000 or 020 7946 0018.", "Ring [phone] or [phone]."),
        ("My NI number is AB 12 34 56 C.", "My NI number is [ni_number]."),
        ("My NI number is ab123456c.", "My NI number is [ni_number]."),
        ("Send it to SW1A 1AA today", "Send it to [postcode] today"),
        ("Staff number EMP12345 on file", "Staff number [staff_number] on file"),
        ("payroll ref 2345678 was wrong", "payroll ref [staff_number] was wrong"),
        ("See www.example.org/page for details", "See [url] for details"),
    ],
)
def test_each_kind_of_personal_data_becomes_a_typed_placeholder(text, expected):
    assert Scrubber().scrub(text) == expected


def test_salaries_years_and_case_counts_are_not_mistaken_for_identifiers():
    text = "I earned £35000, about 25,000 after tax, for 12 years with 30 cases."
    assert Scrubber().scrub(text) == text


def test_configured_staff_team_and_place_names_are_replaced(scrubber):
    text = "We moved to the Northfield assessment team in Little Hampton under Priya Shah."
    assert scrubber.scrub(text) == "We moved to the [team] in [place] under [name]."


def test_names_that_are_also_words_are_scrubbed_only_as_names(scrubber):
    text = "I will miss Hope and the team. I hope Will is fine and will stay."
    assert scrubber.scrub(text) == "I will miss [name] and the team. I hope [name] is fine and will stay."


def test_heuristic_catches_an_unlisted_name_inside_a_sentence():
    assert Scrubber().scrub("Supervision with Dave was rare.") == "Supervision with [name] was rare."


def test_heuristic_catches_a_word_the_dictionary_also_lists_as_a_name():
    # Not configured: "Will" is both a word and a first name, so capitalised mid-sentence it goes.
    assert Scrubber().scrub("My manager Will left; I lost hope.") == "My manager [name] left; I lost hope."


def test_ordinary_words_in_capitals_are_not_names():
    for text in ("Bad Benefits and Bad Pay", "Poor Benefits\nNo Flexibility", "Cons: Work Life Balance, Long Hours",
                 "Overworked Staff and Micromanagement from Senior Leadership", "I told Hope everything."):
        assert Scrubber().scrub(text) == text


def test_a_run_of_capitals_stops_at_the_line_end():
    assert Scrubber().scrub("Supervision with Dave\nGood Training") == "Supervision with [name]\nGood Training"


def test_words_next_to_a_name_are_part_of_it_and_unknown_words_at_a_sentence_start_are_names():
    assert Scrubber().scrub("I worked with Sarah Baker.") == "I worked with [name]."
    assert Scrubber().scrub("Priya was great. Will was not.") == "[name] was great. Will was not."


def test_full_name_at_sentence_start_becomes_one_placeholder():
    assert Scrubber().scrub("Sarah Jones was great.") == "[name] was great."


def test_sentence_starts_and_domain_words_are_left_alone():
    text = "Signs of Safety training in March was good. Ofsted said so. Supervision was rare. The ASYE helped."
    assert Scrubber().scrub(text) == text


def test_configured_domain_words_are_left_alone():
    rules = ScrubRules(domain_words=("Liquidlogic", "Northshire"))
    assert Scrubber(rules).scrub("We used Liquidlogic at Northshire.") == "We used Liquidlogic at Northshire."
    assert Scrubber().scrub("We used Mosaic at Northshire.") == "We used Mosaic at [name]."


def test_the_heuristic_can_be_switched_off():
    assert Scrubber(ScrubRules(name_heuristic=False)).scrub("Supervision with Dave.") == "Supervision with Dave."


def test_scrub_rules_from_a_mapping_reject_unknown_settings():
    assert ScrubRules.from_mapping({"staff_names": ["Ann"]}).staff_names == ("Ann",)
    with pytest.raises(ValueError, match="unknown scrub setting"):
        ScrubRules.from_mapping({"staf_names": ["Ann"]})


def test_prepared_text_is_scrubbed_so_names_never_become_features(scrubber):
    doc = TextPreparer(scrubber).prepare("Hope gave me no supervision; email hope@x.org")
    assert "[name]" in doc.text and "[email]" in doc.text
    assert not any("hope" in t for t in doc.tokens)


# -- normalising, negation, spelling, stems ----------------------------------------------------
def test_text_is_nfc_normalised_and_missing_values_are_empty():
    decomposed = "cafe\u0301"
    assert normalise(decomposed) == "caf\u00e9"
    assert normalise(None) == "" and normalise(float("nan")) == ""


def test_negation_keeps_not_supported_apart_from_supported(preparer):
    negative = preparer.prepare("I was not supported by my manager").tokens
    positive = preparer.prepare("I was supported by my manager").tokens
    assert "support" in positive and "support" not in negative
    assert "not_support" in negative


@pytest.mark.parametrize("text", ["I didn't get supervision", "There was no supervision", "lack of supervision"])
def test_contractions_and_negating_words_open_a_negation(preparer, text):
    assert "not_supervis" in preparer.prepare(text).tokens


def test_negation_stops_at_punctuation_and_contrast(preparer):
    tokens = preparer.prepare("No parking, but supervision was good").tokens
    assert "not_park" in tokens and "supervis" in tokens


def test_british_and_american_spellings_fold_together(preparer):
    us = preparer.prepare("The organization prioritized behavior and a training program")
    uk = preparer.prepare("The organisation prioritised behaviour and a training programme")
    assert us.tokens == uk.tokens


@pytest.mark.parametrize(
    ("us", "uk"),
    [
        ("organize", "organise"),
        ("analyzed", "analysed"),
        ("color", "colour"),
        ("center", "centre"),
        ("size", "size"),
        ("citizen", "citizen"),
    ],
)
def test_fold_spelling(us, uk):
    assert fold_spelling(us) == uk


def test_stop_words_go_but_domain_words_and_meaningful_particles_stay(preparer):
    tokens = preparer.prepare("I really just needed some time off from the council").tokens
    assert tokens == ["need", "time", "off"]


def test_inflections_share_a_stem_but_manager_and_management_stay_apart(preparer):
    assert preparer.prepare("caseloads").tokens == preparer.prepare("caseload").tokens
    assert preparer.prepare("managers").tokens == ["manager"]
    assert preparer.prepare("management").tokens == ["management"]


def test_preparation_needs_no_downloaded_corpora(monkeypatch, preparer):
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("nothing may be downloaded")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "path", [])
    assert TextPreparer().prepare("Supervisions were cancelled").tokens == ["supervis", "cancel"]
