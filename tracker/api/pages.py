"""Pagination of list endpoints: limit/offset in, items and the total count out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import select

from ..db import get_session
from .schemas.common import ListQuery, Page

P = TypeVar("P", bound=Page)


def paginate(query: Any, params: ListQuery, page: type[P], to_item: Callable[[Any], Any]) -> P:
    """One page of `query` (already ordered), with the total before paging."""
    db = get_session()
    total = db.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    rows = db.exec(query.limit(params.limit).offset(params.offset)).all()
    return page(
        items=[to_item(row) for row in rows], total=total, limit=params.limit, offset=params.offset
    )
