"""Posts and their metric snapshots, written with KPI.md's snapshot semantics."""

from __future__ import annotations

from sqlmodel import select

from ..db import get_session
from ..importers.urls import normalise_post_url
from ..models import Campaign, Post, Snapshot
from ..results import service
from ..results.service import SnapshotInput
from . import auditing
from .blueprint import api
from .errors import ApiError, invalid
from .pages import paginate
from .schemas.results import (
    PostCreate,
    PostListQuery,
    PostPage,
    PostPublic,
    SnapshotBulk,
    SnapshotIn,
    SnapshotListQuery,
    SnapshotPage,
    SnapshotPublic,
    SnapshotWriteResult,
)
from .scope import campaign_participation, campaign_post

MAX_URL_KEY = 400
AUDITED_CHANGES = 50  # per request; the counts are always recorded


@api.get(
    "/campaigns/<int:campaign_id>/posts",
    query=PostListQuery,
    response=PostPage,
    summary="List a campaign's posts",
    tag="results",
)
def list_posts(campaign: Campaign, query: PostListQuery) -> PostPage:
    rows = select(Post).where(Post.campaign_id == campaign.id).order_by(Post.id)
    if query.participation_id is not None:
        rows = rows.where(Post.participation_id == query.participation_id)
    return paginate(rows, query, PostPage, PostPublic.of)


@api.post(
    "/campaigns/<int:campaign_id>/posts",
    body=PostCreate,
    response=PostPublic,
    status=201,
    summary="Add a post of one participation (its platform is the participation's)",
    tag="results",
)
def create_post(campaign: Campaign, body: PostCreate) -> PostPublic:
    participation = campaign_participation(campaign, body.participation_id)
    try:
        url_key = normalise_post_url(body.url)
    except ValueError as exc:
        raise invalid({"url": "is not a link to a post"}) from exc
    if len(url_key) > MAX_URL_KEY:
        raise invalid({"url": f"is too long once normalised (over {MAX_URL_KEY} characters)"})
    db = get_session()
    if db.exec(
        select(Post.id).where(Post.campaign_id == campaign.id, Post.url_key == url_key)
    ).first():
        raise ApiError(
            409, "This post is already in the campaign.", {"url": "already in the campaign"}
        )
    post = service.add_post(
        db,
        participation=participation,
        url=body.url,
        url_key=url_key,
        posted_at=body.posted_at,
        is_paid=body.is_paid,
        title=body.title,
        external_id=body.external_id,
    )
    auditing.record("create", "post", post.id, {"url": post.url, "is_paid": post.is_paid})
    return PostPublic.of(post)


@api.get("/posts/<int:post_id>", response=PostPublic, summary="Read a post", tag="results")
def get_post(post: Post) -> PostPublic:
    return PostPublic.of(post)


# ---------------------------------------------------------------------------- snapshots


def _snapshot_input(campaign: Campaign, item: SnapshotIn, prefix: str) -> SnapshotInput:
    """Check the scope belongs to the campaign and build the service's input."""
    participation_id = item.participation_id
    if item.post_id is not None:
        post = campaign_post(campaign, item.post_id, field=f"{prefix}post_id")
        if participation_id is not None and participation_id != post.participation_id:
            raise invalid({f"{prefix}participation_id": "is not the post's participation"})
        participation_id = post.participation_id
    elif participation_id is not None:
        campaign_participation(campaign, participation_id, field=f"{prefix}participation_id")
    values = item.metrics.model_dump(exclude_none=True)
    if not values:
        raise invalid({f"{prefix}metrics": "give at least one metric"})
    currency = (item.revenue_currency or campaign.currency) if "revenue" in values else None
    return SnapshotInput(
        campaign_id=campaign.id,
        captured_on=item.captured_on,
        source=item.source,
        values=values,
        participation_id=participation_id,
        post_id=item.post_id,
        revenue_currency=currency,
    )


def _write(campaign: Campaign, inputs: list[SnapshotInput]) -> SnapshotWriteResult:
    counts = service.write_snapshots(get_session(), inputs)
    changes = [
        {"key": [str(part) for part in key], "before": _plain(old), "after": _plain(new)}
        for key, old, new in counts.changes[:AUDITED_CHANGES]
    ]
    auditing.record(
        "write",
        "snapshot",
        None,
        {
            "campaign_id": campaign.id,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "changes": changes,
        },
    )
    return SnapshotWriteResult(
        created=counts.created, updated=counts.updated, unchanged=counts.unchanged
    )


def _plain(values: dict) -> dict:
    return {k: None if v is None else str(v) for k, v in values.items() if v is not None}


@api.post(
    "/campaigns/<int:campaign_id>/snapshots",
    body=SnapshotIn,
    response=SnapshotWriteResult,
    summary="Record one snapshot (replaces the same scope, day and source; never adds)",
    tag="results",
)
def create_snapshot(campaign: Campaign, body: SnapshotIn) -> SnapshotWriteResult:
    return _write(campaign, [_snapshot_input(campaign, body, "")])


@api.post(
    "/campaigns/<int:campaign_id>/snapshots/bulk",
    body=SnapshotBulk,
    response=SnapshotWriteResult,
    summary="Record up to 5,000 snapshots at once, all or nothing",
    tag="results",
)
def create_snapshots_bulk(campaign: Campaign, body: SnapshotBulk) -> SnapshotWriteResult:
    inputs = [
        _snapshot_input(campaign, item, f"snapshots.{i}.") for i, item in enumerate(body.snapshots)
    ]
    return _write(campaign, inputs)


@api.get(
    "/campaigns/<int:campaign_id>/snapshots",
    query=SnapshotListQuery,
    response=SnapshotPage,
    summary="List a campaign's snapshots (the history, oldest first)",
    tag="results",
)
def list_snapshots(campaign: Campaign, query: SnapshotListQuery) -> SnapshotPage:
    rows = (
        select(Snapshot)
        .where(Snapshot.campaign_id == campaign.id)
        .order_by(Snapshot.captured_on, Snapshot.recorded_at, Snapshot.id)
    )
    if query.post_id is not None:
        rows = rows.where(Snapshot.post_id == query.post_id)
    if query.participation_id is not None:
        rows = rows.where(Snapshot.participation_id == query.participation_id)
    if query.source is not None:
        rows = rows.where(Snapshot.source == query.source)
    if query.date_from is not None:
        rows = rows.where(Snapshot.captured_on >= query.date_from)
    if query.date_to is not None:
        rows = rows.where(Snapshot.captured_on <= query.date_to)
    return paginate(rows, query, SnapshotPage, SnapshotPublic.of)


@api.get(
    "/snapshots/<int:snapshot_id>",
    response=SnapshotPublic,
    summary="Read a snapshot",
    tag="results",
)
def get_snapshot(snapshot: Snapshot) -> SnapshotPublic:
    return SnapshotPublic.of(snapshot)
