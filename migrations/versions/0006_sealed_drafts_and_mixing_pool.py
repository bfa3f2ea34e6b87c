"""Sealed drafts and the mixing pool.

Answers in progress are now encrypted with a key the respondent's browser holds (``sealed``),
with the invitation code's hash inside them rather than in a column of its own. Sent
questionnaires wait, sealed with a key derived from the app's secret, in ``submission_pool``
until they are released as responses in batches, in random order.

Drafts are answers in progress, never acknowledged submissions: the upgrade deletes any that
exist (a person part-way through starts again) because their plaintext cannot be sealed with a
key the server never had.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM draft_answers")
    with op.batch_alter_table("draft_answers") as batch_op:
        batch_op.drop_column("data")
        batch_op.drop_column("code_hash")
        batch_op.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=False))
    op.create_table(
        "submission_pool",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_submission_pool_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_pool")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("submission_pool") as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_pool_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    op.drop_table("submission_pool")
    op.execute("DELETE FROM draft_answers")
    with op.batch_alter_table("draft_answers") as batch_op:
        batch_op.drop_column("sealed")
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
