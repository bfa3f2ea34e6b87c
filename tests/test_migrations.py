"""Migrations build the schema from empty on every database, and agree with the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from survey_app.extensions import db
from survey_app.models import Organisation


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_the_default_organisation_exists_after_migration(app):
    slugs = db.session.execute(sa.select(Organisation.slug)).scalars().all()
    assert slugs == ["default"]
