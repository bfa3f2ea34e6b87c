"""Published reports keep the files they were published as.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE",
                                name=op.f("fk_report_file_report_id_report")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
        sa.UniqueConstraint("report_id", "format", name=op.f("uq_report_file_report_id_format")),
    )
    with op.batch_alter_table("report_file") as batch_op:
        batch_op.create_index(batch_op.f("ix_report_file_report_id"), ["report_id"], unique=False)


def downgrade():
    op.drop_table("report_file")
