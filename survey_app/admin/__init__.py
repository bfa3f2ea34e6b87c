"""Admin pages: users and roles, organisation settings, survey windows, the audit log.

Only the ``admin`` role may use them. Admins manage the service; they do not see answers.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import views  # noqa: E402,F401 - routes register on import

__all__ = ["bp"]
