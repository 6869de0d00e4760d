"""What an import can say went wrong: a whole file refused, or one bad cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ImportRefused(ValueError):
    """The whole file is refused; ``str(exc)`` is the message shown to the user."""


class AmbiguousFormat(ImportRefused):
    """Several formats fit the file equally well, so the user must pick one."""

    def __init__(self, message: str, candidates: Sequence[str]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


@dataclass(frozen=True)
class RowError:
    """One cell the importer could not read.

    ``row`` is the line number the user sees in a text editor (or the row
    number in Excel), so the message can send them straight to the cell.
    """

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}, column “{self.column}”: {self.reason} (found “{self.value}”)."
