"""Deterministic benchmark data: a workspace with one large campaign and enough history around it.

Small tables go through SQLAlchemy Core (so types are stored exactly as the app stores them);
posts and snapshots, the bulk, through the DBAPI (executemany on SQLite, COPY on PostgreSQL).
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from tracker.importers.urls import normalise_post_url
from tracker.models import (
    Brand,
    Campaign,
    CostLine,
    Goal,
    Influencer,
    Participation,
    Post,
    Snapshot,
    SocialAccount,
    User,
    Workspace,
)
from tracker.results import rollups

START = date(2026, 1, 5)
RECORDED_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# Followers spread over the five default tiers (nano … mega).
FOLLOWERS = (4_000, 8_500, 22_000, 41_000, 95_000, 180_000, 420_000, 750_000, 1_600_000, 3_200_000)
SNAPSHOT_COLUMNS = (
    "campaign_id",
    "participation_id",
    "post_id",
    "captured_on",
    "source",
    "recorded_at",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "link_clicks",
)
PASSWORD = "bench-password-123"


@dataclass
class CampaignData:
    id: int
    participations: list[int]
    posts: list[tuple[int, int]]  # (post id, participation id)
    post_urls: list[str] = field(default_factory=list)


@dataclass
class Workspace_:
    id: int
    brand_id: int
    user_email: str
    campaigns: list[CampaignData] = field(default_factory=list)
    snapshots: int = 0


def create_workspace(engine: Engine, *, password_hash: str) -> Workspace_:
    with engine.begin() as conn:
        ws = conn.execute(
            insert(Workspace.__table__).values(
                name="Bench Agency", slug="bench-agency", created_at=RECORDED_AT
            )
        ).inserted_primary_key[0]
        brand = conn.execute(
            insert(Brand.__table__).values(
                workspace_id=ws, name="Bench Brand", slug="bench-brand", created_at=RECORDED_AT
            )
        ).inserted_primary_key[0]
        email = "bench@example.com"
        conn.execute(
            insert(User.__table__).values(
                workspace_id=ws,
                email=email,
                name="Bench",
                password_hash=password_hash,
                role="manager",
                is_active=True,
                created_at=RECORDED_AT,
            )
        )
    return Workspace_(ws, brand, email)


def add_campaign(
    engine: Engine,
    ws: Workspace_,
    *,
    name: str,
    participations: int,
    posts_per_participation: int,
    days: int,
    snapshots: bool = True,
) -> CampaignData:
    """A campaign with its creators, fees, goals, posts and (optionally) daily snapshots."""
    n = len(ws.campaigns) + 1
    end = START + timedelta(days=max(days, 30) - 1)
    with engine.begin() as conn:
        cid = conn.execute(
            insert(Campaign.__table__).values(
                brand_id=ws.brand_id,
                name=name,
                slug=f"bench-{n}",
                objective="sales",
                start_date=START,
                end_date=end,
                currency="EUR",
                budget=Decimal("250000"),
                hashtags="#bench",
                target_roi_ratio=Decimal("5"),
                status="active",
                timezone="Europe/Paris",
                locale="en",
                created_at=RECORDED_AT,
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(Goal.__table__),
            [
                {
                    "campaign_id": cid,
                    "metric": "views",
                    "target": Decimal(5_000_000_000),
                    "unit_value": Decimal("0.002"),
                },
                {
                    "campaign_id": cid,
                    "metric": "link_clicks",
                    "target": Decimal(2_000_000),
                    "unit_value": Decimal("0.10"),
                },
            ],
        )
        influencers = (
            conn.execute(
                insert(Influencer.__table__).returning(
                    Influencer.__table__.c.id, sort_by_parameter_order=True
                ),
                [
                    {
                        "workspace_id": ws.id,
                        "name": f"Creator {n}-{i}",
                        "niche": "beauty",
                        "notes": "",
                        "created_at": RECORDED_AT,
                    }
                    for i in range(participations)
                ],
            )
            .scalars()
            .all()
        )
        conn.execute(
            insert(SocialAccount.__table__),
            [
                {
                    "influencer_id": inf,
                    "platform": "tiktok",
                    "handle": f"creator{n}_{i}",
                    "followers": FOLLOWERS[i % 10],
                }
                for i, inf in enumerate(influencers)
            ],
        )
        parts = (
            conn.execute(
                insert(Participation.__table__).returning(
                    Participation.__table__.c.id, sort_by_parameter_order=True
                ),
                [
                    {
                        "campaign_id": cid,
                        "influencer_id": inf,
                        "platform": "tiktok",
                        "followers_at_join": FOLLOWERS[i % 10],
                        "fee": Decimal(200 + 37 * (i % 50)),
                        "fee_currency": "EUR",
                        "deliverables": posts_per_participation,
                        "deliverables_note": "",
                        "promo_code": f"B{n}X{i}",
                        "link_code": f"b{n}x{i}",
                        "joined_on": START,
                        "created_at": RECORDED_AT,
                    }
                    for i, inf in enumerate(influencers)
                ],
            )
            .scalars()
            .all()
        )
        conn.execute(
            insert(CostLine.__table__),
            [
                {
                    "campaign_id": cid,
                    "participation_id": p,
                    "category": "influencer_fee",
                    "amount": Decimal(200 + 37 * (i % 50)),
                    "currency": "EUR",
                    "incurred_on": START,
                }
                for i, p in enumerate(parts)
            ]
            + [
                {
                    "campaign_id": cid,
                    "participation_id": None,
                    "category": "agency_fee",
                    "amount": Decimal(5000),
                    "currency": "EUR",
                    "incurred_on": START,
                }
            ],
        )
        post_rows = [
            {
                "campaign_id": cid,
                "participation_id": p,
                "platform": "tiktok",
                "url": _url(n, i, k),
                "url_key": normalise_post_url(_url(n, i, k)),
                "title": f"Post {k} of creator {i}",
                "posted_at": datetime.combine(START, datetime.min.time(), UTC)
                + timedelta(hours=i % 24),
                "is_paid": (i + k) % 7 == 0,
                "created_at": RECORDED_AT,
            }
            for i, p in enumerate(parts)
            for k in range(posts_per_participation)
        ]
        ids = (
            conn.execute(
                insert(Post.__table__).returning(Post.__table__.c.id, sort_by_parameter_order=True),
                post_rows,
            )
            .scalars()
            .all()
            if post_rows
            else []
        )
    posts = [(pid, row["participation_id"]) for pid, row in zip(ids, post_rows, strict=True)]
    campaign = CampaignData(cid, list(parts), posts, [r["url"] for r in post_rows])
    ws.campaigns.append(campaign)
    if snapshots and posts:
        sqlite = engine.dialect.name == "sqlite"
        ws.snapshots += write_snapshot_rows(engine, snapshot_rows(campaign, days, sqlite=sqlite))
        # Raw inserts bypass write_snapshots: compute the campaign's rollups as it would have.
        with engine.begin() as connection:
            rollups.rebuild(connection, [cid])
    return campaign


def _url(n: int, i: int, k: int) -> str:
    return f"https://www.tiktok.com/@creator{n}_{i}/video/{7_500_000_000_000_000_000 + n * 10_000_000 + i * 1000 + k}"


def snapshot_rows(
    campaign: CampaignData, days: int, *, sqlite: bool, source: str = "tiktok_studio"
) -> Iterator[tuple]:
    """One snapshot per post and day (post by post, in index order): running totals that grow.

    On SQLite, dates are given as SQLAlchemy stores them (ISO day; naive UTC with microseconds).
    """
    on_days = [START + timedelta(days=d) for d in range(days)]
    recorded: object = RECORDED_AT
    if sqlite:
        on_days = [d.isoformat() for d in on_days]
        recorded = RECORDED_AT.strftime("%Y-%m-%d %H:%M:%S.%f")
    cid = campaign.id
    for j, (post_id, part_id) in enumerate(campaign.posts):
        base = (50 + (post_id * 7919) % 950) * 20
        saves = bool(j % 3)  # one post in three never has saves
        for day, on in enumerate(on_days):
            views = base * (day + 1)
            yield (
                cid,
                part_id,
                post_id,
                on,
                source,
                recorded,
                views,
                views // 12,
                views // 150,
                views // 300,
                views // 400 if saves else None,
                views // 90,
            )


def write_snapshot_rows(engine: Engine, rows: Iterator[tuple], chunk: int = 50_000) -> int:
    """Bulk-insert snapshot tuples (SNAPSHOT_COLUMNS order) with the DBAPI; returns the count."""
    raw = engine.raw_connection()
    written = 0
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            columns = ", ".join(SNAPSHOT_COLUMNS)
            with cursor.copy(f"COPY snapshot ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            # The indexes of a table of millions of rows outgrow SQLite's 2 MB default cache.
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("PRAGMA foreign_keys=OFF")  # generated consistent; saves a third
            marks = ", ".join("?" for _ in SNAPSHOT_COLUMNS)
            sql = f"INSERT INTO snapshot ({', '.join(SNAPSHOT_COLUMNS)}) VALUES ({marks})"
            while True:
                batch = list(itertools.islice(rows, chunk))
                if not batch:
                    break
                cursor.executemany(sql, batch)
                written += len(batch)
        raw.commit()
    finally:
        raw.close()
    return written


def snapshot_count(engine: Engine) -> int:
    from sqlalchemy import func

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Snapshot.__table__)).scalar_one()


def generic_csv(campaign: CampaignData, rows: int, *, days: int) -> bytes:
    """A Tracker CSV (tracker/importers/generic.py) of `rows` snapshots of the campaign's posts."""
    out = io.StringIO()
    out.write("post_url,captured_on,views,likes,comments,shares,saves\n")
    posts = campaign.post_urls
    per_day = len(posts)
    for r in range(rows):
        day, j = divmod(r, per_day)
        views = (100 + j % 900) * 10 * (day % days + 1)
        on = START + timedelta(days=day % days)
        out.write(
            f"{posts[j]},{on.isoformat()},{views},{views // 12},{views // 150},{views // 300},{views // 400}\n"
        )
    return out.getvalue().encode()


def write_generic_zip(
    path: Path, campaign: CampaignData, rows: int, *, days: int, part_bytes: int = 40_000_000
) -> int:
    """The same rows as `generic_csv`, split into CSV parts of at most ~40 MB inside a ZIP."""
    text = generic_csv(campaign, rows, days=days).decode()
    header, _, body = text.partition("\n")
    lines = body.splitlines(keepends=True)
    parts, current, size = [], [], 0
    for line in lines:
        if size + len(line) > part_bytes and current:
            parts.append(current)
            current, size = [], 0
        current.append(line)
        size += len(line)
    if current:
        parts.append(current)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n, part in enumerate(parts, start=1):
            archive.writestr(f"snapshots-part{n}.csv", header + "\n" + "".join(part))
    return len(text)


def sizes(scale: float) -> dict[str, int]:
    """How much data each figure uses; scale 1 is the issue's sizes."""

    def s(n: int, low: int = 1) -> int:
        return max(low, int(round(n * scale)))

    return {
        "big_participations": s(300, 3),
        "big_posts_per_participation": 10,
        "days": 90 if scale >= 0.05 else 10,
        "filler_campaigns_1m": s(9, 1),
        "filler_campaigns_4m": s(34, 1),
        "filler_participations": s(100, 2) if scale < 1 else 100,
        "import_rows": s(1_000_000, 200),
        "import_posts": s(10_000, 20),
    }


def summary(ws: Workspace_) -> Sequence[int]:
    return [len(c.posts) for c in ws.campaigns]
