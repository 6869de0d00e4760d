"""The recap in a browser (campaign preview, share links) and PDF responses."""

from __future__ import annotations

import base64
import io

from flask import Response, send_file, url_for

from . import recap_html
from .branding import Logo, StylingError, validate_logo
from .context import Recap
from .fetcher import BRAND_CSS


def _asset_url(recap: Recap):
    def url(name: str) -> str:
        if name == BRAND_CSS:
            return url_for("reporting.brand_css", colour=recap.colour.lstrip("#"))
        return url_for("reporting.asset", name=name)

    return url


def logo_data_uri(logo: Logo | None) -> str | None:
    """The logo inline: the page's CSP allows data: images, and no extra public URL is needed."""
    if logo is None:
        return None
    try:
        logo = validate_logo(logo.data)
    except StylingError:
        return None
    return f"data:{logo.mime};base64,{base64.b64encode(logo.data).decode()}"


def recap_page(recap: Recap, *, pdf_url: str | None) -> str:
    """The web version of a recap, as a full HTML page."""
    return recap_html(
        recap, asset_url=_asset_url(recap), logo_src=logo_data_uri(recap.logo), pdf_url=pdf_url
    )


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> Response:
    response = send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=not inline,
        download_name=filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
