"""Recaps are safe to render from anything a manager typed: text stays text, nothing is fetched.

A fetch spy (the `on_fetch` hook of the recap's URL fetcher) records every URL WeasyPrint
asks for; a guard on sockets and urllib proves nothing left the process by another path.
"""

from __future__ import annotations

import io
import socket
import urllib.request
from datetime import date

import pytest

from tracker.models import Snapshot
from tracker.reporting.branding import Logo
from tracker.reporting.fetcher import AssetResolver, RefusedURL
from tracker.reporting.pdf import html_to_pdf

from .support import module_app, module_session, pdf_pages, save_artifact

HOSTILE = '<img src="file:///etc/passwd">'
HOSTILE_LONG = (
    '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://evil.test/x.css">'
    "<style>@import url(http://evil.test/y.css)</style><script>alert(1)</script>"
    '<iframe src="https://evil.test/"></iframe>'
)


def png_logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly if anything opens a socket or a urllib request while rendering."""
    attempts: list[str] = []

    def refuse_connect(self, address):
        attempts.append(f"socket {address!r}")
        raise OSError("network disabled in this test")

    def refuse_open(self, url, *args, **kwargs):
        attempts.append(f"urllib {getattr(url, 'full_url', url)!r}")
        raise OSError("urllib disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse_open)
    return attempts


@pytest.fixture(scope="module")
def hostile(database_server, tmp_path_factory):
    """A campaign with hostile text and URLs in every user field, rendered once."""
    from tracker.reporting import render_recap

    directory = tmp_path_factory.mktemp("hostile")
    with module_app(database_server, directory) as app, module_session(app) as (session, factory):
        ws = factory.workspace(name=HOSTILE)
        brand = factory.brand(ws, name=HOSTILE, logo=png_logo(), logo_mime="image/png")
        campaign = factory.campaign(brand, name=HOSTILE_LONG[:160], hashtags=f"#ok {HOSTILE}")
        factory.goal(campaign, "views", 1000, "0.01")
        influencer = factory.influencer(
            ws.id, handle=HOSTILE, name=HOSTILE, platform="tiktok", followers=5000
        )
        part = factory.participation(campaign, influencer, fee=100, promo_code="X<b>")
        factory.cost(campaign, "100", participation=part, description=HOSTILE_LONG)
        post = factory.post(part, url="file:///etc/passwd", title=HOSTILE_LONG)
        factory.post(part, url="http://169.254.169.254/latest/meta-data/", title=HOSTILE)
        session.add(
            Snapshot(
                campaign_id=campaign.id,
                participation_id=part.id,
                post_id=post.id,
                captured_on=date(2026, 3, 5),
                source=HOSTILE[:32],
                views=500,
                likes=10,
            )
        )
        session.commit()
        fetched: list[str] = []
        attempts: list[str] = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(socket.socket, "connect", lambda s, a: attempts.append(str(a)))
            mp.setattr(
                urllib.request.OpenerDirector, "open", lambda s, u, *a, **k: attempts.append(u)
            )
            pdf = render_recap(
                session, campaign, "en", today=date(2026, 4, 1), on_fetch=fetched.append
            )
        save_artifact("hostile-en.pdf", pdf)
        return {
            "pdf": pdf,
            "text": " ".join(" ".join(pdf_pages(pdf)).split()),
            "fetched": fetched,
            "attempts": attempts,
            "brand_id": brand.id,
        }


def test_hostile_text_prints_as_text(hostile):
    text = hostile["text"]
    # Brand, agency, influencer name and handle, source, hashtags: each printed literally.
    assert text.count(HOSTILE) >= 6
    assert "<script>alert(1)</script>" in text  # post title
    assert "file:///etc/passwd" in text  # the post URL, shown as text


def test_hostile_data_makes_no_fetch_beyond_our_assets_and_the_brands_logo(hostile):
    assert set(hostile["fetched"]) == {
        "tracker-asset:recap.css",
        "tracker-asset:brand.css",
        f"tracker-logo:{hostile['brand_id']}",
    }
    assert hostile["attempts"] == []


def test_the_uploaded_logo_is_drawn_on_the_cover(hostile):
    from pypdf import PdfReader

    cover = PdfReader(io.BytesIO(hostile["pdf"])).pages[0]
    assert [image.image.size for image in cover.images] == [(40, 20)]


def test_urls_in_markup_reach_the_fetcher_and_are_refused(no_network, tmp_path):
    """Were markup ever to carry a URL, the fetcher is on the path and refuses it."""
    html = """<html><head>
      <link rel="stylesheet" href="https://evil.test/a.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <style>@import url("http://evil.test/b.css"); @font-face { font-family: X;
        src: url(ftp://evil.test/f.ttf) }</style></head><body>
      <img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">
      <img src="data:image/svg+xml;base64,PHN2Zy8+"><img src="tracker-logo:999">
      <img src="tracker-asset:../../config.py"><object data="https://evil.test/o"></object>
      <svg><image href="https://evil.test/i.png" width="10" height="10"/></svg>
      <p>text</p></body></html>"""
    seen: list[str] = []
    pdf = html_to_pdf(html, AssetResolver(brand_id=1, logo=None), on_fetch=seen.append)
    assert pdf.startswith(b"%PDF")
    assert "file:///etc/passwd" in seen and "http://127.0.0.1:9/x.png" in seen
    assert "https://evil.test/a.css" in seen
    assert no_network == []  # every one was refused before any I/O


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.test/x.png",
        "https://evil.test/x.css",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "ftp://evil.test/x",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:text/css,body{}",
        "javascript:alert(1)",
        "tracker-asset:../../config.py",
        "tracker-asset:/etc/passwd",
        "tracker-asset:recap.css/../../x",
        "tracker-asset:missing.css",
        "tracker-logo:2",
        "tracker-logo:1/../2",
        "/etc/passwd",
        "recap.css",
    ],
)
def test_resolver_refuses_every_other_url(url):
    resolver = AssetResolver(brand_id=1, logo=Logo(png_logo(), "image/png"))
    with pytest.raises(RefusedURL):
        resolver.resolve(url)


def test_resolver_serves_our_stylesheets_and_the_brand_logo():
    logo = png_logo()
    resolver = AssetResolver(brand_id=7, logo=Logo(logo, "image/png"), colour="#AA3300")
    css, css_type = resolver.resolve("tracker-asset:recap.css")
    assert b"@page" in css and css_type.startswith("text/css")
    brand, _ = resolver.resolve("tracker-asset:brand.css")
    assert b"--brand:#aa3300" in brand
    assert resolver.resolve("tracker-logo:7") == (logo, "image/png")


def test_resolver_checks_a_stored_logo_again_before_serving_it():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.test/x.png"/></svg>'
    resolver = AssetResolver(brand_id=7, logo=Logo(svg, "image/svg+xml"))
    with pytest.raises(RefusedURL):
        resolver.resolve("tracker-logo:7")


def test_a_malformed_colour_never_reaches_the_stylesheet():
    resolver = AssetResolver(colour="red;} body{background:url(http://evil.test/)")
    css, _ = resolver.resolve("tracker-asset:brand.css")
    assert b"evil" not in css and b"--brand:#1f4e79" in css
