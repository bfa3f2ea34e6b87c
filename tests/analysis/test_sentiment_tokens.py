"""The faster VADER tokenising step gives exactly nltk's tokens, and so exactly its scores."""

from __future__ import annotations

import pytest
from nltk.sentiment import vader

from analysis.sentiment import NLTK_WORDS_AND_EMOTICONS, VaderSentiment, _words_and_emoticons

TEXTS = [
    "Great team!!! But the pay... awful?!",
    "I LOVED it :) really :-( not",
    "!!cat dog!! ?!?word word?!? ,comma, (brackets) 'quoted'",
    "no-punctuation here at all",
    "a b c ! ? . , ; : - !! ?? ... --",
    "The caseload was 30+ children; supervision: never.",
    "don't can't won't it's ''' \"\" :D <3",
    "",
    "!!!",
    "Über-stressful, naïve café!",
]


def _sentitext(text: str) -> vader.SentiText:
    constants = vader.VaderConstants()
    item = vader.SentiText.__new__(vader.SentiText)
    item.text, item.PUNC_LIST, item.REGEX_REMOVE_PUNCTUATION = (text, constants.PUNC_LIST,
                                                                 constants.REGEX_REMOVE_PUNCTUATION)
    return item


@pytest.mark.parametrize("text", TEXTS)
def test_the_tokens_are_nltks(text):
    assert _words_and_emoticons(_sentitext(text)) == NLTK_WORDS_AND_EMOTICONS(_sentitext(text))


def test_the_scores_are_nltks():
    analyser = VaderSentiment()
    fast = analyser.transform(TEXTS)
    try:
        vader.SentiText._words_and_emoticons = NLTK_WORDS_AND_EMOTICONS
        slow = analyser.transform(TEXTS)
    finally:
        vader.SentiText._words_and_emoticons = _words_and_emoticons
    assert list(fast) == list(slow)
    assert fast[0] != 0 and fast[1] != 0  # real scores, not a stub
