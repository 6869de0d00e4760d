"""CSV and XLSX files from plain tables: figures rounded as on the pages, text made safe.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some
read a leading tab or carriage return the same way), so every text cell that
does is prefixed with an apostrophe. Numbers are written from the exact values
analytics computed, rounded half-even exactly as ``formatting`` rounds them
for the pages, so an exported figure equals the one on the screen:

- CSV is UTF-8 with a byte-order mark (Excel then reads accents right), in the
  conventions Excel expects for the interface language: comma and decimal
  point in English, semicolon and decimal comma in French. Percentages are
  written as percent numbers (3.06 under a "(%)" header).
- XLSX keeps numbers as numbers: money as exact decimals to the cent with a
  number format, percentages as fractions formatted ``0.00%``, dates as dates.

An undefined figure (shown as "—" on the pages) is an empty cell, so a column
of numbers stays summable.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 cannot hold (openpyxl refuses them); tab, LF and CR are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Decimal places each kind of figure is shown with (KPI.md "Rounding"); percentages are
# rounded as fractions, so 4 places of the fraction are 2 places of the percentage.
PLACES = {"money": 2, "money4": 4, "percent": 4, "ratio": 1}
XLSX_FORMATS = {
    "int": "#,##0",
    "money": "#,##0.00",
    "money4": "#,##0.0000",
    "percent": "0.00%",
    "ratio": '0.0":1"',
    "decimal": "#,##0.00##",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}
KINDS = ("text", *XLSX_FORMATS)
CSV_DIALECTS = {"en": (",", "."), "fr": (";", ",")}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    """One column: its header, what kind of value it holds, and its unit (a currency, "%")."""

    header: str
    kind: str = "text"
    unit: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; expected one of {KINDS}")

    @property
    def title(self) -> str:
        unit = "%" if self.kind == "percent" and self.unit is None else self.unit
        return f"{self.header} ({unit})" if unit else self.header


@dataclass(frozen=True)
class Table:
    """A sheet: a name, its columns and its rows of raw values (Decimal, int, date, str, None)."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]


def neutralise(text: str) -> str:
    """Drop control characters, then prefix text a spreadsheet would run with an apostrophe."""
    text = _CONTROL.sub("", text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def rounded(value: Any, kind: str) -> Any:
    """The value as the pages show it: rounded half-even, never a float; None stays None."""
    if value is None:
        return None
    if kind == "text":
        return neutralise(str(value))
    if isinstance(value, float):
        raise TypeError(f"exports take Decimal or int, never float: {value!r}")
    if kind == "int":
        return int(value)
    if kind in PLACES:
        exact = Decimal(value).quantize(Decimal(1).scaleb(-PLACES[kind]), rounding=ROUND_HALF_EVEN)
        return abs(exact) if exact == 0 else exact  # no "-0.00"
    if kind == "datetime" and isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _csv_cell(value: Any, kind: str, decimal_mark: str) -> str:
    value = rounded(value, kind)
    if value is None:
        return ""
    if kind == "percent":
        value = value.scaleb(2)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_mark)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(table: Table, locale: str = "en") -> bytes:
    """The table as CSV in the conventions of the interface language, UTF-8 with a BOM."""
    delimiter, decimal_mark = CSV_DIALECTS.get(locale, CSV_DIALECTS["en"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(c.title) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [_csv_cell(v, c.kind, decimal_mark) for v, c in zip(row, table.columns, strict=True)]
        )
    return buffer.getvalue().encode("utf-8-sig")


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str) -> str:
    return _SHEET_FORBIDDEN.sub(" ", name).strip()[:31] or "Sheet"


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """The tables as an XLSX workbook, one sheet each, numbers kept as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.name))
        sheet.append([neutralise(c.title) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(c.title) for c in table.columns]
        for row in table.rows:
            values = [rounded(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
            sheet.append(values)
            for i, value in enumerate(values):
                widths[i] = max(widths[i], len(str(value)) if value is not None else 0)
        for i, column in enumerate(table.columns, start=1):
            letter = get_column_letter(i)
            if column.kind != "text":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = XLSX_FORMATS[column.kind]
            sheet.column_dimensions[letter].width = min(max(widths[i - 1] + 2, 8), 48)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
