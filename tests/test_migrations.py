"""Migrations build the schema from empty on every database, and agree with the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from survey_app.extensions import db
from survey_app.models import Organisation


def test_migrated_database_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_the_default_organisation_exists_after_migration(app):
    slugs = db.session.execute(sa.select(Organisation.slug)).scalars().all()
    assert slugs == ["default"]


def test_respondent_tables_keep_no_hidden_order_on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID is a SQLite table option")
    with db.engine.connect() as conn:
        for table in ("response", "comment", "follow_up_request", "action_note", "focus_group_session",
                      "theme_assignment"):
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}).scalar_one()
            assert sql.rstrip().endswith("WITHOUT ROWID"), table
    assert "focus_group_id" in {c["name"] for c in inspect(db.engine).get_columns("comment")}


def test_the_staff_language_column_comes_and_goes_with_its_migration(database_url, tmp_path):
    """0020 adds ``user_account.language`` and its downgrade removes it, on a database of its own."""
    from flask_migrate import downgrade, upgrade

    from survey_app import create_app

    from .conftest import _postgres_database

    if database_url.startswith("sqlite"):
        urls = iter(["sqlite:///" + str(tmp_path / "languages.sqlite")])
    else:
        urls = _postgres_database()
    for url in urls:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0019")
            assert "language" not in {c["name"] for c in inspect(db.engine).get_columns("user_account")}
            upgrade(revision="0020")
            assert "language" in {c["name"] for c in inspect(db.engine).get_columns("user_account")}
            downgrade(revision="0019")
            assert "language" not in {c["name"] for c in inspect(db.engine).get_columns("user_account")}
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0020"
            db.engine.dispose()
