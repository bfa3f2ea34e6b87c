"""A report keeps its editions in the council's other languages, built with it from the same answers.

Where a council offers Welsh, a draft's Welsh edition is built with the English one (same answers,
same figures) and kept beside it, so that HR reads it at once and publishing does not build it
again from answers that may have changed since the draft.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report") as batch_op:
        batch_op.add_column(sa.Column("editions", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("report") as batch_op:
        batch_op.drop_column("editions")
