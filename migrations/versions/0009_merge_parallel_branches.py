"""merge parallel branches

Revision ID: 0009
Revises: 0005api, 0006links, 0007jobs, 0008imports
Create Date: 2026-11-23 17:48:25.050908
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tracker.models.base


revision = '0009'
down_revision = ('0005api', '0006links', '0007jobs', '0008imports')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
