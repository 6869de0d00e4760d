"""Find a format's columns by name, and read them as typed values with row errors.

Exports reorder, rename (per UI language) and re-case their columns, and add
stray BOMs, NBSPs and trailing spaces (``Total shares\\xa0``). So columns are
found by normalised name through per-format alias tables, never by position,
and every bad cell becomes a ``RowError`` naming its row, column and reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

from ..kpi import METRIC_KEYS, MONEY_KEYS
from .errors import ImportRefused, RowError
from .model import Metric
from .numbers import (
    decide_decimal_comma,
    decimal_hints,
    parse_count_column,
    parse_decimal_column,
)
from .reading import Sheet

T = TypeVar("T")
_SUMMARY = re.compile(
    r"(?:grand total|totals?|totaux?|gesamt|total of\b.*)\s*(?::.*)?", re.IGNORECASE
)


def normalise_header(cell: str) -> str:
    """Return the comparable form of a header: no BOM, single spaces, case-folded."""
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


class Columns:
    """A format's columns: each key with the header names it goes by.

    ``required`` lists groups of keys; a header must hold one key of every
    group for the format to apply.
    """

    def __init__(
        self, aliases: Mapping[str, Iterable[str]], required: Iterable[Iterable[str]] = ()
    ) -> None:
        self.aliases = {key: tuple(names) for key, names in aliases.items()}
        self._normalised = {
            key: tuple(normalise_header(n) for n in names) for key, names in self.aliases.items()
        }
        self.required = tuple(tuple(group) for group in required)

    def find(self, header: list[str]) -> dict[str, int]:
        """Map each key to its column index; the first column of a name wins."""
        positions: dict[str, int] = {}
        for i, cell in enumerate(header):
            positions.setdefault(normalise_header(cell), i)
        found = {}
        for key, names in self._normalised.items():
            for name in names:
                if name in positions:
                    found[key] = positions[name]
                    break
        return found

    def missing(self, header: list[str]) -> list[str]:
        """Name (in words the user can find in the file) each required column not found."""
        found = self.find(header)
        return [
            " or ".join(f"“{self.aliases[key][0]}”" for key in group)
            for group in self.required
            if not any(key in found for key in group)
        ]

    def score(self, header: list[str]) -> int:
        """Return how many known columns the header has, 0 when a required one is missing."""
        if self.missing(header):
            return 0
        return len(self.find(header))


def refusal(label: str, columns: Columns, sheets: list[Sheet]) -> ImportRefused:
    """Explain why no table of the upload is this format (when the user forced it)."""
    header = max((s.header for s in sheets), key=lambda h: len(columns.find(h)), default=[])
    missing = columns.missing(header)
    if len(missing) == 1:
        return ImportRefused(f"This file is not a {label}: it has no {missing[0]} column.")
    return ImportRefused(f"This file is not a {label}: it has no {', '.join(missing)} columns.")


def drop_summary_rows(sheet: Sheet, column: int = 0) -> tuple[Sheet, list[str]]:
    """Remove "Total", "Grand total" and "Total of …" rows, saying which were skipped."""
    found = {
        i
        for i, row in enumerate(sheet.rows)
        if column < len(row) and _SUMMARY.fullmatch(row[column].strip())
    }
    warnings = [
        f"Skipped the summary row “{sheet.rows[i][column].strip()}” (row {sheet.row_numbers[i]})."
        for i in sorted(found)
    ]
    return sheet.without(found), warnings


class ColumnReader:
    """Read a sheet's columns as typed values, turning every bad cell into a RowError.

    Each column is parsed in one pass (see ``numbers.parse_count_column``);
    ``bad_rows`` holds the positions of rows with at least one error, which
    produce no record.
    """

    def __init__(
        self, sheet: Sheet, found: Mapping[str, int], decimal_comma: bool | None = None
    ) -> None:
        self.sheet = sheet
        self.found = dict(found)
        self.decimal_comma = decimal_comma
        self.errors: list[RowError] = []
        self.bad_rows: set[int] = set()

    def __len__(self) -> int:
        return len(self.sheet.rows)

    def has(self, key: str) -> bool:
        return key in self.found

    def header_of(self, key: str) -> str:
        return self.sheet.header[self.found[key]]

    def infer_decimal_comma(self, keys: Iterable[str], default: bool | None = None) -> None:
        """Decide the file's decimal separator from the values of these columns."""
        inferred = decide_decimal_comma(
            hint for hints in self.decimal_hints(keys).values() for hint in hints
        )
        self.decimal_comma = default if inferred is None else inferred

    def decimal_hints(self, keys: Iterable[str]) -> dict[str, list[str]]:
        """What each of these columns says about the decimal separator (``numbers.decimal_hints``),
        in the keys' order: a table read in parts adds them up before deciding."""
        return {
            key: decimal_hints(self.sheet.column(self.found[key]))
            for key in keys
            if key in self.found
        }

    def text(self, key: str) -> list[str] | None:
        """Return a column's cells with surrounding spaces removed, or None if absent."""
        if key not in self.found:
            return None
        return list(map(str.strip, self.sheet.column(self.found[key])))

    def fail(self, position: int, key: str, reason: str) -> None:
        """Record an error for one cell (``position`` is the row's index in the sheet)."""
        index = self.found.get(key)
        value = self.sheet.rows[position][index] if index is not None else ""
        column = self.sheet.header[index] if index is not None else key
        self.errors.append(RowError(self.sheet.row_numbers[position], column, value, reason))
        self.bad_rows.add(position)

    def _collect(self, key: str, errors: Mapping[int, str]) -> None:
        for position, reason in errors.items():
            self.fail(position, key, reason)

    def counts(self, key: str, *, allow_negative: bool = False) -> list[int | None] | None:
        cells = self.text(key)
        if cells is None:
            return None
        values, errors = parse_count_column(
            cells, self.decimal_comma, allow_negative=allow_negative
        )
        self._collect(key, errors)
        return values

    def decimals(self, key: str) -> list[Decimal | None] | None:
        cells = self.text(key)
        if cells is None:
            return None
        values, errors = parse_decimal_column(cells, self.decimal_comma)
        self._collect(key, errors)
        return values

    def parsed(self, key: str, parse: Callable[[str], T | None]) -> list[T | None] | None:
        """Apply a parser that raises ValueError(reason) to every cell of a column."""
        cells = self.text(key)
        if cells is None:
            return None
        values: list[T | None] = []
        for position, cell in enumerate(cells):
            try:
                values.append(parse(cell))
            except ValueError as exc:
                values.append(None)
                self.fail(position, key, str(exc))
        return values

    def metrics(
        self, keys: Iterable[str], *, allow_negative: Iterable[str] = ()
    ) -> list[dict[str, Metric]]:
        """Return each row's metrics, holding only the keys that have a value.

        Keys are checked once per column here (canonical keys only); values are typed by
        their column's parser (counts ``int``, money ``Decimal``), so records need not
        check them again row by row.
        """
        negative = set(allow_negative)
        names: list[str] = []
        columns: list[list] = []
        for key in keys:
            if key not in METRIC_KEYS:
                raise ValueError(f"{key!r} is not a canonical metric key")
            if key in MONEY_KEYS:
                values: list | None = self.decimals(key)
            else:
                values = self.counts(key, allow_negative=key in negative)
            if values is not None:
                names.append(key)
                columns.append(values)
        if not names:
            return [{} for _ in self.sheet.rows]
        if not any(None in values for values in columns):  # every cell filled: the common case
            return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
        return [
            {key: value for key, value in zip(names, row, strict=True) if value is not None}
            for row in zip(*columns, strict=True)
        ]

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors, key=lambda e: e.row)
