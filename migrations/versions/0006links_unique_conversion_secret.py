"""links: a campaign's conversion secret is unique (it identifies the campaign)

Revision ID: 0006links
Revises: 0001
Create Date: 2026-11-23 16:00:00.000000
"""

from __future__ import annotations

from alembic import op


revision = "0006links"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A unique INDEX, not a constraint: on SQLite a constraint would make batch mode copy and
    # drop the campaign table, and with foreign keys on, dropping it cascades to its children.
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_conversion_secret"), ["conversion_secret"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_conversion_secret"))
