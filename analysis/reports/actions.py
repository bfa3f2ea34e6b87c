""""You said, we did": what HR did about the themes leavers raised, in words HR approved.

What it guarantees: an action is printed only under a taxonomy theme that the same report shows
at least k people citing, in the period, the period before or the 12 months to its end. Naming the
theme then tells a reader nothing the published counts do not (not even that one person raised
it), and an action HR has not approved never reaches this module: the app passes approved ones
only. The wording is HR's; it carries no count, so it adds nothing to the publication ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from analysis.reports.common import listed, lower_first

SECTION_ID = "you_said_we_did"
TITLE = "You said, we did"


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


def summary(shown: Sequence[Mapping[str, str]], k: int) -> str:
    """The section's one-line summary, also the line under "At a glance"."""
    if not shown:
        return (f"No action on a theme that at least {k} leavers raised has been approved for "
                "publication in this report.")
    themes = [lower_first(t) for t in dict.fromkeys(a["theme"] for a in shown)]
    noun = "action" if len(shown) == 1 else "actions"
    return f"What was done about what leavers told us: {len(shown)} {noun}, on {listed(themes)}."
