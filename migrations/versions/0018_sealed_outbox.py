"""Outbox addresses and bodies are stored sealed with a key derived from the app's secret, so the
column for an address holds text longer than an address.

Rows already queued stay readable as they are until the next sending run seals them in place
(survey_app.mail.seal_plain_rows); each is erased once sent.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("to_address", existing_type=sa.String(320), type_=sa.Text(), existing_nullable=False)


def downgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("to_address", existing_type=sa.Text(), type_=sa.String(320), existing_nullable=False)
