"""Action notes name the theme they address; a draft report offers them for "You said, we did".

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_note") as batch:
        batch.add_column(sa.Column("theme_id", sa.String(80), nullable=True))
    op.create_table(
        "report_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("note_id", sa.String(length=36), nullable=True),
        sa.Column("theme_id", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_report_action_report_id_report"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["note_id"], ["action_note.id"], name=op.f("fk_report_action_note_id_action_note"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_action")),
    )
    with op.batch_alter_table("report_action") as batch:
        batch.create_index(batch.f("ix_report_action_report_id"), ["report_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_action") as batch:
        batch.drop_index(batch.f("ix_report_action_report_id"))
    op.drop_table("report_action")
    with op.batch_alter_table("action_note") as batch:
        batch.drop_column("theme_id")
