"""The brand page leads to the brand's logo and colour; the status badge reads well in French."""

from __future__ import annotations

from ..web.conftest import sign_in, text


def test_the_brand_page_links_to_its_logo_and_colour_page(client, factory):
    ws = factory.workspace()
    brand = factory.brand(ws, name="Maison Lumière")
    sign_in(client, factory.user(ws, role="manager"))

    page = client.get(f"/brands/{brand.id}/edit")

    html = page.get_data(as_text=True)
    assert f'href="/brands/{brand.id}/styling"' in html
    assert "Logo and colour of the brand" in text(page)
    styling = client.get(f"/brands/{brand.id}/styling")
    assert styling.status_code == 200
    assert "Brand styling" in text(styling)


def test_the_new_brand_form_has_no_styling_link_yet(client, factory):
    ws = factory.workspace()
    sign_in(client, factory.user(ws, role="manager"))

    assert "/styling" not in client.get("/brands/new").get_data(as_text=True)


def test_the_styling_link_is_french_on_a_french_page(client, factory):
    ws = factory.workspace()
    brand = factory.brand(ws)
    sign_in(client, factory.user(ws, role="manager"))
    client.post("/lang", data={"lang": "fr"})

    assert "Logo et couleur de la marque" in text(client.get(f"/brands/{brand.id}/edit"))


def test_the_brand_status_reads_active_in_french_not_the_campaign_filters_plural(client, factory):
    ws = factory.workspace()
    factory.brand(ws, name="Maison Lumière")
    sign_in(client, factory.user(ws, role="manager"))
    client.post("/lang", data={"lang": "fr"})

    page = client.get("/brands").get_data(as_text=True)

    assert '<span class="badge phase-running">Active</span>' in page
    assert "Actives" not in page
