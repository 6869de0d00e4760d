"""One number parser for every export: locale separators, compact suffixes, percentages.

The same figure reaches us as ``5,431``, ``14 041``, ``124.010``, ``56,54``,
``1,2 k`` or ``34,62 %``. A wrong guess silently multiplies a figure by 1000,
so the rules are explicit:

- with a suffix (``1.2K``, ``3,4 M``, ``1,2 Md``) the separator is decimal;
- without one, a single ``.`` or ``,`` followed by exactly three digits groups
  thousands (``5,431`` is 5431) unless the caller says the file uses that
  character as its decimal separator; any other single separator can only be
  decimal (``56,54``);
- spaces (plain, U+00A0, U+202F) only group thousands, in threes;
- anything else that could be read two ways, or not at all, raises
  ``ValueError`` whose message is the reason shown to the user.

Values are ``Decimal`` or ``int``, never ``float``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Literal

# Cells that mean "no value": an empty metric, never a zero.
NULL_MARKERS = frozenset({"", "-", "--", "—", "–", "undefined", "n/a", "<5"})

_SPACES = " \u00a0\u202f\u2009"
_MINUS_SIGNS = "-\u2212"  # ASCII, and the real minus sign CLDR writes for fr
_SUFFIXES = {
    "k": 10**3,
    "rb": 10**3,  # id: ribu
    "mil": 10**3,  # es/pt
    "m": 10**6,
    "mio": 10**6,
    "jt": 10**6,  # id: juta
    "md": 10**9,  # fr: milliard
    "mrd": 10**9,
    "b": 10**9,
    "bn": 10**9,
}
_SUFFIXED = re.compile(r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<suffix>[A-Za-z]+)\.?")
_SPACE_GROUPED = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+)(?:([.,])(\d+))?")
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][-+]?\d{1,3}")
_NUMERIC_CHARACTERS = re.compile(r"[\d., \u00a0\u202f\u2009]+")
_DIGITS_AND_SEPARATORS = re.compile(r"\d*[.,][\d.,]*\d|\d+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_PLAIN_DOT_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def is_null(text: str) -> bool:
    """Tell whether a cell is one of the markers exports use for "no value"."""
    return text.strip().casefold() in NULL_MARKERS


def parse_decimal(text: str, decimal_comma: bool | None = None) -> Decimal | None:
    """Read a number written in any of the export locales; None for an empty marker.

    ``decimal_comma`` is what the caller knows about the file: True when ``,``
    is its decimal separator, False when ``.`` is, None when unknown.
    """
    t = text.strip()
    if t.casefold() in NULL_MARKERS:
        return None
    if len(t) > 1 and t[0] == "'" and t[1] in "=+-@":
        t = t[1:]  # spreadsheet-safe escape (WooCommerce writes '-12.50)
    negative = t[0] in _MINUS_SIGNS
    if t[0] in _MINUS_SIGNS or t[0] == "+":
        t = t[1:].lstrip()
    if not t:
        raise ValueError("not a number")
    match = _SUFFIXED.fullmatch(t)
    value = _suffixed(match) if match else _unsuffixed(t, decimal_comma)
    return -value if negative else value


def _suffixed(match: re.Match[str]) -> Decimal:
    suffix = match["suffix"]
    factor = _SUFFIXES.get(suffix.casefold())
    if factor is None or suffix == "m":  # a lower-case m may be minutes or metres
        raise ValueError(f"unknown suffix “{suffix}” (expected K, M or B)")
    return Decimal(match["num"].replace(",", ".")) * factor


def _unsuffixed(t: str, decimal_comma: bool | None) -> Decimal:
    if t.isascii() and t.isdigit():
        return Decimal(t)
    if decimal_comma is not True and _SCIENTIFIC.fullmatch(t):
        return Decimal(t)
    if not _NUMERIC_CHARACTERS.fullmatch(t):
        raise ValueError("not a number")
    if any(c in _SPACES for c in t):
        return _space_grouped(t, decimal_comma)
    if not _DIGITS_AND_SEPARATORS.fullmatch(t):
        raise ValueError("not a number")
    separators = {c for c in t if c in ".,"}
    if len(separators) == 2:
        return _both_separators(t, decimal_comma)
    sep = separators.pop()
    if t.count(sep) > 1:
        if not re.fullmatch(rf"\d{{1,3}}(?:\{sep}\d{{3}})+", t):
            raise ValueError(f"“{sep}” must separate groups of three digits")
        if decimal_comma is not None and (sep == ",") == decimal_comma:
            raise ValueError(f"the decimal separator “{sep}” appears more than once")
        return Decimal(t.replace(sep, ""))
    integer, fraction = t.split(sep)
    could_group = len(fraction) == 3 and 1 <= len(integer) <= 3 and integer[0] != "0"
    if decimal_comma is None:
        is_decimal = not could_group
    else:
        is_decimal = (sep == ",") == decimal_comma
        if not is_decimal and not could_group:
            raise ValueError(
                f"“{sep}” groups thousands in this file but is not followed by three digits"
            )
    return Decimal(f"{integer or 0}.{fraction}") if is_decimal else Decimal(integer + fraction)


def _space_grouped(t: str, decimal_comma: bool | None) -> Decimal:
    match = _SPACE_GROUPED.fullmatch(t)
    if not match:
        raise ValueError("spaces must separate groups of three digits")
    integer, sep, fraction = match.groups()
    integer = "".join(c for c in integer if c.isdigit())
    if not sep:
        return Decimal(integer)
    if decimal_comma is not None and (sep == ",") != decimal_comma:
        raise ValueError(f"“{sep}” is not the decimal separator of this file")
    return Decimal(f"{integer}.{fraction}")


def _both_separators(t: str, decimal_comma: bool | None) -> Decimal:
    decimal_sep = t[max(t.rfind("."), t.rfind(","))]
    group_sep = "," if decimal_sep == "." else "."
    match = re.fullmatch(rf"(\d{{1,3}}(?:\{group_sep}\d{{3}})+)\{decimal_sep}(\d+)", t)
    if not match:
        raise ValueError("thousands and decimal separators are mixed up")
    if decimal_comma is not None and (decimal_sep == ",") != decimal_comma:
        raise ValueError(f"“{decimal_sep}” is not the decimal separator of this file")
    return Decimal(f"{match[1].replace(group_sep, '')}.{match[2]}")


def parse_count(
    text: str, decimal_comma: bool | None = None, *, allow_negative: bool = False
) -> int | None:
    """Read a count: a whole number, non-negative unless the caller allows otherwise."""
    value = parse_decimal(text, decimal_comma)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueError("a count must be a whole number")
    if value < 0 and not allow_negative:
        raise ValueError("a count cannot be negative")
    return int(value)


def parse_percent(
    text: str,
    decimal_comma: bool | None = None,
    *,
    bare: Literal["fraction", "percent"] | None = None,
) -> Decimal | None:
    """Read ``12.5%`` or ``34,62 %`` as a fraction (0.125).

    A number without ``%`` is refused unless the caller knows what the column
    holds: ``bare="fraction"`` (GA4 writes 0.6667) or ``bare="percent"``
    (YouTube's "… (%)" columns write 4.5).
    """
    t = text.strip()
    if t.endswith("%"):
        value = parse_decimal(t[:-1], decimal_comma)
        return None if value is None else value / 100
    if t.casefold() in NULL_MARKERS:
        return None
    if bare is None:
        raise ValueError("expected a percentage such as 12.5%")
    value = parse_decimal(t, decimal_comma)
    if value is None or bare == "fraction":
        return value
    return value / 100


def parse_currency(text: str) -> str | None:
    """Read an ISO 4217 code (``EUR``); exports write it apart from the amounts."""
    code = text.strip().upper()
    if code.casefold() in NULL_MARKERS:
        return None
    if not _CURRENCY.fullmatch(code):
        raise ValueError("not an ISO currency code such as EUR")
    return code


def infer_decimal_comma(values: Iterable[str], *, sample: int = 1000) -> bool | None:
    """Look at a file's numbers and say whether its decimal separator is a comma.

    True or False when values can only be read one way (``56,54``, ``0.5``,
    ``1.234,5``, ``1,2 k``); None when nothing tells, or the values disagree.
    Only the first ``sample`` values that tell are looked at: a later value
    that disagrees fails to parse and becomes a row error, never a wrong figure.
    """
    return decide_decimal_comma(_hints(values), sample=sample)


def decimal_hints(values: Sequence[str], limit: int = 1000) -> list[str]:
    """The separators ("," or ".") that the first ``limit`` telling values show, in order.

    A file read in parts keeps these per column, then decides once with
    ``decide_decimal_comma``, exactly as ``infer_decimal_comma`` over the whole columns.
    """
    joined = "".join(values)
    if not joined or (joined.isascii() and joined.isdigit()):
        return []  # plain digits and empty cells never tell (nearly every column)
    return list(itertools.islice(_hints(values), limit))


def decide_decimal_comma(hints: Iterable[str], *, sample: int = 1000) -> bool | None:
    """Decide from the hints of ``decimal_hints`` (in the columns' order)."""
    comma = dot = False
    for telling, hint in enumerate(hints, start=1):
        comma |= hint == ","
        dot |= hint == "."
        if comma and dot:
            return None
        if telling >= sample:
            break
    return True if comma else False if dot else None


def _hints(values: Iterable[str]) -> Iterator[str]:
    for value in values:
        if value.isascii() and value.isdigit():
            continue
        hint = _decimal_hint(value)
        if hint is not None:
            yield hint


def _decimal_hint(value: str) -> str | None:
    t = value.strip().rstrip("%").strip().lstrip("+" + _MINUS_SIGNS)
    match = _SUFFIXED.fullmatch(t)
    if match:
        return "," if "," in match["num"] else "." if "." in match["num"] else None
    t = "".join(c for c in t if c not in _SPACES)
    if not _DIGITS_AND_SEPARATORS.fullmatch(t):
        return None
    last = max(t.rfind("."), t.rfind(","))
    if last < 0:
        return None
    sep = t[last]
    if t.count(sep) > 1:  # a repeated separator groups, so the other one is decimal
        return "," if sep == "." else "."
    if ("," if sep == "." else ".") in t:
        return sep
    integer, fraction = t.split(sep)
    could_group = len(fraction) == 3 and 1 <= len(integer) <= 3 and integer[0] != "0"
    return None if could_group else sep


def parse_count_column(
    values: Sequence[str], decimal_comma: bool | None = None, *, allow_negative: bool = False
) -> tuple[list[int | None], dict[int, str]]:
    """Parse a whole column of counts; return the values and {index: reason} for bad cells.

    Plain digit strings, nearly every cell of a real export, are converted in
    one C-level pass; only the others go through the full parser.
    """
    joined = "".join(values)
    if joined.isascii() and joined.isdigit() and all(values):
        return list(map(int, values)), {}  # every cell plain digits: the common case
    out: list[int | None] = [int(v) if v.isascii() and v.isdigit() else None for v in values]
    errors: dict[int, str] = {}
    for i, v in enumerate(values):
        if out[i] is None and v:
            try:
                out[i] = parse_count(v, decimal_comma, allow_negative=allow_negative)
            except ValueError as exc:
                errors[i] = str(exc)
    return out, errors


def parse_decimal_column(
    values: Sequence[str], decimal_comma: bool | None = None
) -> tuple[list[Decimal | None], dict[int, str]]:
    """Parse a whole column of decimals; return the values and {index: reason} for bad cells."""
    plain = _PLAIN_DOT_DECIMAL.fullmatch if decimal_comma is False else None
    out: list[Decimal | None] = [
        Decimal(v) if (v.isascii() and v.isdigit()) or (plain and plain(v)) else None
        for v in values
    ]
    errors: dict[int, str] = {}
    for i, v in enumerate(values):
        if out[i] is None and v:
            try:
                out[i] = parse_decimal(v, decimal_comma)
            except ValueError as exc:
                errors[i] = str(exc)
    return out, errors
