"""Fixtures for the theme analysis tests: small, hand-written comments; no external data."""

from __future__ import annotations

import pytest

from analysis.taxonomy import load_taxonomy
from analysis.text import Scrubber, ScrubRules, TextPreparer

# Exit comments a social worker might write, each clearly about one or two themes.
THEMED_COMMENTS = {
    "c1": ("My caseload was unmanageable, often 30 children.", {"caseload"}),
    "c2": ("I had no supervision for four months.", {"supervision"}),
    "c3": ("The market supplement was withdrawn and agency pay is better.", {"pay", "job_security"}),
    "c4": ("Hot-desking meant there was nowhere private to phone families.", {"environment"}),
    "c5": ("I did not feel valued by senior leaders.", {"valued", "management"}),
    "c6": ("Court work took every evening and weekend.", {"practice", "flexibility"}),
    "c7": ("I am retiring after thirty years.", {"retirement"}),
    "c8": ("Endless restructures, three in two years.", {"restructure"}),
    "c9": ("My ASYE programme had no protected learning time.", {"training"}),
}


@pytest.fixture()
def themed() -> dict[str, tuple[str, set[str]]]:
    """Comment id -> (text, the taxonomy themes a reader would give it)."""
    return dict(THEMED_COMMENTS)


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy()


@pytest.fixture()
def preparer():
    return TextPreparer()


@pytest.fixture()
def scrubber():
    return Scrubber(
        ScrubRules(
            staff_names=("Will", "Hope", "Priya Shah"),
            team_names=("Northfield Assessment Team",),
            place_names=("Little Hampton",),
        )
    )


@pytest.fixture()
def unthemed() -> list[str]:
    """24 comments about topics the taxonomy does not know, in three clear groups of 8."""
    repeats = 8
    canteen = ["canteen food cold", "canteen menu poor", "canteen closed early", "canteen queue long"]
    dogs = ["the dog barking", "the dog howling", "the dog everywhere", "the dog bites"]
    fleet = ["pool car broken", "pool car muddy", "pool car booked", "pool car unavailable"]
    out = []
    for i in range(repeats):
        for group in (canteen, dogs, fleet):
            # The second round repeats the first with a stop word added: distinct text, same topic.
            out.append(group[i % len(group)] + (" still" if i >= len(group) else ""))
    return out
