"""Scheduled jobs run by ``flask worker``: last run and a lease so one worker runs each.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduled_job",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_started", sa.DateTime(), nullable=True),
        sa.Column("last_finished", sa.DateTime(), nullable=True),
        sa.Column("last_status", sa.String(16), nullable=True),
        sa.Column("last_outcome", sa.Text(), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
    )


def downgrade():
    op.drop_table("scheduled_job")
