"""Does the scrubber remove personal data and leave ordinary words alone? Measured on public text.

Takes public employee comments (English, from the review file's ``pros`` and ``cons`` columns),
picks ``--comments`` of them with a fixed seed, and into each inserts one or two known items at a
word boundary: a person's name (first name and surname, or first name alone), an email address, a
phone number or a staff number. Prints:

- recall of the inserted items: the share that no longer appear in the scrubbed text (target at
  least 0.99), by kind;
- ordinary words changed: of the words of the comments as written (before insertion), the share
  the scrubber replaced (target at most 1 %), with the replaced words listed;
- the same two figures for the old rule ("every capitalised word mid-sentence is a name") as a
  baseline, run on the same comments.

    python bench/themes/scrubber.py PATH/TO/indeed_reviews/dev.csv [--comments 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import analysis.text as text_module  # noqa: E402
from analysis.text import Scrubber  # noqa: E402

# Names as they appear in UK public-sector staff lists: common and less common first names and
# surnames from several backgrounds, including surnames that are also words (Baker, Wood).
FIRST = ("Sarah Priya Mohammed Emma Olivia James Oluwaseun Aisha Tomasz Siobhan Gareth Rhiannon "
         "Kwame Mei Farah Declan Bethan Agnieszka Imran Chloe Hamza Niamh Callum Yusuf Zainab Grace "
         "Rebecca Dylan Amara Kieran").split()
LAST = ("Jones Patel Khan Okafor Kowalski Nguyen Williams O'Brien Evans Begum Hughes Baker Wood "
        "Ahmed Murphy Thompson Chowdhury Mensah Davies Hussain Fraser MacLeod Szymanska Adeyemi "
        "Rahman Clarke Lewis Walsh Ibrahim Price").split()
LEADS = ("my manager", "supervision with", "I spoke to", "ask", "thanks to", "complaints about")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _item(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("full_name", "full_name", "first_name", "email", "phone", "staff_number"))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if kind == "full_name":
        return kind, f"{first} {last}"
    if kind == "first_name":
        return kind, first
    if kind == "email":
        return kind, f"{first.lower()}.{last.lower().replace(chr(39), '')}@northshire.gov.uk"
    if kind == "phone":
        return kind, rng.choice(("07700 900", "01632 960", "+44 7700 900")) + f"{rng.randrange(1000):03d}"
    return kind, f"EMP{rng.randrange(10**5, 10**6)}"


def _insert(comment: str, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    items = [_item(rng) for _ in range(rng.choice((1, 1, 2)))]
    words = comment.split(" ")
    for _, value in items:
        at = rng.randrange(1, len(words) + 1)
        words.insert(at, f"({rng.choice(LEADS)} {value})")
    return " ".join(words), items


def _measure(scrub, comments: list[str], rng_seed: int) -> tuple[Counter, Counter, int, Counter]:
    rng = random.Random(rng_seed)
    found, total, changed_words = Counter(), Counter(), Counter()
    word_count = 0
    for comment in comments:
        original = WORD.findall(comment)
        word_count += len(original)
        kept = Counter(WORD.findall(scrub(comment)))
        for word, n in Counter(original).items():
            lost = max(0, n - kept[word])
            if lost:
                changed_words[word] += lost
        text, items = _insert(comment, rng)
        scrubbed = scrub(text)
        for kind, value in items:
            total[kind] += 1
            parts = [p for p in re.split(r"[\s@.]+", value) if len(p) > 2 and p[0].isalpha() and p != "gov"]
            leaked = value in scrubbed or any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", scrubbed) for p in parts
                                              if kind in ("full_name", "first_name"))
            found[kind] += not leaked
    return found, total, word_count, changed_words


def _english(text: str) -> bool:
    """Written in English: at least a fifth of its words are English function words (the file
    also holds Spanish, Portuguese and Dutch reviews, which are not what the scrubber is for)."""
    words = [w.casefold() for w in WORD.findall(text)]
    return bool(words) and sum(w in ENGLISH_STOP_WORDS for w in words) / len(words) >= 0.2


def _old_rule(text: str) -> str:
    """The previous heuristic: every capitalised word after a sentence start is a name."""
    saved = text_module.is_ordinary_word, Scrubber._name_like
    try:
        text_module.is_ordinary_word = lambda word: False
        Scrubber._name_like = staticmethod(lambda word: True)
        return _OLD.scrub(text)
    finally:
        text_module.is_ordinary_word, Scrubber._name_like = saved[0], staticmethod(saved[1])


_OLD = Scrubber()


def _report(label: str, found: Counter, total: Counter, words: int, changed: Counter) -> None:
    recall = sum(found.values()) / max(1, sum(total.values()))
    by_kind = ", ".join(f"{k} {found[k]}/{total[k]}" for k in sorted(total))
    share = sum(changed.values()) / max(1, words)
    print(f"{label:<28} recall {recall:.3f} ({by_kind}); ordinary words changed {share:.2%} "
          f"({sum(changed.values())} of {words})")
    if changed:
        print(f"{'':<28} changed: {', '.join(f'{w} x{n}' for w, n in changed.most_common(25))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="indeed_reviews/dev.csv")
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    reviews = pd.read_csv(args.path)
    texts = pd.concat([reviews["pros"], reviews["cons"]]).dropna().astype(str)
    texts = texts[texts.str.strip().ne("MISS") & texts.map(str.isascii) & texts.str.len().between(20, 600)
                  & texts.map(_english)]
    comments = texts.sample(n=args.comments, random_state=args.seed).tolist()
    scrubber = Scrubber()
    _report("dictionary rule (current)", *_measure(scrubber.scrub, comments, args.seed))
    _report("every capital a name (old)", *_measure(_old_rule, comments, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
