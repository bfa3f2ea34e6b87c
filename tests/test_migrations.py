"""Migrations build the schema from empty on every database, and agree with the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from survey_app.extensions import db
from survey_app.models import Organisation


def _database_of_its_own(database_url: str, tmp_path, name: str):
    """An empty database of the kind ``database_url`` names, for a test that migrates step by step:
    a SQLite file in ``tmp_path``, or a throwaway PostgreSQL database (dropped afterwards)."""
    if database_url.startswith("sqlite"):
        return iter(["sqlite:///" + str(tmp_path / f"{name}.sqlite")])
    from .conftest import _postgres_database

    return _postgres_database()


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


@pytest.mark.parametrize(("revision", "before", "table", "column"), [
    ("0020", "0019", "user_account", "language"),  # the language each member of staff reads in
    ("0021", "0020", "report", "editions"),  # a report's editions in the council's other languages
    ("0022", "0021", "follow_up_request", "sending"),  # one follow-up form sent twice is one request
    ("0024", "0023", "instrument", "definition_digest"),  # the name a parsed questionnaire is found by
])
def test_a_column_comes_and_goes_with_its_migration(database_url, tmp_path, revision, before, table, column):
    """A migration adds its column and its downgrade removes it, on a database of its own."""
    from flask_migrate import downgrade, upgrade

    from survey_app import create_app

    for url in _database_of_its_own(database_url, tmp_path, "migration"):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision=before)
            assert column not in {c["name"] for c in inspect(db.engine).get_columns(table)}
            upgrade(revision=revision)
            assert column in {c["name"] for c in inspect(db.engine).get_columns(table)}
            downgrade(revision=before)
            assert column not in {c["name"] for c in inspect(db.engine).get_columns(table)}
            upgrade()
            assert column in {c["name"] for c in inspect(db.engine).get_columns(table)}
            db.engine.dispose()


def test_stored_run_states_lose_their_example_comments(database_url, tmp_path):
    """Migration 0023: a theme run's state stored with example comments (as before it) keeps what
    the next run needs and loses the examples, which would outlive the retention purge."""
    import io

    import joblib
    import numpy as np
    import pandas as pd
    from flask_migrate import upgrade

    from analysis.themes.emerging import EmergingThemes
    from survey_app import create_app

    themes = pd.DataFrame([{"theme_id": "emerging:1", "label": "staff choir", "label_terms": ["choir"],
                            "terms": ["choir", "sing"], "size": 2, "coherence": 0.4,
                            "examples": ["The staff choir stopped.", "Choir practice moved."]}])
    old = EmergingThemes(themes, pd.Series(["emerging:1", "emerging:1"], index=["c1", "c2"], name="theme_id"),
                         np.ones((1, 2)) / np.sqrt(2), ["choir", "sing"])
    buffer = io.BytesIO()
    joblib.dump(old, buffer, compress=3)  # as the code before 0023 stored it
    for url in _database_of_its_own(database_url, tmp_path, "states"):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0022")
            db.session.execute(text("INSERT INTO theme_run (organisation_id, model_version, ran_at, comments, "
                                    "themed, coded, emerging, emerging_state) VALUES ((SELECT min(id) FROM "
                                    "organisation), 'v', '2026-01-01', 2, 2, 0, 1, :s)"), {"s": buffer.getvalue()})
            db.session.commit()
            upgrade(revision="0023")
            state = db.session.execute(text("SELECT emerging_state FROM theme_run")).scalar_one()
            assert b"choir stopped" not in state
            kept = EmergingThemes.from_stored(state)
            assert kept.themes["examples"].tolist() == [[]]
            assert kept.themes["label"].tolist() == ["staff choir"] and kept.members.to_dict() == old.members.to_dict()
            assert np.allclose(kept.centroids, old.centroids) and kept.vocabulary == old.vocabulary
            db.session.remove()
            db.engine.dispose()


def test_questionnaire_versions_stored_before_get_the_digest_of_their_definition(database_url, tmp_path):
    """Migration 0024: rows stored before it get the digest the app would give their definition,
    so a page finds their parse, and two different definitions get different digests."""
    import json

    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.instruments import definition_digest

    first = {"slug": "exit", "version": 1, "title": "Leaving", "pages": [{"id": "a", "questions": []}]}
    second = {**first, "version": 2, "title": "Leaving us"}
    for url in _database_of_its_own(database_url, tmp_path, "digests"):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0023")
            for definition in (first, second):
                db.session.execute(text(
                    "INSERT INTO instrument (organisation_id, slug, version, kind, title, definition, requires_code, "
                    "is_current) VALUES ((SELECT min(id) FROM organisation), 'exit', :v, 'exit', :t, :d, false, "
                    ":current)"), {"v": definition["version"], "t": definition["title"],
                                   "d": json.dumps(definition), "current": definition is second})
            db.session.commit()
            upgrade(revision="0024")
            digests = dict(db.session.execute(text("SELECT version, definition_digest FROM instrument")).all())
            assert digests == {1: definition_digest(first), 2: definition_digest(second)}
            assert digests[1] != digests[2]
            db.session.remove()
            db.engine.dispose()
