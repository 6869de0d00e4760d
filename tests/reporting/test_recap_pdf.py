"""The reference campaign's recap: the dashboard's figures, in English and French, read from the PDF."""

from __future__ import annotations

from datetime import date

import pytest

from ..reference import EXPECTED, build_reference
from .support import module_app, module_session, pdf_pages, save_artifact

END = date(2026, 4, 1)
SECTIONS = {
    "en": [
        "Executive summary",
        "Goals",
        "Results over time",
        "Influencers",
        "Tier comparison",
        "Organic and paid",
        "Costs",
        "Methodology",
    ],
    "fr": [
        "Synthèse",
        "Objectifs",
        "Résultats dans le temps",
        "Influenceurs",
        "Comparaison des paliers",
        "Organique et payant",
        "Coûts",
        "Méthodologie",
    ],
}


@pytest.fixture(scope="module")
def recaps(database_server, tmp_path_factory):
    """Render the reference recap once per language; every test below reads these."""
    from tracker.reporting import render_recap

    directory = tmp_path_factory.mktemp("recap")
    with module_app(database_server, directory) as app, module_session(app) as (session, factory):
        ref = build_reference(factory)
        fetched: list[str] = []
        out = {}
        for lang in ("en", "fr"):
            pdf = render_recap(session, ref.campaign, lang, today=END, on_fetch=fetched.append)
            save_artifact(f"reference-{lang}.pdf", pdf)
            out[lang] = pdf_pages(pdf)
        out["fetched"] = fetched
        return out


def text_of(pages: list[str]) -> str:
    """All pages as one line: table cells and wrapped notes read as a reader scans them."""
    return " ".join(" ".join(pages).split())


def test_english_recap_shows_the_dashboard_figures(recaps):
    text = text_of(recaps["en"])
    for figure in (
        "€10,810.00",  # total cost
        "€1,450.00",  # shared costs
        "€10,391.50",  # value generated
        "1.0:1",  # ROI ratio
        "-3.87%",  # ROI %
        "470,000",  # views
        "14,370",  # engagements
        "1,503",  # link clicks
        EXPECTED["engagement_rate_pct"],
        EXPECTED["cpm"],
        EXPECTED["cpv"],
        EXPECTED["cpe"],
        EXPECTED["cpc"],
        EXPECTED["ctr_pct"],
        EXPECTED["cpa"],
        EXPECTED["roas"],
        "Target 5.0:1 · reference 5:1",
        "470,000 × €0.02 €9,400.00",  # what the value is made of
        "1,503 × €0.50 €751.50",
        "1 USD = 0.92 EUR",  # the conversion used, with its date
        "Mar 9, 2026",
    ):
        assert figure in text, figure
    for attained in EXPECTED["attainment"].values():
        assert attained in text


def test_english_recap_has_one_row_per_influencer_with_direct_costs(recaps):
    text = text_of(recaps["en"])
    lea, noah, mx = EXPECTED["lea"], EXPECTED["noah"], EXPECTED["max"]
    # Name, tier, fee, direct cost, views, ER, CPE, clicks, conversions, ROAS
    assert (
        f"Léa Glow @lea.glow · TikTok Nano 8,000 €400.00 €400.00 20,000 {lea['er']} {lea['cpe']}"
        f" 3 2 {lea['roas']}"
    ) in text
    assert (
        f"Noah Martin @noah · Instagram Mid 120,000 €2,500.00 €2,500.00 50,000 {noah['er']}"
        f" {noah['cpe']} 600 — —"
    ) in text
    assert (
        f"Max Viral @maxviral · TikTok Mega 2,000,000 €6,000.00 €6,460.00 400,000 {mx['er']}"
        " €0.72 900 1 0.0:1"
    ) in text
    # The top content of each, with its own figures
    assert "Ma routine du soir · Mar 4, 2026 · 20,000 views · ER 8.35%" in text
    assert "Sérum éclat · Mar 7, 2026 · 400,000 views · ER 2.25% · paid" in text
    # The tier table pools direct costs: Max alone in mega, CPM €16.15 and CPA €6,460.00
    assert f"{mx['cpm']} €0.72 {mx['cpa']} 0.0:1" in text


def test_french_recap_formats_figures_the_french_way(recaps):
    text = text_of(recaps["fr"])
    for figure in (
        "10 810,00 €",
        "10 391,50 €",
        "23,00 €",  # CPM
        "0,0230 €",  # CPV
        "0,75 €",
        "7,19 €",
        "2 702,50 €",
        "3,06 %",
        "0,32 %",
        "1,0:1",
        "-3,87 %",
        "470 000",
        "94,00 %",
        "75,15 %",
        "1 USD = 0,92 EUR",
        "09/03/2026",
        "01/03/2026 – 31/03/2026",
    ):
        assert figure in text, figure
    assert "Nano 8 000 400,00 € 400,00 € 20 000 8,35 % 0,24 € 3 2 0,4:1" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_recap_has_every_section_in_order_on_six_pages(recaps, lang):
    pages = recaps[lang]
    assert len(pages) == 6
    text = text_of(pages)
    positions = [text.find(f"{n:02d} {title}") for n, title in enumerate(SECTIONS[lang], 1)]
    assert -1 not in positions, dict(zip(SECTIONS[lang], positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("lang", "footer", "agency"),
    [("en", "Page 3 of 6", "Atelier Agency"), ("fr", "Page 3 sur 6", "Atelier Agency")],
)
def test_pages_after_the_cover_carry_header_and_page_x_of_y(recaps, lang, footer, agency):
    cover, third = recaps[lang][0], " ".join(recaps[lang][2].split())
    assert "Maison Lumière · Printemps Éclat 2026" in third
    assert footer in third
    assert agency in third
    assert "Page 1" not in cover  # the cover has no running header or footer


def test_rendering_fetches_only_the_recap_stylesheets(recaps):
    assert set(recaps["fetched"]) == {"tracker-asset:recap.css", "tracker-asset:brand.css"}
