"""Plain-English labels for the category ids of ``docs/analysis-frames.md``.

Reports show these words; the JSON keeps the ids beside them so other tools can join on ids.
"""

from __future__ import annotations

import re

from analysis.reports.translation import N_, ReportWords

LENGTH_OF_SERVICE = {
    "under_1": N_("Under 1 year"),
    "1_to_2": N_("1 to 2 years"),
    "2_to_5": N_("2 to 5 years"),
    "5_to_10": N_("5 to 10 years"),
    "10_plus": N_("10 years or more"),
}

DIMENSIONS: dict[str, tuple[str, dict[str, str]]] = {
    "length_of_service": (N_("Length of service"), LENGTH_OF_SERVICE),
    "post_qualifying_experience": (N_("Years since qualifying"), LENGTH_OF_SERVICE),
    "role": (
        N_("Role"),
        {
            "asye": N_("ASYE (newly qualified)"),
            "social_worker": N_("Social worker"),
            "senior_practitioner": N_("Senior practitioner"),
            "team_manager": N_("Team manager"),
            "service_manager": N_("Service manager"),
            "other": N_("Other"),
        },
    ),
    "service_area": (
        N_("Service area"),
        {
            "front_door": N_("Front door"),
            "assessment": N_("Assessment"),
            "child_protection": N_("Child protection"),
            "looked_after": N_("Looked-after children"),
            "care_leavers": N_("Care leavers"),
            "fostering_adoption": N_("Fostering and adoption"),
            "disabled_children": N_("Disabled children"),
            "early_help": N_("Early help"),
            "other": N_("Other"),
        },
    ),
    "employment_type": (
        N_("Employment type"),
        {"permanent": N_("Permanent"), "temporary": N_("Temporary"), "agency": N_("Agency")},
    ),
    "destination": (
        N_("Destination"),
        {
            "another_council": N_("Another council"),
            "agency_work": N_("Agency work"),
            "promotion_elsewhere": N_("Promotion elsewhere"),
            "other_sector": N_("Other social work sector"),
            "leaving_social_work": N_("Leaving social work"),
            "retirement": N_("Retirement"),
            "study_or_break": N_("Study or a break"),
            "prefer_not_to_say": N_("Prefer not to say"),
        },
    ),
}

# Dimensions cross-tabulated against themes (destination is shown on its own).
THEME_BREAKDOWNS = (
    "length_of_service",
    "post_qualifying_experience",
    "role",
    "service_area",
    "employment_type",
)

CHANNELS = {
    "online": N_("Online questionnaire"),
    "paper": N_("Paper form"),
    "interview": N_("Exit interview"),
    "imported": N_("Imported record"),
}

RATING_AREAS = {
    "caseload": N_("Caseload"),
    "supervision": N_("Supervision"),
    "training": N_("Training and development"),
    "management_support": N_("Management support"),
    "senior_communication": N_("Communication from senior managers"),
    "valued": N_("Feeling valued"),
    "environment": N_("Equipment and working space"),
    "flexible_working": N_("Flexible working"),
    "pay": N_("Pay"),
    "wellbeing": N_("Wellbeing"),
}

RATING_LEVELS = {
    "1": N_("Very poor"),
    "2": N_("Poor"),
    "3": N_("Neither good nor poor"),
    "4": N_("Good"),
    "5": N_("Very good"),
    "not_answered": N_("Not answered"),
}

EQUALITY = {
    "age": N_("Age"),
    "disability": N_("Disability"),
    "sex": N_("Sex"),
    "gender_identity": N_("Gender identity"),
    "sexual_orientation": N_("Sexual orientation"),
    "ethnicity": N_("Ethnicity"),
    "religion": N_("Religion or belief"),
    "marital_status": N_("Marriage and civil partnership"),
    "pregnancy_maternity": N_("Pregnancy and maternity"),
}

FOCUS_PURPOSES = {
    "reasons": N_("Reasons for leaving"),
    "would_have_stayed": N_("What would make people stay"),
    "worked_well": N_("What works well"),
    "improve": N_("What should improve"),
    "inclusion": N_("Inclusion"),
    "other": N_("Other"),
}

NOT_STATED = "not_stated"
MERGED_OTHER = "other"


_ENGLISH = ReportWords()


def category_label(dimension: str, category: str, words: ReportWords = _ENGLISH) -> str:
    """The words for a category id in the edition's language; unknown ids are shown tidied
    rather than dropped."""
    if category == NOT_STATED:
        return words.gettext("Not stated")
    labels = DIMENSIONS.get(dimension, ("", {}))[1]
    return words.gettext(labels[category]) if category in labels else humanise(category, words)


# Answers of the equality questions in the shipped exit questionnaire, as the questionnaire
# words them. A council's own values fall back to :func:`humanise`.
EQUALITY_VALUES: dict[str, dict[str, str]] = {
    "sexual_orientation": {"straight": N_("Straight or heterosexual"), "gay_lesbian": N_("Gay or lesbian"),
                           "other": N_("Another sexual orientation")},
    "ethnicity": {"asian": N_("Asian, Asian British, Asian Welsh"),
                  "black": N_("Black, Black British, Black Welsh, Caribbean or African"),
                  "mixed": N_("Mixed or multiple ethnic groups"), "other": N_("Other ethnic group")},
    "religion": {"none": N_("No religion"), "other": N_("Any other religion")},
    "disability": {"yes_a_lot": N_("Yes, a lot"), "yes_a_little": N_("Yes, a little")},
}

# Answers whose words are the id tidied (as :func:`humanise` writes them), named here so that a
# Welsh edition can translate them.
COMMON_VALUES: dict[str, str] = {
    "yes": N_("Yes"), "no": N_("No"), "prefer_not_to_say": N_("Prefer not to say"),
    "female": N_("Female"), "male": N_("Male"), "same_as_sex_at_birth": N_("Same as sex at birth"),
    "different": N_("Different"), "gay_or_lesbian": N_("Gay or lesbian"), "bisexual": N_("Bisexual"),
    "white": N_("White"), "no_religion": N_("No religion"), "christian": N_("Christian"),
    "muslim": N_("Muslim"), "hindu": N_("Hindu"), "sikh": N_("Sikh"), "jewish": N_("Jewish"),
    "buddhist": N_("Buddhist"), "married_or_civil_partnership": N_("Married or civil partnership"),
    "single": N_("Single"), "other": N_("Other"),
}


def equality_label(characteristic: str, value: str, words: ReportWords = _ENGLISH) -> str:
    if value == NOT_STATED:
        return words.gettext("Not stated")
    known = EQUALITY_VALUES.get(characteristic, {}).get(value) or COMMON_VALUES.get(value)
    return words.gettext(known) if known else humanise(value, words)


def humanise(value: str, words: ReportWords = _ENGLISH) -> str:
    """Words for an id: "65_plus" -> "65 or over", "16_24" -> "16 to 24", "no_religion" ->
    "No religion". Any other id is a council's own and is shown as it is, tidied."""
    text = str(value).strip()
    if m := re.fullmatch(r"(\d+)_(?:to_)?(\d+)", text):
        return words.gettext("{low} to {high}", low=m[1], high=m[2])
    if m := re.fullmatch(r"(\d+)_plus", text):
        return words.gettext("{low} or over", low=m[1])
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]
