"""One counter that every committed write moves (tracker/data_version.py).

A cached page stores the counter it was computed at; a different counter means some
figure may have changed, so the page is computed again.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"

    id: int | None = Field(default=None, primary_key=True)  # one row: id 1
    n: int = Field(default=0, sa_type=BigInteger)
