"""Recap layout details that performance work must not break: long URLs wrap inside the page."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from tracker.models import Snapshot
from tracker.reporting import render_recap

from .support import save_artifact

LONG_URL = (
    "https://www.tiktok.com/@creator/video/"
    + "7" * 40
    + "?"
    + "&".join(f"utm_param{i}=value{i}" for i in range(30))
)


def _fragments(pdf: bytes) -> list[tuple[int, float, float, str]]:
    """(page, x, page width, text) of every text run pypdf sees."""
    out = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        width = float(page.mediabox.width)

        def visit(text, cm, tm, _font, _size, number=number, width=width):
            if text.strip():
                out.append((number, cm[4] + tm[4] * cm[0], width, text))

        page.extract_text(visitor_text=visit)
    return out


def test_a_very_long_post_url_wraps_inside_the_influencer_table(factory, session):
    campaign = factory.campaign(factory.brand(factory.workspace()))
    part = factory.participation(campaign)
    post = factory.post(part, url=LONG_URL, title="Launch video")
    session.add(
        Snapshot(
            campaign_id=campaign.id,
            participation_id=part.id,
            post_id=post.id,
            captured_on=date(2026, 3, 5),
            source="manual",
            views=500,
            likes=10,
        )
    )
    session.commit()

    pdf = render_recap(session, campaign, "en", today=date(2026, 4, 1))
    save_artifact("long-url-en.pdf", pdf)

    runs = [f for f in _fragments(pdf) if "utm_param" in f[3] or "tiktok.com/@creator" in f[3]]
    assert len(LONG_URL) > 300
    assert "".join("".join(r[3].split()) for r in runs) == LONG_URL  # all of it, in order
    assert len(runs) >= 3, "a 300-character URL takes several lines of the cell"
    for _page, x, width, text in runs:
        assert 0 < x < width, text
        assert len(text.strip()) < 130, "no line runs off the page"
    assert max(len(r[3].strip()) for r in runs) > 80, "the URL fills the cell, not a narrow column"
