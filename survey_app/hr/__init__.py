"""The HR workspace: review queue, paper forms and interviews, focus groups, follow-ups, exports.

Only the ``hr`` role may use these pages: individual answers are shown to HR and nobody else.
"""

from flask import Blueprint

bp = Blueprint("hr", __name__)

from . import (  # noqa: E402,F401 - routes register on import
    accounts,
    dashboard,
    export,
    focus_groups,
    follow_ups,
    headcounts,
    invitations,
    queue,
    themes,
)

__all__ = ["bp"]
