"""A follow-up request keeps the digest of the random token its form carried, so one form sent
twice is stored once.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("follow_up_request") as batch_op:
        batch_op.add_column(sa.Column("sending", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_follow_up_request_sending"), ["sending"])


def downgrade():
    with op.batch_alter_table("follow_up_request") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_follow_up_request_sending"), type_="unique")
        batch_op.drop_column("sending")
