"""Each staff account may carry the language its owner reads the staff pages in.

A council that offers Welsh lets every member of staff choose Welsh or English for the HR,
report, admin and account pages; empty means they have not chosen.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("language")
