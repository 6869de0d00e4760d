"""WooCommerce Analytics → Orders → Download (one row per order, headers translated).

Choices, written down in docs/import-formats.md:

- the amount is ``Net sales`` (what WooCommerce reports: after discounts and
  refunds, before shipping and tax), so it is not comparable with a Shopify
  ``Total``; a refund listed as its own negative row under the same order
  number is netted against the order;
- refunded, cancelled, failed, pending and on-hold orders, and orders netted
  down to nothing, are left out;
- the export has no currency column: amounts are in the store currency, which
  the caller must supply.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from . import dates
from .columns import ColumnReader, Columns, refusal
from .model import OrderRecord, ParseResult, promo_codes
from .reading import Sheet

NAME = "woocommerce_orders"
LABEL = "WooCommerce Analytics orders export"

COLUMNS = Columns(
    {
        "date": ("Date", "Fecha", "Datum"),
        "order": ("Order #", "Commande #", "N° de commande", "Pedido #", "Bestellung #"),
        "status": ("Status", "État", "Statut", "Estado"),
        "coupons": ("Coupon(s)", "Code(s) promo", "Cupón(es)", "Gutschein(e)"),
        "net_sales": ("Net sales", "Ventes nettes", "Ventas netas", "Nettoumsatz"),
        "customer_type": ("Customer type", "Type de client"),
        "items_sold": ("Items sold", "Articles vendus"),
        "products": ("Product(s)", "Produit(s)"),
        "attribution": ("Attribution",),
    },
    required=[("order",), ("net_sales",), ("date",)],
)
EXCLUDED_STATUSES = frozenset(
    {
        "refunded", "remboursée", "remboursé", "cancelled", "annulée", "annulé", "failed",
        "échouée", "échoué", "pending", "pending payment", "attente paiement",
        "en attente de paiement", "on-hold", "on hold", "en attente", "checkout-draft",
        "draft", "trash",
    }
)  # fmt: skip


def detect(header: list[str]) -> int:
    return COLUMNS.score(header)


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if COLUMNS.score(sheet.header)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    for sheet in matching:
        _parse_sheet(sheet, result)
    result.warnings.append(
        "WooCommerce does not export the currency: amounts are in the store currency."
    )
    return result


def _unescape(cell: str) -> str:
    """Undo WooCommerce's spreadsheet-safe prefix: it writes '=… for cells starting = + - @."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@" else cell


def _parse_sheet(sheet: Sheet, result: ParseResult) -> None:
    reader = ColumnReader(sheet, COLUMNS.find(sheet.header))
    reader.infer_decimal_comma(("net_sales",))
    cells = reader.text("date") or []
    day_first = dates.infer_day_first(cells)
    moments = reader.parsed("date", lambda t: dates.parse_datetime(t, day_first=day_first)) or []
    net_sales = reader.decimals("net_sales") or []
    orders = [_unescape(c) for c in reader.text("order") or []]
    statuses = [_unescape(c).casefold().removeprefix("wc-") for c in reader.text("status") or []]
    coupons = [_unescape(c) for c in reader.text("coupons") or []]
    rows_of: dict[str, list[int]] = defaultdict(list)
    for i, order in enumerate(orders):
        if not order:
            reader.fail(i, "order", "a row needs its order number")
        elif net_sales[i] is None and i not in reader.bad_rows:
            reader.fail(i, "net_sales", "an order needs its net sales")
        else:
            rows_of[order].append(i)
    left_out = []
    for order, rows in rows_of.items():
        if any(i in reader.bad_rows for i in rows):
            continue
        main = max(rows, key=lambda i: net_sales[i])  # type: ignore[arg-type,return-value]
        amount = sum((net_sales[i] for i in rows), Decimal(0))  # type: ignore[misc]
        status = statuses[main] if statuses else ""
        if status in EXCLUDED_STATUSES or amount <= 0:
            left_out.append(f"{order} ({status if status in EXCLUDED_STATUSES else 'refunded'})")
            continue
        when = [moments[i] for i in rows if moments and moments[i]]
        result.records.append(
            OrderRecord(
                order_id=order,
                occurred_at=min(when) if when else None,
                amount=amount,
                currency=None,
                promo_codes=promo_codes(coupons[main]) if coupons else [],
                status=status,
                source_row=sheet.row_numbers[main],
            )
        )
    result.note_orders_left_out(left_out)
    result.include_period(moment.date() for moment in moments if moment)
    result.rows_read += len(reader)
    result.row_errors += reader.sorted_errors()
