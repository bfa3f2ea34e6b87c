"""Every staff request sees and writes only its own organisation's rows.

The schema gives each row an ``organisation_id``. Rather than trusting every query to filter by
it, one SQLAlchemy hook adds ``organisation_id = <the signed-in user's organisation>`` to every
ORM select, update and delete made while a staff member is signed in, for every model that has
the column (``with_loader_criteria``). A row of another organisation then behaves as if it did
not exist: lists leave it out and ``get`` finds nothing, so its page is a 404. Writes take the
organisation from ``default_organisation()``, which in a staff request is the user's own.

Respondent pages have no signed-in user and belong to the deployment's default organisation.
Code that runs outside a request (commands, the analysis package) names its organisation
explicitly.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from .extensions import db


def signed_in_organisation_id() -> int | None:
    """The organisation of the staff member signed in to this request, if any.

    Read from what Flask-Login has already loaded, never by loading it here: this runs inside
    every query, including the one that loads the user."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.organisation_id


def _scoped_models() -> list[type]:
    return [mapper.class_ for mapper in db.Model.registry.mappers if "organisation_id" in mapper.columns]


@event.listens_for(Session, "do_orm_execute")
def _only_this_organisation(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete) or state.is_column_load \
            or state.is_relationship_load:
        return
    organisation_id = signed_in_organisation_id()
    if organisation_id is None:
        return
    # The organisation is a closure variable of the lambda, which SQLAlchemy turns into a bound
    # parameter of the cached statement (a default argument would be baked into the cache).
    state.statement = state.statement.options(*(
        with_loader_criteria(model, lambda cls: cls.organisation_id == organisation_id, include_aliases=True)
        for model in _scoped_models()))
