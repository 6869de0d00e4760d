"""POST /api/v1/conversions: the shop reports orders; each is attributed and recorded once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from tracker import analytics
from tracker.links import service
from tracker.models import Conversion

from .conftest import BROWSER, OTHER_SECRET, SECRET

URL = "/api/v1/conversions"
# The tclid of click 987654 under SECRET_KEY "test-secret", computed by hand:
# base64url(HMAC-SHA256(HMAC-SHA256("test-secret", "tracker.links.click-id"), "987654")), 16 chars.
SIGNED_987654 = "987654.d1FAS3nEIBAiMP-O"


def post(client, body, secret=SECRET, header="bearer"):
    headers = {"Content-Type": "application/json"}
    if header == "bearer":
        headers["Authorization"] = f"Bearer {secret}"
    elif header == "x-tracker-secret":
        headers["X-Tracker-Secret"] = secret
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=raw, headers=headers)


def conversions(session):
    session.expire_all()
    return session.exec(select(Conversion).order_by(Conversion.id)).all()


def follow(client, code) -> str:
    """Follow a tracked link as a browser; return the tclid the landing URL carries."""
    location = client.get(f"/l/{code}", headers={"User-Agent": BROWSER}).headers["Location"]
    return parse_qs(urlsplit(location).query)["tclid"][0]


def row_id(tclid: str) -> int:
    return int(tclid.split(".")[0])


def field_errors(response) -> dict[str, str]:
    return response.get_json()["fields"]


def test_an_order_with_a_promo_code_is_attributed_to_its_creator(client, session, linked):
    response = post(
        client,
        {
            "order_id": "1001",
            "amount": "59.90",
            "currency": "EUR",
            "occurred_at": "2026-03-10T14:03:00+01:00",
            "promo_code": " lea15 ",
        },
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["attributed_by"] == "promo_code"
    assert body["participation_id"] == linked.lea.id
    assert body["amount"] == "59.90"
    assert body["duplicate"] is False
    [row] = conversions(session)
    assert (row.campaign_id, row.participation_id, row.order_id) == (
        linked.campaign.id,
        linked.lea.id,
        "1001",
    )
    assert row.amount == Decimal("59.90")
    assert row.promo_code == "LEA15"
    assert row.occurred_at == datetime(2026, 3, 10, 13, 3, tzinfo=UTC)
    assert row.source == "endpoint"


def test_an_order_carrying_the_click_id_is_attributed_to_the_clicked_link(client, session, linked):
    tclid = follow(client, linked.noah.link_code)

    response = post(
        client, {"order_id": "1002", "amount": 24.5, "currency": "EUR", "click_id": tclid}
    )

    assert response.status_code == 201
    assert response.get_json()["click_id"] == row_id(tclid)
    [row] = conversions(session)
    assert (row.attributed_by, row.participation_id, row.click_id) == (
        "click",
        linked.noah.id,
        row_id(tclid),
    )


def test_the_promo_code_wins_over_a_click_on_another_creators_link(client, session, linked):
    tclid = follow(client, linked.noah.link_code)

    post(
        client,
        {
            "order_id": "7",
            "amount": "10",
            "currency": "EUR",
            "promo_code": "LEA15",
            "click_id": tclid,
        },
    )

    [row] = conversions(session)
    assert (row.attributed_by, row.participation_id, row.click_id) == (
        "promo_code",
        linked.lea.id,
        row_id(tclid),
    )


def test_a_shop_wide_code_does_not_stop_a_click_from_attributing_the_order(client, session, linked):
    tclid = follow(client, linked.lea.link_code)

    response = post(
        client,
        {
            "order_id": "8",
            "amount": "10",
            "currency": "EUR",
            "promo_code": "WELCOME10",
            "click_id": tclid,
        },
    )

    assert response.status_code == 201
    [row] = conversions(session)
    assert (row.attributed_by, row.participation_id, row.promo_code) == (
        "click",
        linked.lea.id,
        "WELCOME10",
    )


def test_the_same_order_id_twice_is_recorded_once(client, session, linked):
    first = post(
        client, {"order_id": "1001", "amount": "59.90", "currency": "EUR", "promo_code": "LEA15"}
    )
    again = post(
        client, {"order_id": "1001", "amount": "99.00", "currency": "EUR", "promo_code": "NOAH10"}
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["duplicate"] is True
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["amount"] == "59.90"  # the first report wins
    [row] = conversions(session)
    assert (row.amount, row.participation_id) == (Decimal("59.90"), linked.lea.id)


def test_a_duplicate_that_races_past_the_check_still_answers_200_once(
    client, session, linked, monkeypatch
):
    post(client, {"order_id": "1001", "amount": "59.90", "currency": "EUR", "promo_code": "LEA15"})
    # The second request looks before the first has committed: it finds nothing and inserts.
    real = service._existing
    calls = []

    def not_yet(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(service, "_existing", not_yet)

    again = post(
        client, {"order_id": "1001", "amount": "59.90", "currency": "EUR", "promo_code": "LEA15"}
    )

    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True
    assert len(calls) == 2  # the unique constraint refused the insert, then the winner was read
    assert len(conversions(session)) == 1


def test_the_same_order_id_in_two_campaigns_is_two_orders(client, session, factory, linked):
    other = factory.campaign(conversion_secret=OTHER_SECRET)
    factory.participation(other, promo_code="ZOE5")

    assert (
        post(
            client, {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "LEA15"}
        ).status_code
        == 201
    )
    assert (
        post(
            client,
            {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "ZOE5"},
            secret=OTHER_SECRET,
        ).status_code
        == 201
    )
    assert len(conversions(session)) == 2


@pytest.mark.parametrize("header", ["bearer", "x-tracker-secret"])
def test_both_ways_of_sending_the_secret_work(client, session, linked, header):
    response = post(
        client,
        {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "LEA15"},
        header=header,
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("secret", "header", "error", "message"),
    [
        ("wrong-secret", "bearer", "invalid_token", "The conversion secret is unknown"),
        (SECRET[:-1], "x-tracker-secret", "invalid_token", "The conversion secret is unknown"),
        ("", None, "authentication_required", "Send the campaign's conversion secret"),
    ],
)
def test_a_wrong_or_missing_secret_is_401_and_records_nothing(
    client, session, linked, secret, header, error, message
):
    response = post(
        client,
        {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "LEA15"},
        secret,
        header,
    )

    assert response.status_code == 401
    body = response.get_json()
    assert (body["error"], body["fields"]) == (error, {})
    assert body["message"].startswith(message)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert conversions(session) == []


def test_another_campaigns_secret_cannot_attribute_to_this_campaign(
    client, session, factory, linked
):
    factory.campaign(conversion_secret=OTHER_SECRET)
    tclid = follow(client, linked.lea.link_code)

    by_code = post(
        client,
        {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "LEA15"},
        OTHER_SECRET,
    )
    by_click = post(
        client, {"order_id": "2", "amount": "5", "currency": "EUR", "click_id": tclid}, OTHER_SECRET
    )

    assert (by_code.status_code, by_click.status_code) == (422, 422)
    assert field_errors(by_code) == {"promo_code": "is not a promo code of this campaign"}
    assert field_errors(by_click) == {"click_id": "is not a click on this campaign's links"}
    assert conversions(session) == []


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"amount": "5", "currency": "EUR", "promo_code": "LEA15"}, "order_id", "is required"),
        (
            {"order_id": "", "amount": "5", "currency": "EUR", "promo_code": "LEA15"},
            "order_id",
            "at least 1 character",
        ),
        ({"order_id": "1", "currency": "EUR", "promo_code": "LEA15"}, "amount", "is required"),
        (
            {"order_id": "1", "amount": "-5.00", "currency": "EUR", "promo_code": "LEA15"},
            "amount",
            "greater than or equal to 0",
        ),
        (
            {"order_id": "1", "amount": "12,50", "currency": "EUR", "promo_code": "LEA15"},
            "amount",
            "valid decimal",
        ),
        (
            {"order_id": "1", "amount": "1.23456", "currency": "EUR", "promo_code": "LEA15"},
            "amount",
            "no more than 4 decimal places",
        ),
        (
            {"order_id": "1", "amount": "5", "currency": "EURO", "promo_code": "LEA15"},
            "currency",
            "not an ISO 4217 currency code",
        ),
        (
            {"order_id": "1", "amount": "5", "currency": "XYZ", "promo_code": "LEA15"},
            "currency",
            "not an ISO 4217 currency code",
        ),
        (
            {
                "order_id": "1",
                "amount": "5",
                "currency": "EUR",
                "occurred_at": "2026-13-45",
                "promo_code": "LEA15",
            },
            "occurred_at",
            "valid datetime",
        ),
        (
            {
                "order_id": "1",
                "amount": "5",
                "currency": "EUR",
                "occurred_at": "yesterday",
                "promo_code": "LEA15",
            },
            "occurred_at",
            "valid datetime",
        ),
        (
            {
                "order_id": "1",
                "amount": "5",
                "currency": "EUR",
                "occurred_at": "2099-01-01T00:00:00Z",
                "promo_code": "LEA15",
            },
            "occurred_at",
            "is in the future",
        ),
        (
            # correctly signed (SECRET_KEY "test-secret"), but no such click
            {"order_id": "1", "amount": "5", "currency": "EUR", "click_id": SIGNED_987654},
            "click_id",
            "is not a click on this campaign's links",
        ),
        (
            {"order_id": "1", "amount": "5", "currency": "EUR", "click_id": 987654},
            "click_id",
            "is not a click id of this tracker",
        ),
        (
            {"order_id": "1", "amount": "5", "currency": "EUR", "click_id": "abc"},
            "click_id",
            "is not a click id of this tracker",
        ),
        (
            {"order_id": "1", "amount": "5", "currency": "EUR", "click_id": "x" * 41},
            "click_id",
            "at most 40 characters",
        ),
        (
            {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "NOPE"},
            "promo_code",
            "is not a promo code of this campaign",
        ),
        (
            {"order_id": "1", "amount": "5", "currency": "EUR"},
            "promo_code",
            "give promo_code or click_id",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field_and_reason(client, session, linked, body, field, reason):
    response = post(client, body)

    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_failed"
    errors = field_errors(response)
    assert field in errors, errors
    assert reason in errors[field]
    assert conversions(session) == []


def test_several_bad_fields_are_reported_together(client, linked):
    response = post(client, {"amount": -1, "currency": "??", "occurred_at": "soon"})

    assert set(field_errors(response)) == {"order_id", "amount", "currency", "occurred_at"}


@pytest.mark.parametrize(
    ("raw", "message", "reason"),
    [
        ("{not json", "The body is not valid JSON.", "Expecting property name"),
        (
            '{"order_id": "1", "amount": NaN, "currency": "EUR"}',
            "The body is not valid JSON.",
            "NaN is not a number",
        ),
        ('[{"order_id": "1"}]', "The body must be a JSON object.", "is not an object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, session, linked, raw, message, reason):
    response = post(client, raw)

    assert response.status_code == 400
    body = response.get_json()
    assert (body["error"], body["message"]) == ("bad_request", message)
    assert list(body["fields"]) == ["(body)"]
    assert reason in body["fields"]["(body)"]
    assert conversions(session) == []


def test_an_oversized_body_is_refused(client, session, linked):
    response = post(
        client, {"order_id": "1", "amount": "5", "currency": "EUR", "note": "x" * 20_000}
    )

    assert response.status_code == 413
    assert response.get_json() == {
        "error": "too_large",
        "message": "The body is larger than 16384 bytes.",
        "fields": {"(body)": "is larger than 16384 bytes"},
    }
    assert conversions(session) == []


def test_errors_have_the_json_apis_shape_and_are_never_cached(client, linked):
    response = post(client, {"order_id": "1", "amount": "-1", "currency": "EUR"})

    assert response.status_code == 422
    assert response.headers["Cache-Control"] == "no-store, private"
    assert response.get_json() == {
        "error": "validation_failed",
        "message": "The request has invalid fields.",
        "fields": {"amount": "Input should be greater than or equal to 0"},
    }


@pytest.mark.parametrize(
    ("raw_amount", "expected", "shown"),
    [
        ('"19.99"', Decimal("19.99"), "19.99"),
        ("19.99", Decimal("19.99"), "19.99"),  # a JSON number, read as a decimal, never a float
        ("0.1", Decimal("0.1"), "0.10"),
        ("1234567890.1234", Decimal("1234567890.1234"), "1234567890.1234"),
        ("20", Decimal("20"), "20.00"),
        # 18 significant digits: a float would come back as 12345678901234.568
        ("12345678901234.5678", Decimal("12345678901234.5678"), "12345678901234.5678"),
    ],
)
def test_amounts_are_exact_decimals(client, session, linked, raw_amount, expected, shown):
    raw = f'{{"order_id": "1", "amount": {raw_amount}, "currency": "EUR", "promo_code": "LEA15"}}'

    response = post(client, raw)

    assert response.status_code == 201
    [row] = conversions(session)
    assert row.amount == expected
    assert response.get_json()["amount"] == shown


def test_19_99_stays_19_99_in_the_json_answer(client, linked):
    response = post(
        client, '{"order_id": "1", "amount": 19.99, "currency": "EUR", "promo_code": "LEA15"}'
    )

    assert response.get_json()["amount"] == "19.99"


def test_a_numeric_order_id_and_lower_case_currency_are_accepted(client, session, linked):
    response = post(
        client, {"order_id": 5512, "amount": "5", "currency": "eur", "promo_code": "LEA15"}
    )

    assert response.status_code == 201
    [row] = conversions(session)
    assert (row.order_id, row.currency) == ("5512", "EUR")


def test_a_time_without_offset_is_read_as_utc_and_a_missing_one_is_now(client, session, linked):
    post(
        client,
        {
            "order_id": "1",
            "amount": "5",
            "currency": "EUR",
            "promo_code": "LEA15",
            "occurred_at": "2026-03-10T08:00:00",
        },
    )
    before = datetime.now(UTC)
    post(client, {"order_id": "2", "amount": "5", "currency": "EUR", "promo_code": "LEA15"})

    first, second = conversions(session)
    assert first.occurred_at == datetime(2026, 3, 10, 8, tzinfo=UTC)
    assert before <= second.occurred_at <= datetime.now(UTC)


def test_the_endpoint_needs_no_csrf_token(csrf_app, session, linked):
    response = post(
        csrf_app.test_client(),
        {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "LEA15"},
    )

    assert response.status_code == 201


def test_conversions_per_creator_reach_the_dashboard_figures(client, session, linked):
    tclid = follow(client, linked.noah.link_code)
    post(
        client,
        {
            "order_id": "1",
            "amount": "60.00",
            "currency": "EUR",
            "promo_code": "LEA15",
            "occurred_at": "2026-03-10T10:00:00Z",
        },
    )
    post(
        client,
        {
            "order_id": "2",
            "amount": "90.00",
            "currency": "EUR",
            "promo_code": "lea15",
            "occurred_at": "2026-03-12T10:00:00Z",
        },
    )
    post(
        client,
        {
            "order_id": "3",
            "amount": "19.99",
            "currency": "EUR",
            "click_id": tclid,
            "occurred_at": "2026-03-12T10:00:00Z",
        },
    )
    post(
        client, {"order_id": "1", "amount": "60.00", "currency": "EUR", "promo_code": "LEA15"}
    )  # duplicate

    lea, noah = analytics.participation_rows(session, linked.campaign)
    summary = analytics.campaign_summary(session, linked.campaign, today=date(2026, 3, 31))

    assert (lea.totals["conversions"], lea.totals["revenue"]) == (2, Decimal("150.00"))
    assert (noah.totals["conversions"], noah.totals["revenue"]) == (1, Decimal("19.99"))
    assert (summary.totals["conversions"], summary.totals["revenue"]) == (3, Decimal("169.99"))
    # as of 11 March only the first order had happened
    early = analytics.campaign_summary(
        session, linked.campaign, today=date(2026, 3, 31), as_of=date(2026, 3, 11)
    )
    assert (early.totals["conversions"], early.totals["revenue"]) == (1, Decimal("60.00"))
