"""Signed click ids: the tclid a redirect appends cannot be edited into another person's click."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from tracker.links import service
from tracker.models import Click, Conversion

from .conftest import BROWSER, SECRET


def _follow(client, code: str, ip: str = "198.51.100.1") -> str:
    location = client.get(
        f"/l/{code}", headers={"User-Agent": BROWSER}, environ_base={"REMOTE_ADDR": ip}
    ).headers["Location"]
    return parse_qs(urlsplit(location).query)["tclid"][0]


def _report(client, **fields):
    body = {"order_id": "1001", "amount": "25.00", "currency": "EUR", **fields}
    return client.post(
        "/api/v1/conversions",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"},
    )


def _conversions(session) -> list[Conversion]:
    session.expire_all()
    return session.exec(select(Conversion)).all()


def test_the_tclid_is_the_click_row_id_and_a_signature(client, session, linked):
    tclid = _follow(client, linked.lea.link_code)

    [click] = session.exec(select(Click)).all()
    number, signature = tclid.split(".")
    assert int(number) == click.id
    assert len(signature) == 16 and signature.replace("-", "").replace("_", "").isalnum()


def test_an_untouched_tclid_attributes_the_order_to_the_clicked_link(client, session, linked):
    tclid = _follow(client, linked.noah.link_code)

    response = _report(client, click_id=tclid)

    assert response.status_code == 201
    [order] = _conversions(session)
    assert (order.attributed_by, order.participation_id) == ("click", linked.noah.id)


def test_a_visitor_who_edits_the_number_cannot_claim_another_click(client, session, linked):
    # Two visitors click Noah's link; the second edits the id in the address bar to the
    # first visitor's click, keeping their own signature.
    first = _follow(client, linked.noah.link_code, ip="198.51.100.1")
    second = _follow(client, linked.noah.link_code, ip="198.51.100.2")
    edited = f"{first.split('.')[0]}.{second.split('.')[1]}"

    response = _report(client, click_id=edited)

    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "click_id": "was altered: its signature does not match"
    }
    assert _conversions(session) == []


def test_a_changed_signature_is_refused(client, session, linked):
    tclid = _follow(client, linked.lea.link_code)
    number, signature = tclid.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    response = _report(client, click_id=f"{number}.{flipped}")

    assert response.status_code == 422
    assert response.get_json()["fields"]["click_id"] == "was altered: its signature does not match"


@pytest.mark.parametrize("bare", ["number", "string"])
def test_a_bare_click_number_is_refused_even_for_a_real_click(client, session, linked, bare):
    tclid = _follow(client, linked.lea.link_code)
    number = int(tclid.split(".")[0])

    response = _report(client, click_id=number if bare == "number" else str(number))

    assert response.status_code == 422
    assert response.get_json()["fields"]["click_id"].startswith(
        "is not a click id of this tracker: send the tclid value of the landing URL unchanged"
    )
    assert _conversions(session) == []


def test_a_tampered_click_id_is_refused_even_when_the_promo_code_would_attribute(
    client, session, linked
):
    tclid = _follow(client, linked.lea.link_code)

    response = _report(
        client, click_id=tclid[:-1] + ("x" if tclid[-1] != "x" else "y"), promo_code="LEA15"
    )

    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"click_id"}
    assert _conversions(session) == []


def test_a_tclid_signed_under_another_secret_key_is_refused(client, session, linked):
    _follow(client, linked.lea.link_code)
    [click] = session.exec(select(Click)).all()
    foreign = service.click_token("another-server-secret", click.id)

    response = _report(client, click_id=foreign)

    assert response.status_code == 422
    assert response.get_json()["fields"]["click_id"] == "was altered: its signature does not match"


def test_an_empty_click_id_counts_as_none(client, session, linked):
    response = _report(client, click_id="", promo_code="LEA15")

    assert response.status_code == 201
    [order] = _conversions(session)
    assert (order.attributed_by, order.click_id) == ("promo_code", None)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "12",
        "12.",
        ".abcdefghijklmnop",
        "12.abcdefghijklmno",
        "12.abcdefghijklmnopq",
        "١٢.abcdefghijklmnop",
        "12.abcdefghijklm+p",
        " 12 . abcdefghijklmnop",
    ],
)
def test_malformed_tokens_are_never_read_as_a_click(token):
    with pytest.raises(service.InvalidClickToken):
        service.click_id_from_token("test-secret", token)


def test_a_token_round_trips_under_its_own_key_only():
    token = service.click_token("test-secret", 48213)

    assert service.click_id_from_token("test-secret", token) == 48213
    assert service.click_id_from_token("test-secret", f"  {token} ") == 48213
    with pytest.raises(service.InvalidClickToken):
        service.click_id_from_token("other-secret", token)
    with pytest.raises(service.InvalidClickToken):
        service.click_id_from_token("test-secret", token.replace("48213", "48214"))
