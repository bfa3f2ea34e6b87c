"""Staff sign-in: passwords, second factor, sessions, invitation links."""

from .views import bp, init_login

__all__ = ["bp", "init_login"]
