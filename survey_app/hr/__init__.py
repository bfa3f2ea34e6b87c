"""The HR workspace: review queue, paper forms and interviews, focus groups, follow-ups, exports.

Only the ``hr`` role may use these pages: individual answers are shown to HR and nobody else.
"""

from flask import Blueprint

bp = Blueprint("hr", __name__)

from . import accounts, dashboard, export, focus_groups, follow_ups, headcounts, queue, themes  # noqa: E402,F401 - routes register on import

__all__ = ["bp"]
