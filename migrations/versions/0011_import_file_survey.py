"""import_file.survey: the preview's first pass, kept for the commit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_file") as batch_op:
        batch_op.add_column(sa.Column("survey", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_file") as batch_op:
        batch_op.drop_column("survey")
