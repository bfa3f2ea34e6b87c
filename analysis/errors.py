"""Errors that say what is wrong as a kind and its details, so each reader can word them.

The command line prints ``str()`` of such an error, the English of its ``MESSAGES`` entry;
the app words each ``kind`` in the language of its page from the same ``details``.
"""

from __future__ import annotations


class KindError(ValueError):
    """A ValueError with a ``kind`` (a key of the subclass's ``MESSAGES``) and the ``details``
    its message is formatted from."""

    MESSAGES: dict[str, str] = {}

    def __init__(self, kind: str, **details: object) -> None:
        self.kind, self.details = kind, details
        super().__init__(self.MESSAGES[kind].format(**details))
