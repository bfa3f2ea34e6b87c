"""Headcounts carry HR's own count of leavers in the quarter.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("headcount") as batch_op:
        batch_op.add_column(sa.Column("leavers", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("headcount") as batch_op:
        batch_op.drop_column("leavers")
