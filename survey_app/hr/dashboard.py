"""HR's home: this quarter and the last four quarters at a glance, each figure a link into the queue.

HR reads every response anyway, so these counts are not suppressed; they are shown only here,
behind HR sign-in, and never exported or published. But they place each response by the period
the queue shows for it (``coarsen``), never its true month: a count of paper responses this
quarter must not tell HR the quarter of the one paper response the queue shows only as a span.
A response shown as a span of quarters counts in every window the span touches, exactly as the
queue's quarter filter finds it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from analysis.periods import Quarter

from ..extensions import db
from ..models import FollowUpRequest, Response, default_organisation
from ..themes.service import theme_labels
from . import bp
from .coarsen import Shown, organisation_plan
from .common import CHANNEL_NAMES, hr_only
from .queue import themes_cited

TOP_THEMES = 5


@dataclass
class Window:
    """Some financial quarters, and as many quarters before them for comparison."""

    title: str
    quarters: tuple[str, ...]
    previous: tuple[str, ...]
    previous_name: str
    quarter: str | None = None  # a queue filter value, when the window is one quarter
    channels: list[tuple[str, int, str]] = field(default_factory=list)
    total: int = 0
    unreviewed: int = 0
    themes: list[dict] = field(default_factory=list)
    unreviewed_href: str = ""


def windows(today: date) -> list[Window]:
    quarter = Quarter.of(today)
    four = tuple(q.label for q in quarter.last_n(4))
    before = tuple(q.label for q in quarter.shift(-4).last_n(4))
    return [
        Window(_("This quarter (%(quarter)s, under way)", quarter=quarter.label), (quarter.label,),
               (quarter.previous().label,), _("In %(quarter)s", quarter=quarter.previous().label),
               quarter=quarter.label),
        Window(_("Last four quarters (%(first)s to %(last)s)", first=four[0], last=four[-1]), four, before,
               _("In the four before")),
    ]


def _theme_counts(cited: dict[str, set[str]], ids: set[str]) -> Counter:
    """How many of these responses cite each theme (``cited``: see ``themes_cited``)."""
    counts: Counter = Counter()
    for response_id in ids:
        counts.update(cited.get(response_id, ()))
    return counts


def _in(shown: dict[str, Shown], rows, quarters: tuple[str, ...]) -> list:
    """The responses whose period, as the queue shows it, touches one of ``quarters``."""
    wanted = set(quarters)
    return [r for r in rows if r.id in shown and wanted.intersection(shown[r.id].quarters)]


NOT_SHOWN = ""  # the channel of a response the queue does not show it for


@bp.route("/overview")
@hr_only
def overview():
    org = default_organisation()
    labels = theme_labels(org.id)
    today = date.today()
    plan_k = current_app.config["DISCLOSURE_THRESHOLD"]
    plan = organisation_plan(plan_k)
    everything = db.session.execute(sa.select(Response.id, Response.channel, Response.reviewed)
                                    .where(Response.organisation_id == org.id)).all()
    shown = windows(today)
    cited = themes_cited(org.id)
    for window in shown:
        rows = _in(plan, everything, window.quarters)
        before = _in(plan, everything, window.previous)
        window.total = len(rows)
        window.unreviewed = sum(not reviewed for _, _, reviewed in rows)
        extra = {"quarter": window.quarter} if window.quarter else {}
        # Counted as the queue shows each response, so a link lists exactly what was counted: a
        # channel fewer than k responses alike share is "not shown" there, and here.
        by_channel = Counter(plan[rid].details.get("channel", NOT_SHOWN) for rid, _, _ in rows)
        window.channels = [
            (CHANNEL_NAMES.get(c, c), n, url_for("hr.queue", channel=c, **extra)) if c != NOT_SHOWN
            else (_("Not shown (shared by fewer than %(k)s responses)", k=plan_k), n, None)
            for c, n in sorted(by_channel.items(), key=lambda kv: (kv[0] == NOT_SHOWN, -kv[1]))]
        now = _theme_counts(cited, {r[0] for r in rows})
        then = _theme_counts(cited, {r[0] for r in before})
        window.themes = [
            {"label": labels.get(theme_id, theme_id), "count": n, "before": then.get(theme_id, 0),
             "href": url_for("hr.queue", theme=theme_id, **extra)}
            for theme_id, n in sorted(now.items(), key=lambda kv: (-kv[1], labels.get(kv[0], kv[0])))[:TOP_THEMES]
        ]
        window.unreviewed_href = url_for("hr.queue", status="unreviewed", **extra)
    new_follow_ups = db.session.execute(
        sa.select(sa.func.count()).select_from(FollowUpRequest)
        .where(FollowUpRequest.organisation_id == org.id, FollowUpRequest.status == "new")
    ).scalar_one()
    return render_template("hr/overview.html", windows=shown, new_follow_ups=new_follow_ups)
