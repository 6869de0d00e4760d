"""Who changed what, and when: the workspace's audit log, for admins only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from ..access import require_role
from ..db import get_session
from ..models import AuditEntry, User

bp = Blueprint("auditlog", __name__, url_prefix="/admin/audit")

PAGE_SIZE = 50
MAX_VALUE_LENGTH = 160  # long details (a bulk snapshot write) are cut on the page, kept in the DB


@dataclass
class Row:
    at: datetime
    who: str | None
    action: str
    entity: str
    entity_id: int | None
    via: str
    detail: list[tuple[str, str]]


def describe(detail: str) -> tuple[str, list[tuple[str, str]]]:
    """The channel (web or api) and the detail's entries as short "key: value" texts."""
    try:
        values = json.loads(detail) if detail else {}
    except ValueError:
        return "web", [("detail", detail[:MAX_VALUE_LENGTH])]
    if not isinstance(values, dict):
        values = {"detail": values}
    via = values.pop("via", None) or "web"
    values.pop("token", None)
    out = []
    for key, value in values.items():
        if value is None or value == [] or value == {}:
            continue
        text = _text(value)
        if len(text) > MAX_VALUE_LENGTH:
            text = text[: MAX_VALUE_LENGTH - 1] + "…"
        out.append((key, text))
    return str(via), out


def _text(value: Any) -> str:
    """A value as people read it: a dict as "key: value · key: value", without the empty keys."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " · ".join(
            f"{k}: {_text(v)}" for k, v in value.items() if v not in (None, "", [], {})
        )
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


@bp.get("")
@require_role("admin")
def index():
    """The log, newest first, filtered by kind of record and by person."""
    db = get_session()
    entity = request.args.get("entity", "")
    user_id = request.args.get("user", type=int)
    query = (
        select(AuditEntry, User.email)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.workspace_id == current_user.workspace_id)
    )
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if user_id:
        query = query.where(AuditEntry.user_id == user_id)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    found = db.exec(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    rows = []
    for entry, email in found:
        via, detail = describe(entry.detail)
        rows.append(Row(entry.at, email, entry.action, entry.entity, entry.entity_id, via, detail))
    entities = db.exec(
        select(AuditEntry.entity)
        .where(AuditEntry.workspace_id == current_user.workspace_id)
        .distinct()
        .order_by(AuditEntry.entity)
    ).all()
    people = db.exec(
        select(User.id, User.email)
        .where(User.workspace_id == current_user.workspace_id)
        .order_by(User.email)
    ).all()
    args: dict[str, Any] = {k: v for k, v in {"entity": entity, "user": user_id}.items() if v}
    return render_template(
        "audit/index.html",
        rows=rows,
        entities=entities,
        people=people,
        entity=entity,
        user_id=user_id,
        page=page,
        pages=pages,
        total=total,
        args=args,
    )
