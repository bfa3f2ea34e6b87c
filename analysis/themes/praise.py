"""Praise inside an answer to "why are you leaving?" names no reason for leaving.

"My manager was really supportive but the caseload was unmanageable" is about supervision and
caseload, yet only caseload is a reason to leave. Asked why they are leaving, people often say
what was good before what drove them out; counting the good as a reason would put supervision
among the reasons this quarter. So, for answers to the reasons question only, the lexicon does
not read clauses that only praise (:func:`without_praise`); the same words in "what worked well"
or "what would have kept you" are read as they are.

A clause is the text between sentence ends, semicolons, line breaks and the words that turn a
sentence ("but", "however", "although", "though", "whereas", "yet", "except"). A clause only
praises when it holds a word of praise ("great", "supportive", "loved"...) and none of the words
that make praise into a complaint, a wish or a pull elsewhere: a negation ("not", "never",
"n't", "lack"), a complaint ("poor", "too", "stress"...), a wish or comparison ("would",
"could", "more", "better", "less"), or a move ("elsewhere", "offer", "new job", "closer").
"Good pay elsewhere", "not enough good supervision", "the team was great until the restructure" and
"I would have liked better supervision" are therefore read in full. The words were chosen on
the development half of the public review comments (``bench/themes/praise_eval.py`` and
``bench/themes/README.md``, "Praise in the reasons question").
"""

from __future__ import annotations

import re

#: Words of praise: a clause holding one of them, and nothing below, only says what was good.
PRAISE = (
    "great", "good", "excellent", "amazing", "brilliant", "fantastic", "wonderful", "lovely",
    "supportive", "helpful", "friendly", "nice", "positive", "outstanding", "superb", "fab",
    "awesome", "kind", "caring", "approachable", "enjoy", "enjoyed", "enjoying", "love", "loved",
    "loving", "liked", "happy", "grateful", "thankful", "proud", "best", "perfect", "fine", "decent",
    "generous", "flexible", "solid", "strong", "valued", "appreciated", "rewarding",
)

#: Words that turn praise into something else: a negation, a complaint, a wish or comparison,
#: or a move elsewhere. One of them anywhere in a clause keeps the clause.
NOT_PRAISE = (
    # negation
    "not", "no", "never", "nothing", "none", "nobody", "lack", "lacking", "lacked", "without",
    "hardly", "barely", "little", "few", "neither", "nor", "isnt", "wasnt", "arent", "werent",
    "dont", "didnt", "doesnt", "cant", "wont", "havent", "hasnt", "couldnt", "wouldnt",
    "sometimes", "occasionally", "rarely", "seldom", "mostly", "usually", "apart", "away",
    "miss", "missed", "missing", "having", "wait", "waiting",
    # complaint
    "poor", "poorly", "bad", "badly", "terrible", "awful", "worst", "too", "stress", "stressful",
    "stressed", "burnout", "burnt", "burned", "difficult", "hard", "unmanageable", "impossible",
    "low", "high", "long", "toxic", "bully", "bullying", "bullied", "unfair", "unsupportive",
    "unhelpful", "lost", "leave", "leaving", "left", "quit", "resign", "resigned", "only", "just",
    "used", "until", "anymore", "longer", "gone", "changed", "cut", "cuts", "overwhelming",
    "exhausted", "exhausting", "tired", "sick", "ill", "problem", "problems", "issue", "issues",
    "struggle", "struggled", "struggling", "shame", "sadly", "unfortunately", "sad",
    # wish or comparison
    "would", "could", "should", "wish", "wished", "hope", "hoped", "need", "needed", "needs",
    "want", "wanted", "more", "better", "less", "fewer", "higher", "lower", "enough", "if",
    # a move or pull elsewhere
    "elsewhere", "offer", "offered", "new", "another", "other", "closer", "nearer", "moving",
    "move", "moved", "relocating", "relocate",
)

_PRAISE = re.compile(r"\b(?:" + "|".join(PRAISE) + r")\b")
_NOT_PRAISE = re.compile(r"\b(?:" + "|".join(NOT_PRAISE) + r")\b|n't\b")
_CLAUSE_END = re.compile(
    r"[.!?;\n\r]+|\s*\b(?:but|however|although|though|whereas|yet|except)\b", re.IGNORECASE
)


def only_praises(clause: str) -> bool:
    """Whether a clause holds praise and nothing that turns it into a complaint, wish or move."""
    folded = clause.casefold().replace("\u2019", "'")
    return bool(_PRAISE.search(folded)) and not _NOT_PRAISE.search(folded)


def without_praise(text: str) -> str:
    """``text`` without the clauses that only praise (the rest joined by ". "); ``text`` itself
    when it has none."""
    clauses = _CLAUSE_END.split(text)
    kept = [c.strip() for c in clauses if c.strip() and not only_praises(c)]
    if len(kept) == sum(1 for c in clauses if c.strip()):
        return text
    return ". ".join(kept)
