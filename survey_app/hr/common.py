"""Small helpers the HR pages share: choices from the questionnaires, paging, the HR rule."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import roles_required
from ..instruments import Definition
from ..questionnaires import current_instrument, definition_of

# Every HR page uses this rule: individual answers are for HR alone (not admin, not standards).
hr_only = roles_required("hr")

CHANNEL_NAMES = {"online": _l("Online"), "paper": _l("Paper form"), "interview": _l("Exit interview notes"),
                 "imported": _l("Imported")}


def exit_definition(language: str = "en") -> Definition | None:
    """The current exit questionnaire, its labels in ``language``."""
    instrument = current_instrument("exit")
    return definition_of(instrument).localised(language) if instrument else None


def choices_for_role(role: str, language: str = "en") -> list[tuple[str, str]]:
    """(value, label) pairs the current exit questionnaire offers for a report role, in
    ``language`` (a page translated into Welsh passes the page's language)."""
    definition = exit_definition(language)
    if definition is None:
        return []
    key = definition.key_for_role(role)
    return list(definition.question(key).choices()) if key else []


@dataclass
class Page:
    number: int
    count: int
    total: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_of(total: int) -> Page:
    size = current_app.config["PAGE_SIZE"]
    count = max(1, ceil(total / size))
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        number = 1
    return Page(number=min(max(1, number), count), count=count, total=total, size=size)


def pagination_params(page: Page, endpoint: str, **kwargs: Any) -> dict[str, Any] | None:
    """Parameters for the GOV.UK pagination macro, keeping the current filters in each link."""
    if page.count <= 1:
        return None
    args = {k: v for k, v in request.args.items() if k != "page"}
    args.update(kwargs)

    def link(n: int) -> str:
        return url_for(endpoint, page=n, **args)

    items = []
    for n in range(1, page.count + 1):
        if n in (1, page.count) or abs(n - page.number) <= 2:
            items.append({"number": n, "href": link(n), "current": n == page.number})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict[str, Any] = {"items": items, "landmarkLabel": _("Pages")}
    if page.number > 1:
        params["previous"] = {"href": link(page.number - 1), "text": _("Previous")}
    if page.number < page.count:
        params["next"] = {"href": link(page.number + 1), "text": _("Next")}
    return params


EQUALITY_NOTE = _l("Equality monitoring answers are never shown for one person. They are counted only "
                   "in totals over at least 12 months, on the equality page and in reports.")


def is_equality_question(question) -> bool:
    """A question of the equality monitoring page (protected characteristics): its answers are
    used only in totals, never shown or exported for one response."""
    return bool(question.role) and question.role.startswith("equality.")
