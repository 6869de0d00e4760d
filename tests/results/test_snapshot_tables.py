"""The snapshot history tables of a post's page and of the Results tab (one macro, both pages)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from tracker.models import ImportBatch

from ..web.conftest import sign_in


def _rows(html: str, heading: str) -> list[list[str]]:
    """Cell texts of each body row of the first table after `heading`."""
    table = html[html.index(heading) :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append([" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


def _buttons(html: str, heading: str) -> list[str]:
    table = html[html.index(heading) :]
    return re.findall(
        r'action="(/campaigns/\d+/snapshots/\d+/delete)"', table[: table.index("</table>")]
    )


@pytest.fixture
def results(factory, session):
    ws = factory.workspace()
    campaign = factory.campaign(factory.brand(ws), currency="EUR", timezone="Europe/Paris")
    post = factory.post(factory.participation(campaign))
    batch = ImportBatch(
        campaign_id=campaign.id, filename="export.csv", format="tiktok_studio", sha256="0" * 64
    )
    session.add(batch)
    session.commit()
    hand = factory.snapshot(
        campaign=campaign, post=post, captured_on=date(2026, 3, 5), views=10_000, likes=800
    )
    factory.snapshot(
        campaign=campaign,
        post=post,
        captured_on=date(2026, 3, 12),
        source="tiktok_studio",
        import_id=batch.id,
        views=20_000,
        shares=60,
    )
    tag = factory.snapshot(campaign=campaign, captured_on=date(2026, 3, 20), hashtag_uses=350)
    factory.snapshot(
        campaign=campaign,
        captured_on=date(2026, 3, 21),
        source="ga4",
        import_id=batch.id,
        sessions=1_200,
        revenue=Decimal("1999.50"),
        revenue_currency="EUR",
    )
    return {
        "ws": ws,
        "campaign": campaign,
        "post": post,
        "batch": batch,
        "hand": hand,
        "tag": tag,
    }


def test_a_posts_history_lists_each_snapshot_with_a_dot_where_the_source_gave_nothing(
    client, factory, results
):
    sign_in(client, factory.user(results["ws"], role="manager"))
    c, p = results["campaign"], results["post"]

    html = client.get(f"/campaigns/{c.id}/posts/{p.id}").get_data(as_text=True)

    rows = _rows(html, "<h2>History</h2>")
    # columns: as of, source, views, likes, shares (only metrics some snapshot has), recorded, actions
    assert [row[:5] for row in rows] == [
        ["Mar 12, 2026", f"TikTok Studio import #{results['batch'].id}", "20,000", "·", "60"],
        ["Mar 5, 2026", "Entered by hand", "10,000", "800", "·"],
    ]
    # figures entered by hand can be edited and deleted here; imported ones cannot
    assert _buttons(html, "<h2>History</h2>") == [
        f"/campaigns/{c.id}/snapshots/{results['hand'].id}/delete"
    ]


def test_the_campaign_level_table_uses_the_same_rows(client, factory, results):
    sign_in(client, factory.user(results["ws"], role="manager"))
    c = results["campaign"]

    html = client.get(f"/campaigns/{c.id}/results").get_data(as_text=True)

    rows = _rows(html, "<h2>Campaign-level figures</h2>")
    # columns: as of, source, hashtag uses, sessions, conversions, revenue, recorded, actions
    assert [row[:6] for row in rows] == [
        [
            "Mar 21, 2026",
            f"Google Analytics 4 import #{results['batch'].id}",
            "·",
            "1,200",
            "·",
            "€1,999.50",
        ],
        ["Mar 20, 2026", "Entered by hand", "350", "·", "·", "·"],
    ]
    assert _buttons(html, "<h2>Campaign-level figures</h2>") == [
        f"/campaigns/{c.id}/snapshots/{results['tag'].id}/delete"
    ]


def test_a_viewer_sees_the_history_without_edit_or_delete(client, factory, results):
    sign_in(client, factory.user(results["ws"], role="viewer"))
    c, p = results["campaign"], results["post"]

    post_page = client.get(f"/campaigns/{c.id}/posts/{p.id}").get_data(as_text=True)
    results_page = client.get(f"/campaigns/{c.id}/results").get_data(as_text=True)

    assert len(_rows(post_page, "<h2>History</h2>")) == 2
    assert _buttons(post_page, "<h2>History</h2>") == []
    assert _buttons(results_page, "<h2>Campaign-level figures</h2>") == []
    assert "/edit" not in post_page.split("<h2>History</h2>")[1]
