"""Each questionnaire version keeps a digest of its definition, so that a request finds the parsed
definition by it without reading and decoding the definition's JSON (every respondent page and
every sending did). Rows stored before get theirs here.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    from survey_app.instruments import definition_digest

    with op.batch_alter_table("instrument") as batch:
        batch.add_column(sa.Column("definition_digest", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    for row_id, definition in conn.execute(sa.text("SELECT id, definition FROM instrument")).all():
        data = json.loads(definition) if isinstance(definition, str) else definition
        conn.execute(sa.text("UPDATE instrument SET definition_digest = :digest WHERE id = :id"),
                     {"digest": definition_digest(data), "id": row_id})


def downgrade():
    with op.batch_alter_table("instrument") as batch:
        batch.drop_column("definition_digest")
