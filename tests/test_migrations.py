"""The schema the migrations build is the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from survey_app.extensions import db


def test_migrated_database_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_respondent_tables_keep_no_hidden_order_on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID is a SQLite table option")
    with db.engine.connect() as conn:
        for table in ("response", "comment", "follow_up_request", "action_note", "focus_group_session"):
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}).scalar_one()
            assert sql.rstrip().endswith("WITHOUT ROWID"), table
    assert "focus_group_id" in {c["name"] for c in inspect(db.engine).get_columns("comment")}
