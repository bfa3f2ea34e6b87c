"""The audit log: who did what to which record, and when. Rows are only ever added.

``record`` adds an event to the caller's transaction. The ORM refuses to update or delete an
``AuditEvent``, and no route offers to, so the log can only grow.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from .extensions import db
from .models import AuditEvent, User, default_organisation


def utcnow() -> datetime:
    """Now in UTC without a timezone, as every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


def record(action: str, record_type: str, record_id: str | None = None, detail: str | None = None,
           actor: User | None = None, actor_label: str | None = None) -> AuditEvent:
    """Add one audit event to the session (the caller commits with the change it describes).

    ``actor`` defaults to the signed-in user; commands pass ``actor_label`` (e.g. ``"command line"``).
    """
    if actor is None and actor_label is None:
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            actor = current_user._get_current_object()  # type: ignore[attr-defined]
    org_id = actor.organisation_id if actor is not None else default_organisation().id
    row = AuditEvent(
        organisation_id=org_id,
        occurred_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor=actor.email if actor is not None else (actor_label or "unknown"),
        action=action,
        record_type=record_type,
        record_id=record_id,
        detail=detail,
    )
    db.session.add(row)
    return row


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:  # noqa: ANN001
    raise AuditLogIsAppendOnly("audit events cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:  # noqa: ANN001
    raise AuditLogIsAppendOnly("audit events cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is AuditEvent:
        raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")
