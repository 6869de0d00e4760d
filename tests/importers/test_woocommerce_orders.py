from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tracker.importers.registry import parse_file

HEADER = ["Date", "Order #", "Status", "Customer", "Customer type", "Payment method",
          "Product(s)", "Items sold", "Coupon(s)", "Net sales", "Attribution"]  # fmt: skip
ROWS = [
    # Newest first, as WooCommerce sorts by default: a refund row comes before its order.
    ["2026-03-22 09:00:00", "1302", "completed", "Inès B", "new", "Stripe", "", "0", "", "'-10.00", "Direct"],
    ["2026-03-21 18:30:00", "1305", "on-hold", "Sarah D", "new", "BACS", "1× Brume", "1", "", "19.00", "Direct"],
    ["2026-03-20 11:00:00", "1304", "failed", "Sarah D", "new", "Stripe", "1× Brume", "1", "", "19.00", "Direct"],
    ["2026-03-19 10:00:00", "1303", "refunded", "Julie P", "new", "Stripe", "", "0", "", "'-38.05", "Direct"],
    ["2026-03-18 10:00:00", "1303", "refunded", "Julie P", "new", "Stripe", "1× Crème", "1", "LEA15", "38.05", "Direct"],
    ["2026-03-15 12:00:00", "1302", "completed", "Inès B", "new", "Stripe", "1× Sérum", "1", "lea15", "33.15", "Source: TikTok"],
    ["2026-03-14 19:20:09", "1301", "processing", "Noah F", "returning", "PayPal", "2× Sérum, 1× Brume", "3", "NOAH10", "82.80", "Direct"],
    ["2026-03-12T21:14:03", "1300", "completed", "Camille M", "new", "Stripe", "1× Sérum", "1", "lea15, bienvenue10", "49.30", "Direct"],
]  # fmt: skip


def test_orders_export_with_refund_rows_netted_and_unpaid_orders_left_out(make_csv) -> None:
    result = parse_file(make_csv([HEADER, *ROWS], bom=True), "orders.csv")
    assert result.format == "woocommerce_orders"
    assert result.rows_read == 8
    assert result.row_errors == []
    orders = {o.order_id: o for o in result.orders}
    assert sorted(orders) == ["1300", "1301", "1302"]
    assert orders["1300"].promo_codes == ["LEA15", "BIENVENUE10"]
    assert orders["1300"].amount == Decimal("49.30")
    assert orders["1300"].occurred_at == datetime(2026, 3, 12, 21, 14, 3)
    assert orders["1300"].currency is None
    assert orders["1302"].amount == Decimal("23.15")  # 33.15 less the 10.00 refund row
    assert orders["1302"].occurred_at == datetime(2026, 3, 15, 12, 0)  # the order, not its refund
    assert orders["1302"].promo_codes == ["LEA15"]
    assert orders["1302"].source_row == 7
    assert (
        "Left out 3 order(s) that kept no money: 1305 (on-hold), 1304 (failed), 1303 (refunded)."
        in result.warnings
    )
    assert (
        "WooCommerce does not export the currency: amounts are in the store currency."
        in result.warnings
    )
    assert result.revenue_currency is None
    assert (result.period_start, result.period_end) == (date(2026, 3, 12), date(2026, 3, 22))


def test_french_headers_semicolons_and_decimal_commas(make_csv) -> None:
    rows = [
        ["Date", "Commande #", "Statut", "Code(s) promo", "Ventes nettes"],
        ["2026-03-13 08:03:11", "1400", "Terminée", "LEA15", "1 058,65"],
        ["2026-03-14 08:03:11", "1401", "Remboursée", "", "20,00"],
    ]
    result = parse_file(make_csv(rows, delimiter=";", encoding="cp1252"), "commandes.csv")
    (order,) = result.orders
    assert order.amount == Decimal("1058.65")
    assert order.status == "terminée"


def test_missing_net_sales_is_a_row_error(make_csv) -> None:
    rows = [HEADER, ["2026-03-12 21:14:03", "1300", "completed", "", "", "", "", "1", "", "", ""]]
    result = parse_file(make_csv(rows), "orders.csv")
    assert result.orders == []
    assert [(e.row, e.column, e.reason) for e in result.row_errors] == [
        (2, "Net sales", "an order needs its net sales")
    ]
