"""Campaign recaps: the dashboard's figures as a PDF (WeasyPrint) and a web page, in en or fr.

The functions here take a session and a campaign and need no request, so the
campaign pages, the share links, the CLI, batch jobs and the API all call them:

- ``render_recap(session, campaign, locale) -> bytes`` — the PDF;
- ``write_recap(session, campaign, locale, reports_dir=…) -> Report`` — the PDF written
  under the reports directory with its Report row (flushed; the caller commits);
- ``recap_html(…)`` — the same document as a web page.

WeasyPrint and matplotlib are imported only while rendering (PERF.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlmodel import Session

from ..models import Brand, Campaign, Report
from .context import Recap, build_recap
from .fetcher import AssetResolver
from .files import recap_filename, store_recap
from .html import render_html
from .i18n import recap_locale
from .pdf import html_to_pdf, pdf_asset_url, pdf_logo_url

__all__ = [
    "Recap",
    "build_recap",
    "recap_filename",
    "recap_html",
    "recap_locale",
    "recap_pdf",
    "render_recap",
    "write_recap",
]


def render_recap(
    session: Session,
    campaign: Campaign,
    locale: str | None = None,
    *,
    today: date | None = None,
    on_fetch: Callable[[str], None] | None = None,
) -> bytes:
    """The recap PDF of a campaign, in `locale` (default: the campaign's own language).

    Raises tracker.currency.MissingRateError when a cost needs an exchange rate that was
    not entered: a recap is never produced with a silent 1:1 conversion.
    """
    recap = build_recap(
        session, campaign, recap_locale(locale, campaign.locale), today=today or date.today()
    )
    return recap_pdf(recap, on_fetch=on_fetch)


def recap_pdf(recap: Recap, *, on_fetch: Callable[[str], None] | None = None) -> bytes:
    """Render an already gathered recap to PDF bytes."""
    html = render_html(
        recap,
        mode="pdf",
        asset_url=pdf_asset_url,
        logo_src=pdf_logo_url(recap.brand.id) if recap.logo else None,
    )
    resolver = AssetResolver(brand_id=recap.brand.id, logo=recap.logo, colour=recap.colour)
    return html_to_pdf(html, resolver, on_fetch=on_fetch)


def recap_html(
    recap: Recap,
    *,
    asset_url: Callable[[str], str],
    logo_src: str | None,
    pdf_url: str | None,
) -> str:
    """The recap as a web page; the caller gives URLs that work in a browser."""
    return render_html(recap, mode="web", asset_url=asset_url, logo_src=logo_src, pdf_url=pdf_url)


def write_recap(
    session: Session,
    campaign: Campaign,
    locale: str | None = None,
    *,
    reports_dir: str | Path,
    created_by: int | None = None,
    today: date | None = None,
) -> Report:
    """Render the recap, write it under `reports_dir` and add its Report row (not committed)."""
    day = today or date.today()
    lang = recap_locale(locale, campaign.locale)
    pdf = render_recap(session, campaign, lang, today=day)
    return store_recap(
        session,
        campaign=campaign,
        brand=session.get(Brand, campaign.brand_id),
        pdf=pdf,
        locale=lang,
        reports_dir=reports_dir,
        day=day,
        created_by=created_by,
    )
