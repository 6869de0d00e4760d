from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tracker.importers.registry import parse_file


@pytest.fixture
def shopify(sample):
    return parse_file(sample("shopify_orders.csv"), "orders_export.csv")


def orders_by_id(result):
    return {o.order_id: o for o in result.orders}


def test_sample_gives_one_order_per_name_never_summing_line_totals(shopify) -> None:
    assert shopify.format == "shopify_orders"
    assert shopify.rows_read == 16  # line items
    assert shopify.row_errors == []
    orders = orders_by_id(shopify)
    assert sorted(orders) == [f"#{n}" for n in range(1284, 1296) if n != 1289]
    # #1288 has three lines; its total is on the first only.
    assert orders["#1288"].amount == Decimal("82.80")
    assert orders["#1288"].promo_codes == ["NOAH10"]
    assert orders["#1288"].source_row == 7


def test_sample_first_order_hand_checked(shopify) -> None:
    first = orders_by_id(shopify)["#1284"]
    assert first.amount == Decimal("49.30")
    assert first.currency == "EUR"
    assert first.promo_codes == ["LEA15"]
    assert first.status == "paid"
    assert first.occurred_at == datetime(
        2026, 3, 12, 21, 14, 3, tzinfo=timezone(timedelta(hours=1))
    )
    assert first.source_row == 2


def test_discount_codes_compare_case_insensitively(shopify) -> None:
    orders = orders_by_id(shopify)
    assert orders["#1286"].promo_codes == ["LEA15"]  # written "lea15"
    assert orders["#1287"].promo_codes == []
    lea = sum(o.amount for o in shopify.orders if "LEA15" in o.promo_codes)
    assert lea == Decimal("253.95")


def test_refunded_orders_are_left_out_and_partial_refunds_counted_net(shopify) -> None:
    orders = orders_by_id(shopify)
    assert "#1289" not in orders
    assert orders["#1294"].amount == Decimal("4.90")  # 38.05 total - 33.15 refunded
    assert orders["#1294"].status == "partially_refunded"
    assert shopify.warnings == ["Left out 1 order(s) that kept no money: #1289 (refunded)."]


def test_period_and_currency_come_from_the_orders(shopify) -> None:
    assert shopify.revenue_currency == "EUR"
    assert (shopify.period_start, shopify.period_end) == (date(2026, 3, 12), date(2026, 3, 31))


def _edit(sample, change) -> bytes:
    rows = list(csv.reader(io.StringIO(sample("shopify_orders.csv").decode())))
    change(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def test_several_codes_cancelled_and_voided_orders(sample) -> None:
    def change(rows):
        header = rows[0]
        rows[1][header.index("Discount Code")] = "lea15, Tiktok20"
        rows[3][header.index("Cancelled at")] = "2026-03-13 10:00:00 +0100"
        rows[4][header.index("Financial Status")] = "voided"

    result = parse_file(_edit(sample, change), "orders_export.csv")
    orders = orders_by_id(result)
    assert orders["#1284"].promo_codes == ["LEA15", "TIKTOK20"]
    assert "#1285" not in orders and "#1286" not in orders
    assert result.warnings == [
        "Left out 3 order(s) that kept no money: #1285 (cancelled), #1286 (voided), #1289 (refunded)."
    ]


def test_bad_order_line_is_a_row_error_with_row_column_reason(sample) -> None:
    def change(rows):
        rows[1][rows[0].index("Total")] = "49,30 €"
        rows.insert(1, ["#1283"] + [""] * (len(rows[0]) - 1))

    result = parse_file(_edit(sample, change), "orders_export.csv")
    assert [(e.row, e.column, e.value, e.reason) for e in result.row_errors] == [
        (2, "Total", "", "a line item comes before its order's first line, which holds the total"),
        (3, "Total", "49,30 €", "not a number"),
    ]
    assert "#1284" not in orders_by_id(result)
