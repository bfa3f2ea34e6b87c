"""One confirmation step for staff actions that cannot be undone (closing a focus group or a
survey, merging a theme): the same request, sent again with ``confirm=yes`` from a page that says
what will happen."""

from __future__ import annotations

from flask import render_template, request


def confirmed() -> bool:
    return request.form.get("confirm") == "yes"


def ask(title: str, message: str, button: str, cancel_url: str):
    """The page asking to confirm the current POST; it re-sends the form's fields as they were."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in ("csrf_token", "confirm")]
    return render_template("components/confirm.html", title=title, message=message, button=button,
                           cancel_url=cancel_url, action=request.path, fields=fields)
