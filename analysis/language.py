"""Which language a comment is written in: Welsh or English.

Councils in Wales take answers in both. A comment written in Welsh must not be themed by the
English lexicon (it would find nothing, or the wrong thing); it is stored as Welsh and goes to HR
to code. The test is a count of function words, the short words every sentence needs and no
topic changes: Welsh ("yn", "mae", "y", "ddim", "gyda", "roedd" ...) against English ("the",
"and", "is", "was", "to" ...), plus the letters only Welsh uses (ŵ, ŷ). A comment is Welsh when
its Welsh words outnumber its English ones; a mixed comment goes with the language most of its
words are in. ``bench/language/detect.py`` measures it on public Welsh and English text.
"""

from __future__ import annotations

import re

__all__ = ["detect_language", "WELSH", "ENGLISH"]

# Function words and very common words of each language, none of which is also a common word
# of the other ("a", "i", "am", "hi", "pan", "fe", "na", "dim", "staff" are left out: they are
# words in both). Written in lower case, apostrophes straight.
WELSH = frozenset("""
ac ar y yr yn mae roedd rydw rwy rwyf ryn rydych rydyn maen oedd oeddwn bod fod ddim gyda gan
ei eu fy ein eich fo nid nad ond neu wedi sydd hefyd iawn mwy fel hyn hynny ni chi ydw
ydy ydych oes yw wrth dros rhwng ymlaen bydd byddai byddwn mewn i'r o'r a'r â ag ôl nhw hwn
yma yna cael gael gwneud wneud cyngor rheolwr rheolwyr achosion achos llwyth teimlo oherwydd
gwaith gweithio tîm amser dydd diwrnod blwyddyn llawer rhy dda drwg gwael angen eisiau
gallu gallaf gallwn yno hyd ers erioed byth bob pob unrhyw rhywbeth dim-ond beth pam sut pwy pa
hefo efo rhaid dylai dylid cefnogaeth goruchwyliaeth hyfforddiant cyflog swydd swyddfa
""".split())
ENGLISH = frozenset("""
the and to of is was it that for my not with on be as are have too no very but at they this there
you we from or had were by an so all would could more work been their them our me he she his her
which what when where who why how than then if just also only about because into out up over
after before get got did does do don't didn't can't couldn't wasn't isn't won't wouldn't
""".split())
_WORD = re.compile(r"[a-zâêîôûŵŷáéíóúẁẃẅỳýäëïöüÿ']+")
_WELSH_LETTERS = re.compile(r"[ŵŷ]")


def detect_language(text: str | None) -> str | None:
    """``"cy"`` for a comment in Welsh, ``"en"`` otherwise; ``None`` for one with no words."""
    if not text:
        return None
    lowered = text.casefold().replace("\u2019", "'")
    words = _WORD.findall(lowered)
    if not words:
        return None
    welsh = sum(w in WELSH for w in words) + len(_WELSH_LETTERS.findall(lowered))
    english = sum(w in ENGLISH for w in words)
    return "cy" if welsh > english else "en"
