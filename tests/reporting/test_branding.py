"""Brand styling: logos are accepted by their content only, and the styling page saves them."""

from __future__ import annotations

import io

import pytest

from tracker.models import Brand, Workspace
from tracker.reporting.branding import (
    MAX_LOGO_BYTES,
    StylingError,
    brand_css,
    normalise_colour,
    validate_logo,
)

SVG_OK = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    b' viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/>'
    b'</linearGradient></defs><rect width="10" height="10" fill="url(#g)"/>'
    b'<use xlink:href="#g"/><text x="1" y="8">Lumi&#232;re</text></svg>'
)


def image_bytes(fmt: str, size: tuple[int, int] = (30, 12)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 80, 160)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_png_jpeg_and_clean_svg_are_accepted_with_their_real_type():
    assert validate_logo(image_bytes("PNG")).mime == "image/png"
    assert validate_logo(image_bytes("JPEG")).mime == "image/jpeg"
    assert validate_logo(SVG_OK).mime == "image/svg+xml"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"GIF89a" + b"\0" * 20, "PNG, JPEG or SVG"),
        (b"%PDF-1.7 not a logo", "PNG, JPEG or SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "damaged"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handlers"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
            "<image>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<use x:href="http://evil.test/a.svg#x"/></svg>',
            "link to other files",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://evil.test/p)"/></svg>',
            "refer to other files",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "http://evil.test/a.css";'
            b"</style></svg>",
            "styles may not",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://e.test/)"/></svg>',
            "styles may not",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>',
            "<foreignObject>",
        ),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "DOCTYPE",
        ),
        (
            b'<?xml-stylesheet href="http://evil.test/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "processing instructions",
        ),
        (b"<svg><unclosed></svg>", "well-formed"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "PNG, JPEG or SVG"),
    ],
)
def test_unsafe_or_fake_logos_are_refused_with_a_reason(data, message):
    with pytest.raises(StylingError) as info:
        validate_logo(data)
    assert message in str(info.value)


def test_logos_over_the_size_limit_are_refused():
    big = image_bytes("PNG") + b"\0" * MAX_LOGO_BYTES
    with pytest.raises(StylingError, match="512 KB"):
        validate_logo(big)


def test_colours_must_be_hex_and_are_stored_lower_case():
    assert normalise_colour(" #1F4E79 ") == "#1f4e79"
    for bad in ("red", "#12345", "#1234567", "#12345g", "1f4e79"):
        with pytest.raises(StylingError):
            normalise_colour(bad)


def test_brand_css_picks_readable_text_on_the_brand_colour():
    assert "--on-brand:#ffffff" in brand_css("#1f4e79")  # dark blue: white text
    assert "--on-brand:#1d2330" in brand_css("#ffe066")  # light yellow: ink text


# ---------------------------------------------------------------------------- the page


@pytest.fixture
def brand_and_manager(factory):
    ws = factory.workspace()
    return factory.brand(ws, name="Maison Lumière"), factory.user(ws, role="manager")


def test_manager_uploads_a_logo_and_colour(client, login, session, brand_and_manager):
    brand, manager = brand_and_manager
    login(manager)
    response = client.post(
        f"/brands/{brand.id}/styling",
        data={"primary_color": "#AA3300", "logo": (io.BytesIO(SVG_OK), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(Brand, brand.id)
    assert (saved.primary_color, saved.logo, saved.logo_mime) == (
        "#aa3300",
        SVG_OK,
        "image/svg+xml",
    )
    page = client.get(f"/brands/{brand.id}/styling").get_data(as_text=True)
    assert "data:image/svg+xml;base64," in page  # the preview


def test_a_refused_logo_shows_its_reason_and_changes_nothing(
    client, login, session, brand_and_manager
):
    brand, manager = brand_and_manager
    login(manager)
    evil = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    response = client.post(
        f"/brands/{brand.id}/styling",
        data={"primary_color": "#aa3300", "logo": (io.BytesIO(evil), "logo.svg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "SVG logos may not contain event handlers." in response.get_data(as_text=True)
    session.expire_all()
    saved = session.get(Brand, brand.id)
    assert (saved.primary_color, saved.logo) == ("#1f4e79", None)


def test_a_bad_colour_is_a_field_error(client, login, brand_and_manager):
    brand, manager = brand_and_manager
    login(manager)
    response = client.post(f"/brands/{brand.id}/styling", data={"primary_color": "blue"})
    assert response.status_code == 400
    assert "#rrggbb" in response.get_data(as_text=True)


def test_the_current_logo_can_be_removed(client, login, session, brand_and_manager):
    brand, manager = brand_and_manager
    brand.logo, brand.logo_mime = image_bytes("PNG"), "image/png"
    session.add(brand)
    session.commit()
    login(manager)
    client.post(
        f"/brands/{brand.id}/styling", data={"primary_color": "#1f4e79", "remove_logo": "y"}
    )
    session.expire_all()
    assert session.get(Brand, brand.id).logo is None


def test_viewers_may_not_restyle_a_brand(client, login, factory, session, brand_and_manager):
    brand, _manager = brand_and_manager
    login(factory.user(session.get(Workspace, brand.workspace_id), role="viewer"))
    assert client.get(f"/brands/{brand.id}/styling").status_code == 403


def test_another_workspace_cannot_see_the_brand(client, login, factory, brand_and_manager):
    brand, _manager = brand_and_manager
    login(factory.user(role="manager"))  # a manager of a new, different workspace
    assert client.get(f"/brands/{brand.id}/styling").status_code == 404
    response = client.post(f"/brands/{brand.id}/styling", data={"primary_color": "#000000"})
    assert response.status_code == 404
