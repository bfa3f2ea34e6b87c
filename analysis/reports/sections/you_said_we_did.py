""""You said, we did": what HR did about the themes leavers raised, in words HR approved.

What it shows: the actions HR approved, each under the taxonomy theme it addresses, in the
taxonomy's order, and a one-line summary that "At a glance" repeats.

What it guarantees: an action is printed only under a taxonomy theme that the same report shows
at least k people citing, in the period, the period before or the 12 months to its end. Naming the
theme then tells a reader nothing the published counts do not (not even that one person raised
it), and an action HR has not approved never reaches this module: the app passes approved ones
only. The wording is HR's; it carries no count, so it adds nothing to the publication ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from analysis.disclosure import is_shown
from analysis.reports import counts as c
from analysis.reports.base import PeriodView, ReportInputs, make_section
from analysis.reports.common import PublishedFigures, listed, lower_first
from analysis.reports.translation import N_, ReportWords

SECTION_ID = "you_said_we_did"
TITLE = N_("You said, we did")


def shown_actions(actions: Sequence[Mapping[str, str]], theme_labels: Mapping[str, str],
                  cited_by_k: Callable[[str], bool]) -> list[dict[str, str]]:
    """The approved actions that may be printed, in theme order then as given.

    ``cited_by_k(theme_id)`` says whether the report shows at least k people citing the theme.
    Emerging themes and ids outside the taxonomy are never shown: their labels are not HR's.
    """
    order = {theme_id: i for i, theme_id in enumerate(theme_labels)}
    out = []
    for action in actions:
        theme_id, text = str(action.get("theme_id", "")), str(action.get("text", "")).strip()
        if text and theme_id in theme_labels and cited_by_k(theme_id):
            out.append({"theme_id": theme_id, "theme": theme_labels[theme_id], "text": text})
    return sorted(out, key=lambda a: order[a["theme_id"]])


def summary(shown: Sequence[Mapping[str, str]], k: int, words: ReportWords) -> str:
    """The section's one-line summary, also the line under "At a glance"."""
    if not shown:
        return words.gettext("No action on a theme that at least {k} leavers raised has been approved for "
                             "publication in this report.", k=k)
    themes = [lower_first(t) for t in dict.fromkeys(a["theme"] for a in shown)]
    return words.ngettext("What was done about what leavers told us: {n} action, on {themes}.",
                          "What was done about what leavers told us: {n} actions, on {themes}.",
                          len(shown), themes=listed(themes, words))


def section(inputs: ReportInputs, f: PublishedFigures, v: PeriodView,
            approved: Sequence[Mapping[str, str]]) -> dict:
    """You said, we did: HR's approved actions, under themes shown with at least k people this
    period, the one before or over the 12 months (see the module docstring)."""
    periods = [p for p in (v.current, v.previous, v.rolling) if p is not None]

    def cited_by_k(theme_id: str) -> bool:
        for period in periods:
            key = c.k_theme(period.label, theme_id)
            count = f.get(key) if period.has(key) else 0
            if is_shown(count) and int(count) >= inputs.k:
                return True
        return False

    shown = shown_actions(approved, inputs.theme_labels, cited_by_k)
    w = inputs.words
    return make_section(SECTION_ID, w.gettext(TITLE), summary(shown, inputs.k, w), [], actions=shown, words=w)
