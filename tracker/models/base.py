"""Shared column types and the metadata naming convention every model relies on."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Integer, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

# Set before any model is declared so Alembic autogenerate names constraints the same way
# on every database (and batch ALTERs on SQLite can find them).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLATFORMS = ("tiktok", "instagram", "youtube")

# 64-bit keys for the big tables; SQLite only auto-numbers a column declared INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Now, timezone-aware in UTC: SQLModel stores aware datetimes and returns them in UTC."""
    return datetime.now(UTC)


class ExactDecimal(TypeDecorator):
    """Exact decimal: NUMERIC on PostgreSQL, text on SQLite (whose NUMERIC is a binary float)."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 4) -> None:
        super().__init__()
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money and rates must be Decimal or int, never float")
        value = Decimal(value).quantize(Decimal(1).scaleb(-self.scale))
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)) if not isinstance(value, Decimal) else value

    def __repr__(self) -> str:
        # Alembic renders column types with repr(); keep precision and scale in migrations.
        return f"ExactDecimal(precision={self.precision}, scale={self.scale})"

    @property
    def python_type(self) -> type:
        return Decimal


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """CHECK that a text column holds one of the allowed values (portable, unlike ENUM)."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


def currency_check(column: str, name: str, nullable: bool = False) -> CheckConstraint:
    """CHECK three upper-case ASCII letters (full ISO 4217 validation happens in forms and API)."""
    letters = " AND ".join(f"substr({column}, {i}, 1) BETWEEN 'A' AND 'Z'" for i in (1, 2, 3))
    rule = f"length({column}) = 3 AND upper({column}) = {column} AND {letters}"
    if nullable:
        rule = f"{column} IS NULL OR ({rule})"
    return CheckConstraint(rule, name=name)


def non_negative(column: str, money: bool = False) -> CheckConstraint:
    expr = f"CAST({column} AS NUMERIC)" if money else column
    return CheckConstraint(f"{column} IS NULL OR {expr} >= 0", name=f"{column}_non_negative")
