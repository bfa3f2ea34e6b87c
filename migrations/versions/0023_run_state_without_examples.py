"""A theme run's stored state keeps no example comments: copies of people's words kept with every
run would outlive the retention purge of the comments. States stored before are rewritten without
them (on PostgreSQL their old versions stay in dead rows until the next purge's VACUUM FULL, or
one the operator runs: see docs/privacy.md).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    from analysis.themes.emerging import EmergingThemes

    conn = op.get_bind()
    runs = conn.execute(sa.text("SELECT id, emerging_state FROM theme_run WHERE emerging_state IS NOT NULL")).all()
    for run_id, state in runs:
        try:
            kept = EmergingThemes.from_stored(state).stored()
        except Exception:  # noqa: BLE001 - a state this code cannot open is no use to a later run
            kept = None  # the next run then numbers its clusters afresh; HR's decisions stay
        conn.execute(sa.text("UPDATE theme_run SET emerging_state = :state WHERE id = :id"),
                     {"state": kept, "id": run_id})


def downgrade():
    pass  # the examples are gone; the states without them serve the older code as well
