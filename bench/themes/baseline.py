"""The keyword baseline: one regular expression per taxonomy theme, written before the lexicon
and frozen. The theme lexicon must beat it on held-out comments; never tune it to the data.

Each pattern is what a reasonable person would write in a few minutes from the theme's label
and description, matched case-insensitively anywhere in the raw comment.
"""

from __future__ import annotations

import re

PATTERNS: dict[str, str] = {
    "caseload": r"\b(case ?loads?|work ?loads?|overwork\w*|understaff\w*|short ?staff\w*|too much work)\b",
    "supervision": r"\b(supervis\w+|line manager|my manager|my boss)\b",
    "management": r"\b(management|managers?|leadership|director\w*|bosses|micro ?manag\w*)\b",
    "pay": r"\b(pay|paid|salar\w+|wages?|compensation|benefits|bonus\w*|raises?)\b",
    "career": r"\b(career|promot\w+|progression|advance\w*|growth)\b",
    "training": r"\b(train\w*|learning|development|cpd)\b",
    "restructure": r"\b(restructur\w*|reorgani[sz]\w*|re-?organi[sz]\w*|changes?)\b",
    "valued": r"\b(valued|appreciat\w+|recogni[sz]\w+|listen\w*|communication)\b",
    "admin": r"\b(paperwork|admin\w*|bureaucra\w+|red tape|systems?|computers?|it)\b",
    "environment": r"\b(office|building|equipment|desks?|hot ?desk\w*|parking|environment)\b",
    "flexibility": r"\b(hours|flexib\w+|work ?life|balance|schedul\w*|shifts?|weekends?)\b",
    "wellbeing": r"\b(stress\w*|burn ?out|burnt out|health|sick\w*|unsafe|mental)\b",
    "team": r"\b(colleagues?|co-?workers?|team\w*|bull(y|ying|ied)|harass\w*|culture)\b",
    "job_security": r"\b(job security|insecur\w+|layoffs?|laid off|temporary|contracts?|agency)\b",
    "location": r"\b(commut\w*|travel\w*|location|drive|driving|distance|mileage)\b",
    "personal": r"\b(family|relocat\w*|moved|moving|children|kids|caring|study)\b",
    "retirement": r"\b(retir\w+)\b",
    "practice": r"\b(practice|ethic\w*|unsafe practice|quality|blame)\b",
}

_COMPILED = {theme: re.compile(pattern, re.IGNORECASE) for theme, pattern in PATTERNS.items()}


def keyword_themes(text: str) -> list[str]:
    """The themes whose pattern occurs in ``text``."""
    return [theme for theme, pattern in _COMPILED.items() if pattern.search(text)]
