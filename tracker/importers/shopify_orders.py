"""Shopify admin orders export (one line per line item).

Order-level columns are filled on an order's first line only, so lines are
grouped by ``Name`` and only that first line is read; ``Total`` is never
summed over lines. What counts as revenue, written down in
docs/import-formats.md:

- the amount is ``Total`` (what the customer paid: VAT, shipping and
  discounts included) minus ``Refunded Amount``;
- refunded, voided, pending, authorized and expired orders, cancelled orders,
  and orders refunded down to nothing are left out (no money was kept);
- discount codes compare case-insensitively, so they are upper-cased.
"""

from __future__ import annotations

from decimal import Decimal

from . import dates
from .columns import ColumnReader, Columns, refusal
from .model import OrderRecord, ParseResult, promo_codes, single_currency
from .numbers import parse_currency
from .reading import Sheet

NAME = "shopify_orders"
LABEL = "Shopify orders export"

COLUMNS = Columns(
    {
        "name": ("Name",),
        "financial_status": ("Financial Status",),
        "currency": ("Currency",),
        "total": ("Total",),
        "refunded": ("Refunded Amount",),
        "discount_code": ("Discount Code",),
        "created_at": ("Created at",),
        "cancelled_at": ("Cancelled at",),
        "subtotal": ("Subtotal",),
        "lineitem_name": ("Lineitem name",),
        "lineitem_quantity": ("Lineitem quantity",),
    },
    required=[("name",), ("total",), ("financial_status",), ("lineitem_name", "discount_code")],
)
EXCLUDED_STATUSES = frozenset({"refunded", "voided", "pending", "authorized", "expired"})


def detect(header: list[str]) -> int:
    return COLUMNS.score(header)


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if COLUMNS.score(sheet.header)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    for sheet in matching:
        _parse_sheet(sheet, result)
    result.revenue_currency = single_currency([o.currency for o in result.orders])
    return result


def _order_lines(sheet: Sheet, found: dict[str, int]) -> tuple[set[int], list[int]]:
    """Return (positions of each order's first line, positions of orphan lines)."""
    name, status, total = found["name"], found["financial_status"], found["total"]
    first_lines: set[int] = set()
    seen: set[str] = set()
    orphans = []
    for i, row in enumerate(sheet.rows):
        order = row[name].strip()
        if row[status].strip() or row[total].strip():
            first_lines.add(i)
            seen.add(order)
        elif order not in seen:
            orphans.append(i)
    return first_lines, orphans


def _parse_sheet(sheet: Sheet, result: ParseResult) -> None:
    found = COLUMNS.find(sheet.header)
    first_lines, orphans = _order_lines(sheet, found)
    whole = ColumnReader(sheet, found)
    for i in orphans:
        whole.fail(
            i, "total", "a line item comes before its order's first line, which holds the total"
        )
    orders = sheet.without(set(range(len(sheet.rows))) - first_lines)
    reader = ColumnReader(orders, found)
    reader.infer_decimal_comma(("total", "refunded", "subtotal"), False)
    names = reader.text("name") or []
    statuses = [s.casefold() for s in reader.text("financial_status") or []]
    totals = reader.decimals("total") or []
    refunds = reader.decimals("refunded") or [None] * len(reader)
    currencies = reader.parsed("currency", parse_currency) or [None] * len(reader)
    created = reader.parsed("created_at", lambda t: dates.parse_datetime(t, day_first=False))
    cancelled = reader.text("cancelled_at") or [""] * len(reader)
    codes = reader.text("discount_code") or [""] * len(reader)
    left_out: list[str] = []
    seen: set[str] = set()
    for i, order_id in enumerate(names):
        if not order_id:
            reader.fail(i, "name", "an order line needs its order name (#1001)")
        elif order_id in seen:
            reader.fail(i, "name", "this order appears twice with its totals filled in")
        seen.add(order_id)
        if totals[i] is None and i not in reader.bad_rows:
            reader.fail(i, "total", "an order needs its total")
        if i in reader.bad_rows:
            continue
        amount = totals[i] - (refunds[i] or Decimal(0))  # type: ignore[operator]
        why = _left_out_because(statuses[i], bool(cancelled[i]), amount)
        if why:
            left_out.append(f"{order_id} ({why})")
            continue
        result.records.append(
            OrderRecord(
                order_id=order_id,
                occurred_at=created[i] if created else None,
                amount=amount,
                currency=currencies[i],
                promo_codes=promo_codes(codes[i]),
                status=statuses[i],
                source_row=orders.row_numbers[i],
            )
        )
    result.note_orders_left_out(left_out)
    result.include_period(moment.date() for moment in created or () if moment)
    result.rows_read += len(sheet.rows)
    result.row_errors += sorted(whole.errors + reader.errors, key=lambda e: e.row)


def _left_out_because(status: str, cancelled: bool, amount: Decimal) -> str | None:
    if cancelled:
        return "cancelled"
    if status in EXCLUDED_STATUSES:
        return status
    if amount <= 0:
        return "refunded in full"
    return None
