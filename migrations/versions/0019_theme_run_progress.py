"""A scheduled job can be asked to run now, and reports its progress while it runs.

HR saving a theme's phrases asks for the themes to be run again; the run happens in the
background and its page shows the step it has reached.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("scheduled_job") as batch_op:
        batch_op.add_column(sa.Column("requested_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("progress_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("progress_steps", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("progress_text", sa.String(200), nullable=True))


def downgrade():
    with op.batch_alter_table("scheduled_job") as batch_op:
        batch_op.drop_column("progress_text")
        batch_op.drop_column("progress_steps")
        batch_op.drop_column("progress_step")
        batch_op.drop_column("requested_at")
