"""Plain-English labels for the category ids of ``docs/analysis-frames.md``.

Reports show these words; the JSON keeps the ids beside them so other tools can join on ids.
"""

from __future__ import annotations

import re

LENGTH_OF_SERVICE = {
    "under_1": "Under 1 year",
    "1_to_2": "1 to 2 years",
    "2_to_5": "2 to 5 years",
    "5_to_10": "5 to 10 years",
    "10_plus": "10 years or more",
}

DIMENSIONS: dict[str, tuple[str, dict[str, str]]] = {
    "length_of_service": ("Length of service", LENGTH_OF_SERVICE),
    "post_qualifying_experience": ("Years since qualifying", LENGTH_OF_SERVICE),
    "role": (
        "Role",
        {
            "asye": "ASYE (newly qualified)",
            "social_worker": "Social worker",
            "senior_practitioner": "Senior practitioner",
            "team_manager": "Team manager",
            "service_manager": "Service manager",
            "other": "Other",
        },
    ),
    "service_area": (
        "Service area",
        {
            "front_door": "Front door",
            "assessment": "Assessment",
            "child_protection": "Child protection",
            "looked_after": "Looked-after children",
            "care_leavers": "Care leavers",
            "fostering_adoption": "Fostering and adoption",
            "disabled_children": "Disabled children",
            "early_help": "Early help",
            "other": "Other",
        },
    ),
    "employment_type": (
        "Employment type",
        {"permanent": "Permanent", "temporary": "Temporary", "agency": "Agency"},
    ),
    "destination": (
        "Destination",
        {
            "another_council": "Another council",
            "agency_work": "Agency work",
            "promotion_elsewhere": "Promotion elsewhere",
            "other_sector": "Other social work sector",
            "leaving_social_work": "Leaving social work",
            "retirement": "Retirement",
            "study_or_break": "Study or a break",
            "prefer_not_to_say": "Prefer not to say",
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
    "online": "Online questionnaire",
    "paper": "Paper form",
    "interview": "Exit interview",
    "imported": "Imported record",
}

RATING_AREAS = {
    "caseload": "Caseload",
    "supervision": "Supervision",
    "training": "Training and development",
    "management_support": "Management support",
    "senior_communication": "Communication from senior managers",
    "valued": "Feeling valued",
    "environment": "Equipment and working space",
    "flexible_working": "Flexible working",
    "pay": "Pay",
    "wellbeing": "Wellbeing",
}

RATING_LEVELS = {
    "1": "Very poor",
    "2": "Poor",
    "3": "Neither good nor poor",
    "4": "Good",
    "5": "Very good",
    "not_answered": "Not answered",
}

EQUALITY = {
    "age": "Age",
    "disability": "Disability",
    "sex": "Sex",
    "gender_identity": "Gender identity",
    "sexual_orientation": "Sexual orientation",
    "ethnicity": "Ethnicity",
    "religion": "Religion or belief",
    "marital_status": "Marriage and civil partnership",
    "pregnancy_maternity": "Pregnancy and maternity",
}

FOCUS_PURPOSES = {
    "reasons": "Reasons for leaving",
    "would_have_stayed": "What would make people stay",
    "worked_well": "What works well",
    "improve": "What should improve",
    "inclusion": "Inclusion",
    "other": "Other",
}

NOT_STATED = "not_stated"
MERGED_OTHER = "other"


def category_label(dimension: str, category: str) -> str:
    """The words for a category id; unknown ids are shown tidied rather than dropped."""
    if category == NOT_STATED:
        return "Not stated"
    labels = DIMENSIONS.get(dimension, ("", {}))[1]
    return labels.get(category, humanise(category))


# Answers of the equality questions in the shipped exit questionnaire, as the questionnaire
# words them. A council's own values fall back to :func:`humanise`.
EQUALITY_VALUES: dict[str, dict[str, str]] = {
    "sexual_orientation": {"straight": "Straight or heterosexual", "gay_lesbian": "Gay or lesbian",
                           "other": "Another sexual orientation"},
    "ethnicity": {"asian": "Asian, Asian British, Asian Welsh",
                  "black": "Black, Black British, Black Welsh, Caribbean or African",
                  "mixed": "Mixed or multiple ethnic groups", "other": "Other ethnic group"},
    "religion": {"none": "No religion", "other": "Any other religion"},
    "disability": {"yes_a_lot": "Yes, a lot", "yes_a_little": "Yes, a little"},
}


def equality_label(characteristic: str, value: str) -> str:
    if value == NOT_STATED:
        return "Not stated"
    return EQUALITY_VALUES.get(characteristic, {}).get(value) or humanise(value)


def humanise(value: str) -> str:
    """Words for an id: "65_plus" -> "65 or over", "16_24" -> "16 to 24", "no_religion" ->
    "No religion"."""
    text = str(value).strip()
    if m := re.fullmatch(r"(\d+)_(?:to_)?(\d+)", text):
        return f"{m[1]} to {m[2]}"
    if m := re.fullmatch(r"(\d+)_plus", text):
        return f"{m[1]} or over"
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]
