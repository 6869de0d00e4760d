"""The audit log: who changed cost lines, snapshots, goals… and when."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from .models import AuditEntry


def record(
    session: Session,
    *,
    workspace_id: int,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            workspace_id=workspace_id,
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail or {}, default=str, ensure_ascii=False, sort_keys=True),
        )
    )
