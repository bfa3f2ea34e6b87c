"""The respondent journey: start page, invitation code, question pages, check, send, follow-up."""

from .views import bp

__all__ = ["bp"]
