"""Text preparation for theme analysis: normalise, scrub personal data, tokenise, stem.

Two separate jobs live here:

* ``Scrubber`` replaces personal data in free text with typed placeholders (``[name]``,
  ``[email]`` ...). Anything that leaves HR's view (typical comments, quotes, exports) goes
  through it. The raw text stays with HR.
* ``TextPreparer`` turns (already scrubbed) text into the token stream the theme models read:
  NFC, case folding, British spelling, stop words removed, negation marked, Snowball stems.

Both are plain objects with no global state; they are picklable so a fitted pipeline can be
saved, and they can run in worker processes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "NEGATION_PREFIX",
    "PLACEHOLDERS",
    "PreparedText",
    "ScrubRules",
    "Scrubber",
    "TextPreparer",
    "fold_spelling",
    "normalise",
]

#: Placeholders the scrubber writes, by kind of personal data.
PLACEHOLDERS = {
    "email": "[email]",
    "url": "[url]",
    "phone": "[phone]",
    "ni_number": "[ni_number]",
    "staff_number": "[staff_number]",
    "postcode": "[postcode]",
    "name": "[name]",
    "team": "[team]",
    "place": "[place]",
}

#: Prefix put on a stem inside the scope of a negation ("not supported" -> ``not_support``).
NEGATION_PREFIX = "not_"


def normalise(text: object) -> str:
    """Return ``text`` as an NFC string with tidy whitespace; missing values become ``""``."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    value = unicodedata.normalize("NFC", str(text))
    # Exports often carry literal "\r\n" pairs and non-breaking spaces.
    value = value.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[ \t]+", " ", value).strip()


# --------------------------------------------------------------------------------------
# Scrubbing
# --------------------------------------------------------------------------------------

# Capitalised words that are not names in this domain. The name heuristic leaves them alone.
_DOMAIN_WORDS = """
asye nqsw ofsted lga hcpc swe nhs hr it ict dfe cafcass ssw sw iro lado mash marac mappa
signs safety safer practice pqe pq ppqe cpd
council county borough city district authority local government department directorate
team teams manager managers management service services head director assistant deputy
principal senior social worker workers work practitioner practitioners officer lead leader
children child family families adult adults young people care leaver leavers looked after
fostering adoption disabled early help front door assessment protection court courts
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
christmas easter covid coronavirus lockdown brexit
english british scottish welsh irish european asian african caribbean black white muslim
christian jewish hindu sikh
mosaic liquidlogic lcs eclipse microsoft outlook zoom skype excel word
uk england scotland wales london
mr mrs ms miss dr
job pace case email emails online offline website internet app apps laptop laptops wifi
""".split()


@cache
def word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(ordinary words in lower case, proper nouns) from Webster's word list as shipped in the
    ``english-words`` package: a word the dictionary lists in lower case is an ordinary word; one
    it lists capitalised ("Sarah", "Will") is also a name. Loaded on first use (0.1 to 0.2 s; a
    web worker loads it as it starts, see ``survey_app.reports.service.prepare_drafting``)."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"], lower=False, alpha=True)
    return (frozenset(w for w in words if w.islower()),
            frozenset(w.casefold() for w in words if w[:1].isupper()))


# Endings to take off before looking a word up: the list holds headwords, so "benefits",
# "overworked" and "organising" are found through "benefit", "overwork" and "organize".
_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
             ("ing", "e"), ("ly", ""), ("ness", ""), ("ment", ""), ("er", ""), ("ers", ""))
_BRITISH = (("isation", "ization"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing"), ("our", "or"),
            ("tre", "ter"), ("lled", "led"), ("lling", "ling"), ("ence", "ense"), ("ogue", "og"))


def _headwords(word: str) -> set[str]:
    """``word`` and the forms it may be listed under: without an inflection, in American spelling,
    and as two listed words written together ("caseload", "micromanagement")."""
    forms = {word}
    for british, american in _BRITISH:
        if british in word:
            forms.add(word.replace(british, american))
    for form in list(forms):
        for suffix, replacement in _SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= 3:
                base = form[: -len(suffix)]
                forms.add(base + replacement)
                if len(base) > 3 and base[-1] == base[-2]:  # "stopped" -> "stop"
                    forms.add(base[:-1])
    return forms


# Prefixes that make ordinary words out of ordinary words in workplace writing ("overworked",
# "caseload", "micromanagement"); only these, so place names such as "Northshire" stay unknown.
_PREFIXES = ("over", "under", "micro", "mis", "non", "self", "out", "up", "case", "work", "burn",
             "well", "time", "team", "line", "home", "back", "pay", "re", "un", "co")


# Common forms the list does not hold and no ending rule reaches.
_IRREGULAR = frozenset("paid cafe cafes".split())


def is_ordinary_word(word: str) -> bool:
    """True when ``word`` (any case) is an English word in lower case, or one behind a prefix."""
    ordinary, _ = word_lists()
    folded = word.casefold().split("'")[0]
    if "-" in folded:
        return all(is_ordinary_word(part) for part in folded.split("-") if part)
    if folded in _IRREGULAR or any(form in ordinary for form in _headwords(folded)):
        return True
    return any(folded.startswith(prefix) and len(folded) - len(prefix) >= 4
               and any(form in ordinary for form in _headwords(folded[len(prefix):]))
               for prefix in _PREFIXES)


@dataclass(frozen=True)
class ScrubRules:
    """What to scrub, as data a council can change.

    ``staff_names``, ``team_names`` and ``place_names`` are replaced wherever they occur
    (single-word entries only when written with a capital, because many first names are also
    words: "Hope", "Will", "Grace"). ``domain_words`` adds words the capitalised-name
    heuristic must leave alone. ``staff_number_pattern`` is a regular expression for the
    council's payroll numbers; the default catches letter-prefixed numbers such as ``EMP12345``
    and bare runs of 6 to 10 digits not preceded by a currency sign.
    """

    staff_names: tuple[str, ...] = ()
    team_names: tuple[str, ...] = ()
    place_names: tuple[str, ...] = ()
    domain_words: tuple[str, ...] = ()
    name_heuristic: bool = True
    staff_number_pattern: str = r"(?<![£$€\w])(?:[A-Z]{1,3}-?\d{5,9}|\d{6,10})(?![\w,.]\d)(?!\w)"

    @classmethod
    def from_mapping(cls, data: dict) -> ScrubRules:
        """Build rules from a mapping such as a parsed YAML file (lists become tuples)."""
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown scrub setting(s): {', '.join(unknown)}")
        values = {
            key: tuple(str(v) for v in value) if isinstance(value, list) else value for key, value in data.items()
        }
        return cls(**values)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_NI_NUMBER = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.IGNORECASE)
# A phone number: optional +44 / 0 prefix then digit groups; checked for 10-13 digits below.
_PHONE = re.compile(r"(?<![\w£$€])(?:\+\d{1,3}[ -]?(?:\(0\))?[ -]?|\(?0)\d[\d ()-]{7,16}\d(?!\w)")
# Titlecase words, joined when they follow one another on the same line ("Sarah Jones",
# "Mary-Anne O'Neil"); a line end always ends a run.
_CAPITALISED_RUN = re.compile(r"(?<![\w\[])[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)*(?:[ \t]+[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)*)*")
_CAPITALISED_WORD = re.compile(r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)*")
_DIGIT = re.compile(r"\d")
# What may come just before a sentence start (after any spaces): nothing, or one of these.
_SENTENCE_OPENERS = frozenset(".!?:;\n\r\"'([•*-)")


class Scrubber:
    """Replace personal data in free text with typed placeholders.

    Rules run in a fixed order so that one never breaks another: emails and links, National
    Insurance numbers, postcodes, phone numbers, staff numbers, then configured staff, team
    and place names (longest first), then the capitalised-name heuristic.

    The heuristic treats a capitalised word as a name when it is not at the start of a
    sentence, not a known domain word (``ASYE``, ``Ofsted``, ``Signs of Safety``, days,
    months ...), and either not an ordinary English word or one the dictionary also lists as a
    name ("Will", "Grace"): "Bad Benefits and Bad Pay" and "Work Life Balance" stay as written.
    A capitalised word next to a name on the same line is part of it ("Sarah Baker"). Limits: a
    name at the start of a sentence is only caught if it is configured or followed by a surname;
    a name that is only an ordinary word ("Hope", "Baker") is only caught when configured or
    next to another name; a name typed in lower case is only caught if it is a configured
    multi-word name; unusual identifiers (case references) need their own pattern.
    """

    def __init__(self, rules: ScrubRules | None = None) -> None:
        self.rules = rules or ScrubRules()
        self._staff_number = re.compile(self.rules.staff_number_pattern)
        self._domain = set(_DOMAIN_WORDS) | {w.casefold() for w in self.rules.domain_words}
        # Function words capitalised mid-sentence ("Then", "The") are not names; "Will" and
        # "Bill" are on scikit-learn's stop list but are also first names.
        self._domain |= set(ENGLISH_STOP_WORDS) - {"will", "bill"}
        self._listed = self._compile_lists()

    def _compile_lists(self) -> list[tuple[re.Pattern[str], str]]:
        entries: list[tuple[str, str]] = []
        for kind, names in (
            ("name", self.rules.staff_names),
            ("team", self.rules.team_names),
            ("place", self.rules.place_names),
        ):
            entries.extend((normalise(n), kind) for n in names if normalise(n))
        # Longest first so "Northfield Family Centre" wins over "Northfield".
        entries.sort(key=lambda e: (-len(e[0]), e[0]))
        compiled = []
        for name, kind in entries:
            escaped = r"\s+".join(re.escape(part) for part in name.split())
            if " " in name:
                pattern = re.compile(rf"(?<!\w){escaped}(?!\w)", re.IGNORECASE)
            else:
                # One word: match it capitalised only, so "will" and "hope" stay words.
                first, rest = escaped[0], escaped[1:]
                pattern = re.compile(rf"(?<!\w){first.upper()}(?i:{rest})(?!\w)")
            compiled.append((pattern, PLACEHOLDERS[kind]))
        return compiled

    def scrub(self, text: object) -> str:
        """Return ``text`` (normalised) with personal data replaced by placeholders."""
        value = normalise(text)
        if not value:
            return value
        # Cheap guards first: most comments hold no "@", link or digit at all.
        if "@" in value:
            value = _EMAIL.sub(PLACEHOLDERS["email"], value)
        if "http" in value or "www" in value or "WWW" in value:
            value = _URL.sub(PLACEHOLDERS["url"], value)
        if _DIGIT.search(value):
            value = _NI_NUMBER.sub(PLACEHOLDERS["ni_number"], value)
            value = _POSTCODE.sub(PLACEHOLDERS["postcode"], value)
            value = _PHONE.sub(self._phone, value)
        value = self._staff_number.sub(PLACEHOLDERS["staff_number"], value)
        for pattern, placeholder in self._listed:
            value = pattern.sub(placeholder, value)
        if self.rules.name_heuristic:
            value = _CAPITALISED_RUN.sub(lambda m: self._names(m, value), value)
        return value

    def scrub_many(self, texts: Iterable[object]) -> list[str]:
        """Scrub each text; returns a list in the same order."""
        return [self.scrub(t) for t in texts]

    @staticmethod
    def _phone(match: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in match.group(0))
        return PLACEHOLDERS["phone"] if 10 <= digits <= 13 else match.group(0)

    def _known(self, word: str) -> bool:
        folded = word.casefold()
        return folded in self._domain or folded.split("'")[0] in self._domain

    @staticmethod
    def _name_like(word: str) -> bool:
        """A capitalised word that may be a name: not an ordinary word, or also listed as a name."""
        return word.casefold() in word_lists()[1] or not is_ordinary_word(word)

    def _names(self, match: re.Match[str], whole: str) -> str:
        """Decide which words of a run of capitalised words are names."""
        words = list(_CAPITALISED_WORD.finditer(match.group(0)))
        before = whole[max(0, match.start() - 20) : match.start()].rstrip()
        at_start = match.start() == 0 or not before or before[-1] in _SENTENCE_OPENERS
        out: list[str] = []
        gaps = [match.group(0)[a.end() : b.start()] for a, b in zip(words, words[1:], strict=False)]
        known = [self._known(word.group(0)) for word in words]
        # At a sentence start only a word the dictionary does not know at all is taken as a name
        # ("Priya was great"); "Will" or "Grace" there is read as the word.
        flags = [not known[i] and (not is_ordinary_word(word.group(0)) if i == 0 and at_start
                                   else self._name_like(word.group(0)))
                 for i, word in enumerate(words)]
        # Capitalised words next to a name belong to it ("Sarah Baker", and at a sentence start
        # "Sarah Jones left" -> "[name] left"), unless they are domain or function words.
        changed = True
        while changed:
            changed = False
            for i in range(len(words)):
                beside_name = (i > 0 and flags[i - 1]) or (i + 1 < len(flags) and flags[i + 1])
                if beside_name and not flags[i] and not known[i]:
                    flags[i] = changed = True
        for i, word in enumerate(words):
            if flags[i]:
                # Merge adjacent names into one placeholder.
                if not (i > 0 and flags[i - 1]):
                    out.append(PLACEHOLDERS["name"])
            else:
                out.append(word.group(0))
            if i < len(gaps) and not (flags[i] and flags[i + 1]):
                out.append(gaps[i])
        return "".join(out)


# --------------------------------------------------------------------------------------
# Spelling, stop words, negation, stems
# --------------------------------------------------------------------------------------

# American -> British for words the ize/yze/or rules below cannot reach safely.
_US_TO_UK = {
    "color": "colour",
    "colors": "colours",
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "labor": "labour",
    "favor": "favour",
    "favorite": "favourite",
    "honor": "honour",
    "humor": "humour",
    "neighbor": "neighbour",
    "neighborhood": "neighbourhood",
    "rumor": "rumour",
    "valor": "valour",
    "endeavor": "endeavour",
    "center": "centre",
    "centers": "centres",
    "theater": "theatre",
    "meter": "metre",
    "fiber": "fibre",
    "program": "programme",
    "programs": "programmes",
    "defense": "defence",
    "offense": "offence",
    "license": "licence",
    "counseling": "counselling",
    "counselor": "counsellor",
    "counselors": "counsellors",
    "traveled": "travelled",
    "traveling": "travelling",
    "traveler": "traveller",
    "canceled": "cancelled",
    "canceling": "cancelling",
    "labeled": "labelled",
    "labeling": "labelling",
    "modeling": "modelling",
    "modeled": "modelled",
    "fulfill": "fulfil",
    "fulfillment": "fulfilment",
    "enroll": "enrol",
    "enrollment": "enrolment",
    "skillful": "skilful",
    "judgment": "judgement",
    "acknowledgment": "acknowledgement",
    "aging": "ageing",
    "pediatric": "paediatric",
    "pediatrician": "paediatrician",
    "gray": "grey",
    "mom": "mum",
    "moms": "mums",
    "catalog": "catalogue",
    "dialog": "dialogue",
    "analog": "analogue",
    "jewelry": "jewellery",
    "pajamas": "pyjamas",
    "tire": "tyre",
    "paycheck": "payslip",
    "vacation": "holiday",
    "vacations": "holidays",
    "cellphone": "mobile",
}
_IZE_EXCEPTIONS = {
    "size",
    "sizes",
    "sized",
    "prize",
    "prizes",
    "seize",
    "seized",
    "seizes",
    "capsize",
    "citizen",
    "citizens",
    "maize",
    "baize",
    "wizened",
}
_IZE = re.compile(r"^(\w{3,}?)(iz|yz)(e|es|ed|ing|er|ers|ation|ations)$")


def fold_spelling(word: str) -> str:
    """Return the British spelling of a case-folded word (``organize`` -> ``organise``)."""
    mapped = _US_TO_UK.get(word)
    if mapped:
        return mapped
    if word in _IZE_EXCEPTIONS:
        return word
    match = _IZE.match(word)
    if match:
        stem, core, ending = match.groups()
        return f"{stem}{'is' if core == 'iz' else 'ys'}{ending}"
    return word


# Words that start a negation scope. "lack of support" reads like "no support".
_NEGATIONS = frozenset(
    "not no never nor cannot cant without neither none nobody nothing noone hardly barely "
    "lack lacks lacked lacking".split()
)
# A scope ends at punctuation or at a contrast word; it covers at most this many content words.
_NEGATION_WINDOW = 3
_SCOPE_BREAKS = frozenset("but however although though except".split())

# Words from scikit-learn's list that carry meaning in exit comments.
_KEEP_WORDS = (
    frozenset("back call front full part system move less enough fire bill serious interest top off out up".split())
    | _NEGATIONS
)
#: Words so common in exit comments about social work that they say nothing about a theme.
DOMAIN_STOP_WORDS = frozenset(
    """council authority local la really just lot lots thing things felt feel feeling im ive
    id dont didnt doesnt isnt wasnt werent wont wouldnt shouldnt couldnt arent havent hadnt
    also got getting gets make makes making way ways want wanted did does doing""".split()
)
#: The stop list: scikit-learn's English list, less negations and a few meaningful words,
#: plus the domain list. Words such as "job" and "time" stay: "job security", "time off".
STOP_WORDS = (frozenset(ENGLISH_STOP_WORDS) - _KEEP_WORDS) | DOMAIN_STOP_WORDS

# Stems Snowball would merge that mean different things here.
_STEM_EXCEPTIONS = {
    "management": "management",
    "managements": "management",
    "manager": "manager",
    "managers": "manager",
    "supervisor": "supervisor",
    "supervisors": "supervisor",
    "agency": "agency",
    "agencies": "agency",
    "court": "court",
    "courts": "court",
    "caring": "caring",
    "carer": "carer",
    "carers": "carer",
    "pay": "pay",
    "paid": "pay",
    "paying": "pay",
    "pays": "pay",
}

_TOKEN_PATTERN = r"\[[a-z_]+\]|[a-z]+(?:'[a-z]+)*|[0-9]+(?:\.[0-9]+)?|[.!?,;:]"  # noqa: S105 - a regular expression
_PUNCT = frozenset(".!?,;:")


@dataclass
class PreparedText:
    """One comment ready for the theme models.

    ``tokens``: stems in order, stop words removed, negated words prefixed with
    ``not_``; ``text``: the scrubbed, normalised text (what HR may show outside HR).
    """

    text: str
    tokens: list[str] = field(default_factory=list)

    @property
    def joined(self) -> str:
        """Tokens joined by spaces, the form scikit-learn vectorisers read."""
        return " ".join(self.tokens)


def _nltk_parts(language: str):
    """A Snowball stemmer and the word tokenizer; nltk is imported here, not at start-up, so
    commands and web workers that never prepare text do not pay for loading it."""
    from nltk.stem.snowball import SnowballStemmer
    from nltk.tokenize import RegexpTokenizer

    return SnowballStemmer(language), RegexpTokenizer(_TOKEN_PATTERN)


class TextPreparer:
    """Turn raw comments into ``PreparedText`` (scikit-learn shaped; ``fit`` learns nothing).

    ``scrub`` decides whether personal data is replaced before tokenising (on by default, so
    names never become model features). ``extra_stop_words`` extends the stop list.
    """

    def __init__(
        self,
        scrubber: Scrubber | None = None,
        *,
        scrub: bool = True,
        extra_stop_words: Sequence[str] = (),
        language: str = "english",
    ) -> None:
        self.scrubber = scrubber or Scrubber()
        self.scrub = scrub
        self.extra_stop_words = tuple(extra_stop_words)
        self.language = language
        self._stop = STOP_WORDS | {w.casefold() for w in self.extra_stop_words}
        self._stemmer, self._tokenizer = _nltk_parts(language)
        # Per-instance memos: a corpus has far fewer distinct words than tokens.
        self._stems: dict[str, str] = {}
        self._kinds: dict[str, str] = {}

    def __getstate__(self) -> dict:
        # nltk's tokenizer wraps its pattern in a timeout guard that does not survive pickling,
        # so it is rebuilt on load; the memos are rebuilt as text is seen.
        state = self.__dict__.copy()
        for key in ("_stems", "_kinds", "_tokenizer", "_stemmer"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._stemmer, self._tokenizer = _nltk_parts(self.language)
        self._stems = {}
        self._kinds = {}

    def fit(self, texts: Iterable[object] | None = None, y: object = None) -> TextPreparer:
        """Nothing to learn; present so the step fits the pipeline shape."""
        return self

    def transform(self, texts: Iterable[object]) -> list[PreparedText]:
        """Prepare each text; returns one ``PreparedText`` per input, in order."""
        return [self.prepare(t) for t in texts]

    def prepare(self, text: object) -> PreparedText:
        """Scrub (if enabled), fold, tokenise, mark negation and stem one comment."""
        clean = self.scrubber.scrub(text) if self.scrub else normalise(text)
        return PreparedText(text=clean, tokens=self.tokens(clean))

    def tokens(self, text: str) -> list[str]:
        """Stems of ``text`` with stop words removed and negation scopes marked."""
        out: list[str] = []
        scope = 0
        kinds = self._kinds
        for word in self._tokenizer.tokenize(text.casefold()):
            kind = kinds.get(word)
            if kind is None:
                kind = kinds[word] = self._kind(word)
            if kind is _BREAK:
                scope = 0
            elif kind is _NEGATE:
                scope = _NEGATION_WINDOW
            elif kind is not _SKIP:
                if scope:
                    out.append(NEGATION_PREFIX + kind)
                    scope -= 1
                else:
                    out.append(kind)
        return out

    def _kind(self, word: str) -> str:
        """What a folded token does: ends a negation scope, opens one, is skipped, or its stem."""
        if word in _PUNCT or word in _SCOPE_BREAKS:
            return _BREAK
        if word.startswith("["):
            return _SKIP  # placeholders carry no theme
        word = word.replace("'", "")
        if word in _NEGATIONS or word in _NT_WORDS:
            return _NEGATE
        if word in self._stop or len(word) < 2:
            return _SKIP
        return self.stem(word)

    def stem(self, word: str) -> str:
        """Snowball stem of a folded word, after British spelling and domain exceptions."""
        cached = self._stems.get(word)
        if cached is None:
            british = fold_spelling(word)
            cached = _STEM_EXCEPTIONS.get(british) or self._stemmer.stem(british)
            self._stems[word] = cached
        return cached

    def words(self, text: str) -> list[str]:
        """The folded words of ``text`` that would become stems (no negation marks)."""
        out = []
        for word in self._tokenizer.tokenize(text.casefold()):
            kind = self._kinds.get(word)
            if kind is None:
                kind = self._kinds[word] = self._kind(word)
            if kind not in (_BREAK, _NEGATE, _SKIP):
                out.append(word.replace("'", ""))
        return out

    def phrase_tokens(self, phrase: str) -> list[str]:
        """Tokens of a seed phrase, prepared exactly as comments are (without scrubbing)."""
        return self.tokens(normalise(phrase))


# Token kinds other than a stem (compared by identity; a stem is never one of these objects).
_BREAK = "<break>"
_NEGATE = "<negate>"
_SKIP = "<skip>"

# Contractions that negate, as they look after the apostrophe is dropped.
_NT_WORDS = frozenset(
    "dont didnt doesnt isnt wasnt werent wont wouldnt shouldnt couldnt arent havent hadnt "
    "hasnt cant mustnt neednt aint".split()
)
