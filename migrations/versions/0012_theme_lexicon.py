"""HR's versions of each theme's phrase list.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "theme_lexicon",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("theme_id", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("phrases", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.UniqueConstraint("organisation_id", "theme_id", "version"),
    )
    op.create_index("ix_theme_lexicon_organisation_id", "theme_lexicon", ["organisation_id"])


def downgrade():
    op.drop_index("ix_theme_lexicon_organisation_id", "theme_lexicon")
    op.drop_table("theme_lexicon")
