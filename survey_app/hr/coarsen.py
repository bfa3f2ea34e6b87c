"""What HR is shown of who a respondent is: never a combination fewer than k responses share.

HR reads every word of free text, but the month of leaving, role, service area, length of
service, years since qualifying and employment type together single out most leavers to
anyone who knows who left (269 of 320 demo responses were unique on four of them). So the
queue and a response's page show those details coarsely, decided for all responses of a
questionnaire at once:

1. **Periods.** Quarters are grouped, oldest first, into runs of consecutive quarters with at
   least k responses each (a short last run joins the one before), so a run is the finest
   time a small quarter can be shown at, and every run is shown the same way.
2. **Details.** In each run, people are split by role, then length of service, service
   area, years since qualifying, employment type, how the answers were given (online, on
   paper, at interview, imported), and last by month. A value held by fewer
   than k people of their group is not shown for them; if those people are fewer than k, the
   smallest shown value joins them. So every combination the page shows, "not shown"
   included, is held by at least k responses.

3. **Versions.** All this is decided for each version of a questionnaire apart, since a
   response's version is shown with it: a version published in the middle of a run of quarters
   makes runs of its own, so the version never narrows when someone answered below k people.
   Where a version has fewer than k responses in all, its responses show nothing, the version
   included.

Everything on the page (the rows, their order, and the filters) uses only the values shown:
rows are ordered by run and then by their random id, and a filter on a detail matches only
responses showing it, so filtering cannot reveal what a row hides.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from analysis.periods import Quarter

from ..i18n import and_list

# The details that could identify a respondent, in the order they are refined (the ones
# reports break themes down by first), then the month. The channel is one of them: few leave
# by interview or on paper, and HR knows who it interviewed.
DETAILS = ("role", "length_of_service", "service_area", "post_qualifying_experience", "employment_type", "channel")
DETAIL_NAMES = {
    "role": _l("role"),
    "service_area": _l("service area"),
    "length_of_service": _l("length of service"),
    "post_qualifying_experience": _l("years since qualifying"),
    "employment_type": _l("employment type"),
    "channel": _l("how the answers were given"),
}


@dataclass(frozen=True)
class Person:
    """The identifying details of one response, as stored."""

    id: str
    instrument: str  # the questionnaire and its version ("exit v2"): each is planned apart
    period: date
    details: dict[str, str | None] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Shown:
    """What HR sees of one response's identifying details."""

    when: str  # "May 2025", "2025/26 Q1", "2025/26 Q4 to 2026/27 Q1", or "" when nothing is shown
    quarters: tuple[str, ...]  # the quarters ``when`` covers
    details: dict[str, str | None] = field(hash=False, compare=False)  # shown details (None: not answered)
    hidden: tuple[str, ...] = ()  # details not shown
    order: tuple = ()  # sort key: newest run first, then random id

    @property
    def month_shown(self) -> bool:
        return bool(self.when) and " Q" not in self.when

    def version(self, version: int) -> int | str:
        """The questionnaire version as shown: hidden with everything else where the version has
        fewer than k responses (knowing when it was published, it would say when they answered)."""
        return version if self.when else NOT_SHOWN

    def note(self, k: int) -> str | None:
        """A sentence for the page saying what is not shown, and why."""
        if not self.when:
            return _("Fewer than %(k)s responses to this questionnaire exist, so when this person left "
                     "and their role and other details are not shown.", k=k)
        parts = [] if self.month_shown else [_("the month of leaving")]
        parts += [str(DETAIL_NAMES[d]) for d in self.hidden]
        if not parts:
            return None
        return ngettext("To keep respondents anonymous, %(listed)s is not shown: no combination shown here is "
                        "shared by fewer than %(k)s responses.",
                        "To keep respondents anonymous, %(listed)s are not shown: no combination shown here is "
                        "shared by fewer than %(k)s responses.", len(parts), listed=and_list(parts), k=k)


def _runs(quarters: Sequence[Quarter], sizes: Counter, k: int) -> list[list[Quarter]]:
    """Consecutive quarters grouped oldest first into runs of at least k responses."""
    runs: list[list[Quarter]] = []
    current: list[Quarter] = []
    total = 0
    q, last = quarters[0], quarters[-1]
    while q <= last:
        current.append(q)
        total += sizes[q]
        if total >= k:
            runs.append(current)
            current, total = [], 0
        q = q.shift(1)
    if current:
        if runs:
            runs[-1].extend(current)
        else:
            runs.append(current)
    return runs


def _run_label(run: Sequence[Quarter]) -> str:
    return run[0].label if len(run) == 1 else f"{run[0].label} to {run[-1].label}"


def _split(group: list[Person], value, k: int) -> tuple[dict[object, list[Person]], list[Person]]:
    """Split a group by ``value``: (parts of k or more shown, people for whom it is not shown).

    Values held by fewer than k are not shown. If those people are themselves fewer than k
    (but some are), the smallest shown part joins them, so "not shown" is never a small group
    either; if that leaves nothing shown, the value is not shown for anyone in the group."""
    parts: dict[object, list[Person]] = defaultdict(list)
    for p in group:
        parts[value(p)].append(p)
    small = [v for v, ps in parts.items() if len(ps) < k]
    if not small:
        return dict(parts), []
    hidden = [p for v in small for p in parts[v]]
    shown = {v: ps for v, ps in parts.items() if len(ps) >= k}
    if len(hidden) < k and shown:
        smallest = min(shown, key=lambda v: (len(shown[v]), str(v)))
        hidden += shown.pop(smallest)
    if len(hidden) < k and not shown:
        return {}, group
    return shown, hidden


def _refine(people: list[Person], k: int) -> dict[Person, tuple[dict[str, str | None], bool]]:
    """Each person's shown details and whether their month is shown (a run of k or more).

    Groups start as the whole run and are split one detail at a time, then by month; every
    group of people who look the same on the page keeps at least k members."""
    groups: list[tuple[dict[str, str | None], list[Person]]] = [({}, people)]
    for detail in DETAILS:
        refined = []
        for shown, group in groups:
            parts, hidden = _split(group, lambda p, d=detail: p.details.get(d), k)
            refined += [({**shown, detail: v}, ps) for v, ps in parts.items()]
            if hidden:
                refined.append((shown, hidden))
        groups = refined
    out: dict[Person, tuple[dict[str, str | None], bool]] = {}
    for shown, group in groups:
        parts, hidden = _split(group, lambda p: p.period, k)
        for ps in parts.values():
            out.update({p: (shown, True) for p in ps})
        out.update({p: (shown, False) for p in hidden})
    return out


#: What stands in for a detail or a month that is not shown.
NOT_SHOWN = "Not shown"


def shown_instead(role: str | None, shown: Shown) -> str | None:
    """What HR sees instead of the answer to a question with this ``role``: the period shown for
    the month of leaving, "Not shown" for a detail not shown, None when the answer may be shown
    as it is (the response's page and the exports both use this)."""
    if role == "leaving_month":
        return shown.when or NOT_SHOWN
    if role in DETAILS and role not in shown.details:
        return NOT_SHOWN
    return None


def shown_period(period: date, shown: Shown) -> date | str:
    """The month (first day) of a response or its answers where its month is shown, otherwise
    the quarter or run of quarters shown, or "Not shown"."""
    return period if shown.month_shown else (shown.when or NOT_SHOWN)


def plan(people: Iterable[Person], k: int) -> dict[str, Shown]:
    """What to show of each response, by response id."""
    by_instrument: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_instrument[person.instrument].append(person)
    out: dict[str, Shown] = {}
    for group in by_instrument.values():
        quarter_of = {p.id: Quarter.of(p.period) for p in group}
        sizes = Counter(quarter_of.values())
        runs = _runs(sorted(sizes), sizes, k)
        run_of = {q: i for i, run in enumerate(runs) for q in run}
        members: dict[int, list[Person]] = defaultdict(list)
        for p in group:
            members[run_of[quarter_of[p.id]]].append(p)
        for index, people_in_run in members.items():
            run = runs[index]
            label = _run_label(run)
            quarters = tuple(q.label for q in run)
            order = (-run[-1].start.toordinal(),)  # newest run first, whatever the questionnaire
            if len(people_in_run) < k:  # the organisation has fewer than k responses in all
                for p in people_in_run:
                    out[p.id] = Shown("", (), {}, DETAILS, (*order, p.id))
                continue
            for p, (shown, month) in _refine(people_in_run, k).items():
                text = f"{p.period:%B %Y}" if month else label
                out[p.id] = Shown(text, quarters, shown, tuple(d for d in DETAILS if d not in shown), (*order, p.id))
    return out


def organisation_plan(k: int) -> dict[str, Shown]:
    """The plan for every response of the signed-in user's organisation."""
    from ..extensions import db
    from ..models import Instrument, Response
    from ..questionnaires import definition_of

    instruments = db.session.execute(db.select(Instrument)).scalars().all()
    definitions = {i.id: definition_of(i) for i in instruments}
    versions = {i.id: i.version for i in instruments}
    rows = db.session.execute(db.select(Response.id, Response.instrument_slug, Response.instrument_id,
                                        Response.period, Response.answers, Response.channel)).all()
    people = []
    for row in rows:
        definition = definitions[row.instrument_id]
        details: dict[str, str | None] = {"channel": row.channel}
        for detail in DETAILS:
            if detail == "channel":
                continue
            key = definition.key_for_role(detail)
            value = (row.answers or {}).get(key) if key else None
            details[detail] = value if isinstance(value, str) and value else None
        people.append(Person(row.id, f"{row.instrument_slug} v{versions[row.instrument_id]}", row.period, details))
    return plan(people, k)
