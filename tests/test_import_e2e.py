"""End to end, as a manager works: TikTok Studio exports at mid-campaign and at the end, then
the shop's orders, all through the upload pages; the dashboard then shows hand-computed figures,
and importing any of the files again changes nothing.

The campaign: March 2026, EUR, Léa (@lea.glow on TikTok, code LEA15, fee 1,000 EUR).
Her videos (ids encode their upload time, as TikTok's do):
  A posted 2026-03-05, B posted 2026-03-10, C posted 2026-03-25; Z from 2025 (not a campaign post).

Mid-campaign export, figures as of 2026-03-15:
  A views 10,000  likes 800    comments 50   shares 30
  B views  4,000  likes 200    comments 10   shares 5
End-of-campaign export, figures as of 2026-03-31:
  A views 25,000  likes 1,500  comments 120  shares 80
  B views  9,000  likes 400    comments 30   shares 20
  C views  6,000  likes 300    comments 25   shares 16
Orders: #2001 LEA15 120.00, #2002 lea15 80.00 (same code, other case), #2003 OTHER10 45.00
(no participant: left out), #2004 no code 60.00 (left out), #2005 LEA15 refunded (left out).

Hand-computed, at the end:
  views = 25,000 + 9,000 + 6,000 = 40,000
  E = likes 2,200 + comments 175 + shares 116 = 2,491;  ER = 2,491 / 40,000 = 6.2275 % → 6.23 %
  conversions = 2;  revenue = 120.00 + 80.00 = 200.00 EUR
  cost = 1,000 EUR;  ROAS = 200 / 1,000 = 0.2 → "0.2:1"
As of 2026-03-15 (the mid-campaign export): views = 10,000 + 4,000 = 14,000.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape

from sqlalchemy import func
from sqlmodel import select

from tracker.analytics import campaign_summary
from tracker.models import Conversion, CostLine, ImportBatch, Post, Snapshot

from .importers.conftest import DATA, build_csv
from .web.conftest import sign_in


def video(posted: datetime, low: int) -> str:
    """A TikTok video link whose id encodes `posted` (top 32 bits = Unix seconds)."""
    return f"https://www.tiktok.com/@lea.glow/video/{(int(posted.timestamp()) << 32) | low}"


A = video(datetime(2026, 3, 5, 18, 0, tzinfo=UTC), 1_234_567)
B = video(datetime(2026, 3, 10, 17, 30, tzinfo=UTC), 7_654_321)
C = video(datetime(2026, 3, 25, 19, 0, tzinfo=UTC), 2_468_024)
Z = video(datetime(2025, 11, 2, 12, 0, tzinfo=UTC), 1_357_913)
STUDIO_HEADER = ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"]  # fmt: skip


def studio_export(rows: list[list[str]]) -> bytes:
    """Content.csv as TikTok Studio writes it: BOM, every field quoted, no trailing newline."""
    return build_csv([STUDIO_HEADER, *rows], bom=True, quote_all=True).rstrip(b"\n")


MID = studio_export(
    [
        ["March 1", "Routine du soir ✨", A, "March 5", "800", "50", "30", "10000"],
        ["March 1", "GRWM", B, "March 10", "200", "10", "5", "4000"],
        ["March 1", "Vieille vidéo", Z, "November 2", "90", "3", "1", "1500"],
    ]
)
END = studio_export(
    [
        ["March 1", "Routine du soir ✨", A, "March 5", "1,500", "120", "80", "25000"],
        ["March 1", "GRWM", B, "March 10", "400", "30", "20", "9000"],
        ["March 1", "Les résultats", C, "March 25", "300", "25", "16", "6000"],
        ["March 1", "Vieille vidéo", Z, "November 2", "95", "3", "1", "1600"],
    ]
)


def shopify_export() -> bytes:
    """Orders with the real 79-column Shopify header (read from the sample export)."""
    header = (DATA / "shopify_orders.csv").read_text(encoding="utf-8").splitlines()[0].split(",")

    def line(**cells: str) -> list[str]:
        return [cells.get(name, "") for name in header]

    def order(name, status, total, code, created, refunded="0.00"):
        return line(
            **{
                "Name": name, "Email": "client@example.fr", "Financial Status": status,
                "Currency": "EUR", "Subtotal": total, "Shipping": "0.00", "Taxes": "0.00",
                "Total": total, "Discount Code": code, "Created at": created,
                "Lineitem quantity": "1", "Lineitem name": "Sérum éclat 30 ml",
                "Lineitem price": total, "Refunded Amount": refunded,
            }
        )  # fmt: skip

    return build_csv(
        [
            header,
            order("#2001", "paid", "120.00", "LEA15", "2026-03-12 21:14:03 +0100"),
            line(Name="#2001", **{"Lineitem quantity": "1", "Lineitem name": "Pinceau"}),
            order("#2002", "paid", "80.00", "lea15", "2026-03-20 10:00:00 +0100"),
            order("#2003", "paid", "45.00", "OTHER10", "2026-03-21 10:00:00 +0100"),
            order("#2004", "paid", "60.00", "", "2026-03-22 10:00:00 +0100"),
            order("#2005", "refunded", "50.00", "LEA15", "2026-03-23 10:00:00 +0100", "50.00"),
        ]
    )


def upload_and_commit(client, campaign_id: int, name: str, data: bytes, as_of: str = "") -> str:
    """Upload, open the preview, press Import; return the preview page's text."""
    response = client.post(
        f"/campaigns/{campaign_id}/imports",
        data={"file": (io.BytesIO(data), name), "as_of": as_of},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview = _text(client.get(response.location).get_data(as_text=True))
    done = client.post(response.location + "/commit")
    assert done.status_code == 302
    return preview


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def kpi(html: str, key: str) -> str:
    match = re.search(rf'data-kpi="{key}">([^<]*)<', html)
    assert match, key
    return match.group(1).strip()


def promo_code_orders(html: str) -> list[str]:
    row = re.search(r'<tr data-attribution="promo_code">(.*?)</tr>', html, re.S)
    assert row, "no promo-code attribution row"
    return [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))]


def state(session) -> tuple:
    """Everything the imports may write, to compare before and after a second import."""
    session.expire_all()
    return (
        session.exec(select(Post.id, Post.url_key).order_by(Post.id)).all(),
        session.exec(
            select(
                Snapshot.id,
                Snapshot.captured_on,
                Snapshot.views,
                Snapshot.likes,
                Snapshot.recorded_at,
            ).order_by(Snapshot.id)
        ).all(),
        session.exec(
            select(Conversion.id, Conversion.order_id, Conversion.amount).order_by(Conversion.id)
        ).all(),
        session.exec(select(func.count()).select_from(CostLine)).one(),
    )


def test_studio_exports_mid_and_end_then_orders_give_the_hand_computed_dashboard(
    client, factory, session
):
    workspace = factory.workspace(name="Atelier")
    brand = factory.brand(workspace, name="Maison Lumière")
    campaign = factory.campaign(
        brand,
        name="Printemps 2026",
        slug="printemps-2026",
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        currency="EUR",
        timezone="Europe/Paris",
    )
    lea = factory.participation(
        campaign,
        factory.influencer(workspace.id, handle="lea.glow", platform="tiktok", name="Léa"),
        platform="tiktok",
        promo_code="LEA15",
    )
    factory.cost(campaign, "1000", participation=lea)
    sign_in(client, factory.user(workspace, role="manager"))

    mid = upload_and_commit(client, campaign.id, "Content_lea.glow.csv", MID, as_of="2026-03-15")
    assert "New posts 2" in mid  # A and B; the 2025 video is listed, not ticked
    end = upload_and_commit(client, campaign.id, "Content_lea.glow.csv", END, as_of="2026-03-31")
    assert "New posts 1" in end and "Snapshots 3 new" in end  # C is new; A and B get a new day
    orders = upload_and_commit(client, campaign.id, "orders_export.csv", shopify_export())
    assert "Conversions 2 new" in orders and "Promo code OTHER10" in orders

    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert kpi(html, "views") == "40,000"
    assert kpi(html, "engagement_rate") == "6.23%"
    assert kpi(html, "revenue") == "€200.00"
    assert kpi(html, "roas") == "0.2:1"
    assert promo_code_orders(html) == ["2", "€200.00"]

    summary = campaign_summary(session, campaign, today=date(2026, 4, 1))
    assert summary.totals["views"] == 40_000
    assert (summary.totals["likes"], summary.totals["comments"], summary.totals["shares"]) == (
        2_200,
        175,
        116,
    )
    assert summary.kpis["engagement_rate"] == Decimal(2491) / Decimal(40000)
    assert summary.totals["conversions"] == 2
    assert summary.totals["revenue"] == Decimal("200.00")
    assert summary.kpis["roas"] == Decimal("0.2")
    mid_summary = campaign_summary(
        session, campaign, today=date(2026, 4, 1), as_of=date(2026, 3, 15)
    )
    assert mid_summary.totals["views"] == 14_000

    before = state(session)
    again_mid = upload_and_commit(client, campaign.id, "Content_lea.glow.csv", MID)
    again_end = upload_and_commit(
        client, campaign.id, "Content_lea.glow.csv", END, as_of="2026-03-31"
    )
    again_orders = upload_and_commit(client, campaign.id, "orders_export.csv", shopify_export())
    assert "Snapshots 0 new · 0 updated · 2 unchanged" in again_mid
    assert "Snapshots 0 new · 0 updated · 3 unchanged" in again_end
    assert "Conversions 0 new · 2 already recorded" in again_orders
    assert state(session) == before
    assert session.exec(select(func.count()).select_from(ImportBatch)).one() == 6
    again = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert [kpi(again, k) for k in ("views", "engagement_rate", "revenue", "roas")] == [
        "40,000",
        "6.23%",
        "€200.00",
        "0.2:1",
    ]
