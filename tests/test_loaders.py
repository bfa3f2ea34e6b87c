"""analysis reads the database into the documented frames, without the app."""

from __future__ import annotations

import pandas as pd

from analysis.loaders import COMMENT_COLUMNS, RESPONSE_COLUMNS, load_frames
from survey_app.extensions import db

from .support import complete_exit_questionnaire


def test_a_submitted_questionnaire_becomes_one_row_with_report_columns(client):
    complete_exit_questionnaire(client, equality={"eq_age": "25_34"})
    frames = load_frames(db.engine)
    assert list(frames.responses.columns[: len(RESPONSE_COLUMNS)]) == RESPONSE_COLUMNS
    [row] = frames.responses.to_dict("records")
    assert row["instrument_kind"] == "exit" and row["channel"] == "online"
    assert row["role"] == "social_worker" and row["length_of_service"] == "1_to_2"
    assert row["post_qualifying_experience"] == "2_to_5"
    assert row["leaving_reasons"] == ["caseload", "supervision"]
    assert row["rating.caseload"] == 1 and pd.isna(row["rating.training"])
    assert row["equality.age"] == "25_34"
    assert isinstance(row["period"], pd.Period) and row["period"].freqstr == "M"
    assert list(frames.comments.columns) == COMMENT_COLUMNS
    assert set(frames.comments["purpose"]) == {"reasons", "would_have_stayed", "worked_well"}
    assert set(frames.comments["response_id"]) == {row["response_id"]}


def test_the_analysis_package_never_imports_flask():
    import subprocess
    import sys

    code = ("import sys, analysis.loaders, pkgutil, importlib, analysis\n"
            "for m in pkgutil.walk_packages(analysis.__path__, 'analysis.'):\n"
            "    if m.name.endswith('__main__'): continue\n"
            "    importlib.import_module(m.name)\n"
            "assert 'flask' not in sys.modules, 'analysis imported flask'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_frames_are_read_from_one_state_of_the_database_while_submissions_are_released(app):
    # A report or theme run reads responses, comments and themes in several statements while the
    # app goes on storing: a release that commits between two of them must be read whole or not at
    # all. Read apart, its comments came without their response and were taken for focus-group
    # remarks, and counted as such.
    import sqlalchemy as sa

    from .support import add_exit_response

    add_exit_response(reasons_text="Far too much work.")
    released = []

    def release_midway(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        nonlocal seen
        seen += 1
        if seen != at or released_now:
            return
        released_now.append(True)
        with app.app_context():  # another worker, with a session and connection of its own
            released.append(add_exit_response(reasons_text="Nobody had time for supervision.").id)

    sa.event.listen(db.engine, "before_cursor_execute", release_midway)
    try:
        seen, released_now, at = 0, [], 0
        load_frames(db.engine)  # a connection's first use asks the server a few things once
        seen = 0
        load_frames(db.engine)
        statements = seen
        for at in range(1, statements + 1):
            seen, released_now = 0, []
            frames = load_frames(db.engine)
            responses = set(frames.responses["response_id"])
            answered = set(frames.comments["response_id"].dropna())
            assert answered == responses, at
            assert set(frames.comments["instrument_kind"]) == {"exit"}, at
            assert set(frames.theme_assignments["comment_id"]) <= set(frames.comments["comment_id"]), at
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", release_midway)
    assert statements >= 4 and len(released) == statements  # a release committed at every position
