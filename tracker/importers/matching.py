"""Match parsed records to one campaign's posts, influencers and orders: the import plan.

The parsers say what a file holds; this module decides what it means for a campaign:
which post a row is a snapshot of, which participation a handle, promo code or UTM content
belongs to, what is new, what is already there, and which rows are left out and why.
Nothing is written here: ``commit.py`` applies a plan in one transaction, and the preview
shows the same plan first. Rules (written down in docs/import-formats.md):

- posts by ``url_key`` (``urls.normalise_post_url``); a post not in the campaign whose author
  is a participant becomes a new post of that participation, pre-selected when it was
  published within the campaign's dates;
- a handle, promo code, UTM content or ad no participation claims is an *unknown*: listed,
  and left out unless the user maps it to a participation;
- GA4 rows count only when ``utm_campaign`` is the campaign's slug (any case); ``utm_content``
  is a participation's link code; rows of the campaign without one are campaign-level;
- orders go to a participation by promo code, deduplicated by order id like the conversion
  endpoint; orders without a code, or placed before the campaign started, are left out;
- TikTok Ads rows become paid-amplification cost lines, one per ad and day; their metrics
  are not stored (a Spark Ad's views and likes are counted on the boosted post itself).

Per-row work is kept to dict lookups so a million-row snapshot file plans in seconds, and
a file is planned part by part (``Planner.feed``): only what must hold across parts is kept.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask import has_request_context
from flask_babel import gettext
from sqlmodel import Session, select

from ..models import Post
from ..results.service import SnapshotColumns, SnapshotInput, WriteCounts
from .errors import RowError
from .generic import campaign_identity, participation_identity, post_identity
from .lookups import Lookups
from .model import (
    ACCOUNT,
    AD,
    CAMPAIGN,
    PARTICIPATION,
    UTM,
    OrderRecord,
    ParseResult,
    PostColumns,
    PostRecord,
    ScopeRecord,
)
from .urls import PostLink

SKIP = "skip"
CAMPAIGN_LEVEL = "campaign"
# Exports of one creator's own account: rows without a handle all belong to that account.
ACCOUNT_EXPORTS = ("tiktok_studio", "youtube_studio")
# Exports the user wrote for this campaign: every new post in them is meant to be imported.
DELIBERATE_EXPORTS = ("generic",)
# Column sizes (tracker/models): longer values are rejected rows, never cut or a failed commit.
MAX_URL_KEY = 400
MAX_ORDER_ID = 80
# Shop clocks drift; an order more than a day ahead is a wrong date (as at the endpoint).
FUTURE_TOLERANCE = timedelta(days=1)


# ---------------------------------------------------------------------------- options


@dataclass
class Options:
    """What the user decided about an upload; stored as JSON on the ImportBatch."""

    format: str | None = None
    # The day figures are dated when the file does not say; None: the day of the upload.
    as_of: date | None = None
    # Currency of money the file does not label (GA4, WooCommerce); None: the campaign's.
    currency: str | None = None
    # Unknown key → "skip", "campaign" or a participation id (as text).
    mapping: dict[str, str] = field(default_factory=dict)
    # New post url_key → import it or not (absent: the default the preview showed).
    posts: dict[str, bool] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Options:
        data = json.loads(text or "{}")
        as_of = data.get("as_of")
        return cls(
            format=data.get("format") or None,
            as_of=date.fromisoformat(as_of) if as_of else None,
            currency=data.get("currency") or None,
            mapping={str(k): str(v) for k, v in (data.get("mapping") or {}).items()},
            posts={str(k): bool(v) for k, v in (data.get("posts") or {}).items()},
        )


# ---------------------------------------------------------------------------- the plan


@dataclass
class NewPost:
    key: str
    url: str
    platform: str
    participation_id: int
    title: str
    posted_at: datetime | None
    is_paid: bool
    external_id: str | None
    row: int
    within_dates: bool
    include: bool


@dataclass
class Unknown:
    """Rows nothing in the campaign claims, grouped by what would claim them."""

    key: str  # "handle:tiktok:lea.glow", "account:youtube", "post:<url_key>", "promo:X", …
    kind: str  # handle, account, post, promo, utm_content, ad
    value: str
    platform: str | None
    rows: list[int] = field(default_factory=list)
    count: int = 0
    choice: str = SKIP
    suggestion: int | None = None
    hint: str | None = None  # an influencer of the workspace with this handle, not in the campaign
    amount: Decimal = Decimal(0)  # orders' revenue or ads' cost, to help decide


@dataclass
class LeftOut:
    """A row deliberately not imported; ``code`` says why (translated when shown)."""

    row: int
    column: str
    code: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class PendingSnapshot:
    """A snapshot of a post the commit creates first."""

    url_key: str
    participation_id: int
    captured_on: date
    values: dict[str, Any]
    revenue_currency: str | None


def _carried(metrics: dict[str, list[Any]]) -> Callable[[int], bool]:
    """Whether row i carries a metric (a row without any writes no snapshot)."""
    if metrics and not any(None in values for values in metrics.values()):
        return lambda i: True
    columns = list(metrics.values())
    return lambda i: any(values[i] is not None for values in columns)


@dataclass
class PendingColumns:
    """Snapshots, as columns, of posts the commit creates first (`post_id` is filled in then)."""

    url_key: list[str]
    snapshots: SnapshotColumns


LIST_LIMIT = 500  # rows of each list the plan keeps; its counts are always complete
WARNINGS_KEPT = 50


@dataclass
class PartPlan:
    """What one part of a file adds to the import: the writes the commit makes for it.

    The preview counts the same objects; nothing here holds more than one part's rows,
    except the last part (``Planner.finish``), which adds what needed the whole file.
    """

    rows: int = 0
    new_posts: list[NewPost] = field(default_factory=list)  # first seen in this part
    snapshots: list[SnapshotInput] = field(default_factory=list)
    # The snapshots of a part read as columns (the tracker's CSV in bulk): none of their
    # keys is in `snapshots`, so the two are written apart.
    columns: SnapshotColumns | None = None
    pending: list[PendingSnapshot] = field(default_factory=list)
    pending_columns: PendingColumns | None = None  # keys apart from `pending`'s
    conversions: list[dict[str, Any]] = field(default_factory=list)
    new_costs: list[dict[str, Any]] = field(default_factory=list)
    changed_costs: list[dict[str, Any]] = field(default_factory=list)
    post_fills: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What the import does, over all its parts: complete counts, capped lists."""

    campaign_id: int
    format: str
    as_of: date
    rows_read: int = 0
    warnings: list[str] = field(default_factory=list)
    more_warnings: int = 0
    period: tuple[date | None, date | None] = (None, None)
    new_posts: list[NewPost] = field(default_factory=list)
    posts_created: int = 0
    posts_updated: int = 0
    snapshots_pending: int = 0  # snapshots of new posts (all created)
    conversions: int = 0
    duplicate_orders: int = 0
    new_costs: int = 0
    changed_costs: int = 0
    unchanged_costs: int = 0
    unknowns: dict[str, Unknown] = field(default_factory=dict)
    rejected: list[RowError] = field(default_factory=list)  # the LIST_LIMIT first rows
    rejected_count: int = 0
    left_out: dict[str, list[LeftOut]] = field(default_factory=dict)  # by code, capped
    left_out_counts: dict[str, int] = field(default_factory=dict)
    ignored_ad_metrics: bool = False
    # What the snapshots would do to the database (the preview), or did (the commit).
    snapshot_counts: WriteCounts | None = None
    # What the first pass over the file learned, to keep with the upload (ParseStream.survey).
    survey: dict | None = None

    def warn(self, message: str) -> None:
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(message)
        else:
            self.more_warnings += 1

    def reject(self, error: RowError) -> None:
        """Count a rejected row; keep the LIST_LIMIT lowest row numbers (first found first)."""
        self.rejected_count += 1
        self.rejected.append(error)
        if len(self.rejected) >= 2 * LIST_LIMIT:
            self.rejected = sorted(self.rejected, key=lambda e: e.row)[:LIST_LIMIT]

    def leave_out(self, item: LeftOut) -> None:
        self.left_out_counts[item.code] = self.left_out_counts.get(item.code, 0) + 1
        items = self.left_out.setdefault(item.code, [])
        if len(items) < LIST_LIMIT:
            items.append(item)

    def rejected_rows(self) -> list[RowError]:
        return sorted(self.rejected, key=lambda e: e.row)[:LIST_LIMIT]

    def counts(self) -> dict[str, int]:
        snaps = self.snapshot_counts or WriteCounts()
        return {
            "posts_created": self.posts_created,
            "posts_updated": self.posts_updated,
            "snapshots_created": snaps.created + self.snapshots_pending,
            "snapshots_updated": snaps.updated,
            "snapshots_unchanged": snaps.unchanged,
            "conversions_created": self.conversions,
            "conversions_duplicate": self.duplicate_orders,
            "costs_created": self.new_costs,
            "costs_updated": self.changed_costs,
            "costs_unchanged": self.unchanged_costs,
            "rejected": self.rejected_count,
            "left_out": sum(self.left_out_counts.values()),
        }


class HeldBack:
    """Snapshots whose key another part of the file may write too, kept for the last part.

    Written last, a key's later row wins and is counted once against what was stored, as
    when the file is one part. Few rows stay in memory; when the file's first pass counted
    more than one part's worth, they go to temporary files, one per bucket of identities
    (all rows of a key share an identity, so a bucket holds every row of its keys), and
    are read back one bucket at a time: memory holds about one part, whatever the file.
    """

    BUFFER = 2_000  # rows kept per bucket before they are written to its file

    def __init__(self, rows: int = 0, part_rows: int = 50_000) -> None:
        self.buckets = max(1, -(-rows // max(part_rows, 1)))
        self._buffers: list[PartPlan] = [PartPlan() for _ in range(self.buckets)]
        self._files: dict[int, IO[bytes]] = {}

    def snapshot(self, identity: int, item: SnapshotInput) -> None:
        buffer = self._buffers[identity % self.buckets]
        buffer.snapshots.append(item)
        self._spill(identity % self.buckets, buffer)

    def pending(self, identity: int, item: PendingSnapshot) -> None:
        buffer = self._buffers[identity % self.buckets]
        buffer.pending.append(item)
        self._spill(identity % self.buckets, buffer)

    def _spill(self, bucket: int, buffer: PartPlan) -> None:
        if self.buckets == 1 or len(buffer.snapshots) + len(buffer.pending) < self.BUFFER:
            return
        if bucket not in self._files:
            # Closed by parts() or close(); unnamed, so nothing is left on disk either way.
            self._files[bucket] = tempfile.TemporaryFile(prefix="tracker-import-")  # noqa: SIM115
        # Rows of the same key keep their order: earlier batches are written first.
        pickle.dump((buffer.snapshots, buffer.pending), self._files[bucket], protocol=5)
        self._buffers[bucket] = PartPlan()

    def parts(self) -> Iterator[PartPlan]:
        """Each bucket's rows, in file order (the writer keeps a key's later row)."""
        for bucket in range(self.buckets):
            part = PartPlan()
            spilled = self._files.pop(bucket, None)
            if spilled is not None:
                with spilled:
                    spilled.seek(0)
                    while True:
                        try:
                            snapshots, pending = pickle.load(spilled)
                        except EOFError:
                            break
                        part.snapshots += snapshots
                        part.pending += pending
            buffer, self._buffers[bucket] = self._buffers[bucket], PartPlan()
            part.snapshots += buffer.snapshots
            part.pending += buffer.pending
            if part.snapshots or part.pending:
                yield part

    def close(self) -> None:
        for spilled in self._files.values():
            spilled.close()
        self._files.clear()


class Planner:
    """Matches a file's records to one campaign, part after part, and plans the writes.

    ``feed`` takes each part's ParseResult in file order and returns its PartPlan; ``finish``
    returns the last PartPlan (sums over the file, snapshots held back, blank post fields to
    fill). What must hold across parts is kept here and nothing else: posts seen, unknown
    groups, orders and cost references seen, and the snapshots whose key a later part may
    write again (``repeated``, from the file's first pass): those wait for ``finish``, so a
    later row of a key wins as when the whole file is one part.
    """

    def __init__(
        self,
        lookups: Lookups,
        options: Options,
        format: str,
        *,
        repeated: frozenset[int] = frozenset(),
        held: HeldBack | None = None,
    ) -> None:
        campaign = lookups.campaign
        self.lk = lookups
        self.options = options
        self.campaign = campaign
        self.zone = ZoneInfo(campaign.timezone)
        self.currency = options.currency or campaign.currency
        self.source = format
        self.repeated = repeated
        self.plan = ImportPlan(
            campaign_id=campaign.id, format=format, as_of=options.as_of or date.today()
        )
        self.new_by_key: dict[str, NewPost] = {}
        # Post id → (posted_at, title, external id) of the first row that has any of them.
        self.fills_wanted: dict[int, tuple[datetime | None, str, str | None]] = {}
        self.cost_refs: set[str] = set()
        self.seen_orders = set(lookups.orders)
        self.utm_totals: dict[tuple[int | None, date], dict[str, Any]] = {}
        self.held = held or HeldBack()  # snapshots of repeated keys, written after the last part
        self.part = PartPlan()
        self._first = True

    # -- parts -----------------------------------------------------------------------------

    def feed(self, result: ParseResult) -> PartPlan:
        """Plan one part of the file (its records, row errors and warnings)."""
        if self._first:
            self._first = False
            # A whole-file format states the file's currency; parts of the tracker's CSV
            # label every revenue with its own currency, so they need no default.
            self.currency = self.options.currency or result.revenue_currency or self.currency
        self.part = part = PartPlan(rows=result.rows_read)
        plan = self.plan
        plan.rows_read += result.rows_read
        for warning in result.warnings:
            plan.warn(warning)
        for error in result.row_errors:
            plan.reject(error)
        records = result.records
        if result.columns is not None:
            self.post_columns(result.columns)
        elif records and all(type(r) is PostRecord for r in records):
            self.posts(records)
        else:
            self.posts([r for r in records if isinstance(r, PostRecord)])
            self.scopes([r for r in records if isinstance(r, ScopeRecord)])
            self.orders([r for r in records if isinstance(r, OrderRecord)])
        self.part = PartPlan()  # the caller holds the part; nothing here keeps it alive
        return part

    def finish(
        self, session: Session, period: tuple[date | None, date | None]
    ) -> Iterator[PartPlan]:
        """The last parts: GA4 sums and blank post fields to fill, then the held-back
        snapshots (one part per bucket); notes that needed the whole file."""
        self.part = part = PartPlan()
        plan = self.plan
        plan.period = period
        for (participation_id, day), metrics in self.utm_totals.items():
            self._scope_snapshot(participation_id, day, metrics, None, hold=False)
        part.post_fills = _post_fills(session, self.fills_wanted, self.zone)
        plan.posts_updated = len(part.post_fills)
        if plan.ignored_ad_metrics:
            plan.warn(
                "The report's impressions, views, clicks and conversions are not stored: a "
                "Spark Ad's views and likes are counted on the boosted post itself, and sales "
                "come from the shop's orders. Its Cost becomes paid-amplification cost lines."
            )
        if (plan.new_costs or plan.changed_costs) and self.lk.hand_paid_costs:
            plan.warn(
                f"The campaign already has {self.lk.hand_paid_costs} paid-amplification cost "
                "line(s) entered by hand: make sure they do not cover the same ad spend."
            )
        self.part = PartPlan()
        yield part
        del part
        try:
            yield from self.held.parts()
        finally:
            self.held.close()

    # -- unknown rows ----------------------------------------------------------------------

    def _unknown(self, key: str, kind: str, value: str, platform: str | None, row: int) -> str:
        """Count a row under its unknown group; return the user's choice for the group."""
        group = self.plan.unknowns.get(key)
        if group is None:
            group = Unknown(key=key, kind=kind, value=value, platform=platform)
            if kind == "handle" and platform:
                group.hint = self.lk.workspace_handles.get((platform, value))
            group.suggestion = self._suggest(kind, value, platform)
            default = str(group.suggestion) if group.suggestion else SKIP
            group.choice = self._valid_choice(
                self.options.mapping.get(key, default), kind, platform
            )
            self.plan.unknowns[key] = group
        group.count += 1
        if len(group.rows) < 20:
            group.rows.append(row)
        return group.choice

    def _valid_choice(self, choice: str, kind: str, platform: str | None) -> str:
        return _valid_choice(self.lk, choice, kind, platform)

    def _suggest(self, kind: str, value: str, platform: str | None) -> int | None:
        """For an ad, the one participant its name mentions (by handle or first name)."""
        if kind != "ad":
            return None
        words = set(_fold(value).replace("-", " ").replace("_", " ").split())
        found = {
            t.id
            for t in self.lk.targets.values()
            if (t.handle and _fold(t.handle.lstrip("@")) in words)
            or (_fold(t.name).split() or [""])[0] in words
        }
        return found.pop() if len(found) == 1 else None

    # -- posts -----------------------------------------------------------------------------

    def posts(self, records: list[PostRecord]) -> None:
        # The hot loop of a million-row snapshot file: one dict lookup and one SnapshotInput
        # per row, locals only.
        find = self.lk.posts.get
        by_handle = self.lk.by_handle
        as_of = self.plan.as_of
        currency = self.currency
        append = self.part.snapshots.append
        hold = self.held.snapshot
        repeated = self.repeated
        campaign_id = self.campaign.id
        source = self.source
        fills = self.fills_wanted
        snapshot = SnapshotInput
        for record in records:
            found = find(record.url_key)
            if found is not None:
                metrics = record.metrics
                if metrics:
                    day = record.captured_on or as_of
                    item = snapshot(
                        campaign_id=campaign_id,
                        captured_on=day,
                        source=source,
                        values=metrics,
                        participation_id=found[1],
                        post_id=found[0],
                        revenue_currency=(record.currency or currency)
                        if "revenue" in metrics
                        else None,
                    )
                    identity = post_identity(record.url_key, day) if repeated else 0
                    if repeated and identity in repeated:
                        hold(identity, item)
                    else:
                        append(item)
                if (record.posted_at is not None or record.title or record.external_id) and found[
                    0
                ] not in fills:
                    fills[found[0]] = (record.posted_at, record.title, record.external_id)
                continue
            participation_id = (
                by_handle.get((record.platform, record.handle)) if record.handle else None
            )
            if participation_id is None:
                participation_id = self._unknown_post(record)
                if participation_id is None:
                    continue
            self._new_post(record, participation_id)

    def post_columns(self, rows: PostColumns) -> None:
        """`posts` for a part read as columns, a lookup per distinct link and none per row.

        The rows of known posts become the part's snapshot columns, and those of new posts
        whose creator takes part in the campaign (the import creates the post) its pending
        columns. The rows of any other link (an unknown creator, a post left out or refused)
        go through `posts`, which says why row by row, as do all rows of a file whose keys
        repeat across parts (they are held back one by one)."""
        if self.repeated:
            self.posts(rows.records())
            return
        find = self.lk.posts.get
        post_of = {url: find(link.url_key) for url, link in rows.links.items()}
        created = {}  # url → participation of a post this import creates
        for url, found in post_of.items():
            if found is None:
                participation_id = self._creates(rows.links[url])
                if participation_id is not None:
                    created[url] = participation_id
        urls = rows.url
        if len(created) < list(post_of.values()).count(None):
            self.posts(
                rows.records(
                    [i for i, url in enumerate(urls) if post_of[url] is None and url not in created]
                )
            )
        firsts: dict[str, int] = {}  # each new post's first row, in the file's order
        for i, url in enumerate(urls):
            if url in created and url not in firsts:
                firsts[url] = i
        for url, i in firsts.items():
            (first,) = rows.records([i])
            first.metrics = {}  # it creates the post; its snapshots follow as columns
            self._new_post(first, created[url])
        carried = _carried(rows.metrics)
        keep = [i for i, url in enumerate(urls) if post_of[url] is not None and carried(i)]
        if keep:
            found = [post_of[urls[i]] for i in keep]
            self.part.columns = self._columns(
                rows, keep, [f[1] for f in found], [f[0] for f in found]
            )
        keep = [i for i, url in enumerate(urls) if url in created and carried(i)]
        if keep:
            participations = [created[urls[i]] for i in keep]
            self.part.pending_columns = PendingColumns(
                [rows.links[urls[i]].url_key for i in keep],
                self._columns(rows, keep, participations, [None] * len(keep)),
            )

    def _creates(self, link: PostLink) -> int | None:
        """The participation of the post behind `link` if this import creates and keeps it
        with nothing to say about its rows (as `posts` and `_new_post` decide), else None."""
        participation_id = (
            self.lk.by_handle.get((link.platform, link.handle)) if link.handle else None
        )
        if participation_id is None:
            return None
        new = self.new_by_key.get(link.url_key)
        if new is not None:
            return participation_id if new.include else None
        if self._refusal(link.platform, "", link.url_key, participation_id) is not None:
            return None
        # No posted_at in a part read as columns: the post is within the dates by default.
        return participation_id if self.options.posts.get(link.url_key, True) else None

    def _refusal(
        self, platform: str, url: str, url_key: str, participation_id: int
    ) -> tuple[str, str] | None:
        """Why a new post of this link cannot be created for the participation, as the
        (value, reason) of its rows' error; None when it can."""
        target = self.lk.targets[participation_id]
        if target.platform != platform:
            return (
                url,
                f"this is a {platform} post but {target.name} takes part on {target.platform}",
            )
        if len(url_key) > MAX_URL_KEY:
            return url[:200], "this link is too long"
        return None

    def _columns(
        self,
        rows: PostColumns,
        keep: list[int],
        participations: list[int | None],
        posts: list[int | None],
    ) -> SnapshotColumns:
        n = len(keep)
        return SnapshotColumns(
            [self.campaign.id] * n,
            participations,
            posts,
            [rows.captured_on[i] for i in keep],
            [self.source] * n,
            {m: [values[i] for i in keep] for m, values in rows.metrics.items()},
            [None] * n,
        )

    def _unknown_post(self, record: PostRecord) -> int | None:
        if record.handle:
            key, kind, value = f"handle:{record.platform}:{record.handle}", "handle", record.handle
        elif self.source in ACCOUNT_EXPORTS:
            key, kind, value = f"account:{record.platform}", "account", record.platform
        else:
            key, kind, value = f"post:{record.url_key}", "post", record.url
        choice = self._unknown(key, kind, value, record.platform, record.source_row)
        if choice == SKIP:
            self.plan.leave_out(LeftOut(record.source_row, "url", "unmatched", {"what": value}))
            return None
        return int(choice)

    def _new_post(self, record: PostRecord, participation_id: int) -> None:
        new = self.new_by_key.get(record.url_key)
        if new is None:
            refused = self._refusal(record.platform, record.url, record.url_key, participation_id)
            if refused is not None:
                self.plan.reject(RowError(record.source_row, "url", *refused))
                return
            posted_at = self._aware(record.posted_at)
            within = posted_at is None or (
                self.campaign.start_date
                <= posted_at.astimezone(self.zone).date()
                <= self.campaign.end_date
            )
            default = within or self.source in DELIBERATE_EXPORTS
            new = NewPost(
                key=record.url_key,
                url=record.url,
                platform=record.platform,
                participation_id=participation_id,
                title=(record.title or "").strip()[:500],
                posted_at=posted_at,
                is_paid=bool(record.is_paid),
                external_id=record.external_id,
                row=record.source_row,
                within_dates=within,
                include=self.options.posts.get(record.url_key, default),
            )
            self.new_by_key[record.url_key] = new
            self.plan.new_posts.append(new)
            self.part.new_posts.append(new)
            if new.include:
                self.plan.posts_created += 1
        if not new.include:
            chosen = record.url_key in self.options.posts
            code = "post_not_included" if chosen or new.within_dates else "outside_dates"
            day = new.posted_at.astimezone(self.zone).date().isoformat() if new.posted_at else ""
            self.plan.leave_out(
                LeftOut(record.source_row, "url", code, {"what": record.url, "day": day})
            )
            return
        if record.metrics:
            day = record.captured_on or self.plan.as_of
            pending = PendingSnapshot(
                url_key=record.url_key,
                participation_id=participation_id,
                captured_on=day,
                values=record.metrics,
                revenue_currency=(record.currency or self.currency)
                if "revenue" in record.metrics
                else None,
            )
            identity = post_identity(record.url_key, day) if self.repeated else 0
            if self.repeated and identity in self.repeated:
                self.held.pending(identity, pending)
            else:
                self.part.pending.append(pending)

    def _aware(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)

    # -- scopes ----------------------------------------------------------------------------

    def scopes(self, records: list[ScopeRecord]) -> None:
        for record in records:
            if record.level == CAMPAIGN:
                self._scope_snapshot(None, record.captured_on, record.metrics, record.currency)
            elif record.level == PARTICIPATION:
                self._participation_row(record)
            elif record.level == UTM:
                self._utm_row(record, self.utm_totals)
            elif record.level == AD:
                self._ad_row(record)
            elif record.level == ACCOUNT:
                self.plan.leave_out(LeftOut(record.source_row, "", "account_level", {}))

    def _scope_snapshot(
        self,
        participation_id: int | None,
        day: date | None,
        metrics: dict[str, Any],
        currency: str | None,
        *,
        hold: bool = True,
    ) -> None:
        if not metrics:
            return
        day = day or self.plan.as_of
        item = SnapshotInput(
            campaign_id=self.campaign.id,
            captured_on=day,
            source=self.source,
            values=metrics,
            participation_id=participation_id,
            revenue_currency=(currency or self.currency) if "revenue" in metrics else None,
        )
        if hold and self.repeated:
            identity = (
                campaign_identity(day)
                if participation_id is None
                else participation_identity(participation_id, day)
            )
            if identity in self.repeated:
                self.held.snapshot(identity, item)
                return
        self.part.snapshots.append(item)

    def _participation_row(self, record: ScopeRecord) -> None:
        platform, handle = record.keys.get("platform", ""), record.keys.get("handle", "")
        participation_id = self.lk.by_handle.get((platform, handle))
        if participation_id is None:
            choice = self._unknown(
                f"handle:{platform}:{handle}", "handle", handle, platform, record.source_row
            )
            if choice == SKIP:
                self.plan.leave_out(
                    LeftOut(record.source_row, "handle", "unmatched", {"what": handle})
                )
                return
            participation_id = int(choice)
        self._scope_snapshot(participation_id, record.captured_on, record.metrics, record.currency)

    def _utm_row(
        self, record: ScopeRecord, totals: dict[tuple[int | None, date], dict[str, Any]]
    ) -> None:
        keys = record.keys
        tagged = keys.get("utm_campaign")
        content = keys.get("utm_content", "")
        by_link = self.lk.by_link_code.get(content.casefold()) if content else None
        if tagged is not None and tagged.casefold() != self.campaign.slug.casefold():
            self.plan.leave_out(
                LeftOut(
                    record.source_row,
                    "utm_campaign",
                    "other_campaign",
                    {"what": tagged, "slug": self.campaign.slug},
                )
            )
            return
        if tagged is None and by_link is None:
            what = " / ".join(v for k, v in keys.items() if k.startswith("utm_")) or "—"
            self.plan.leave_out(
                LeftOut(record.source_row, "utm_campaign", "untagged", {"what": what})
            )
            return
        target: int | None
        if by_link is not None:
            target = by_link
        elif content:
            choice = self._unknown(
                f"utm_content:{content.casefold()}", "utm_content", content, None, record.source_row
            )
            if choice == SKIP:
                self.plan.leave_out(
                    LeftOut(record.source_row, "utm_content", "unmatched", {"what": content})
                )
                return
            target = None if choice == CAMPAIGN_LEVEL else int(choice)
        else:
            target = None  # the campaign's traffic, not tied to one creator
        day = record.captured_on or record.period_end or self.plan.as_of
        bucket = totals.setdefault((target, day), {})
        for metric, value in record.metrics.items():
            bucket[metric] = bucket.get(metric, 0) + value

    def _ad_row(self, record: ScopeRecord) -> None:
        names = record.keys
        name = (
            names.get("ad_name") or names.get("ad_group_name") or names.get("campaign_name") or "—"
        )
        if record.metrics:
            self.plan.ignored_ad_metrics = True
        if record.cost is None or record.cost <= 0:
            return
        choice = self._unknown(f"ad:{name}", "ad", name, None, record.source_row)
        self.plan.unknowns[f"ad:{name}"].amount += record.cost
        if choice == SKIP:
            self.plan.leave_out(LeftOut(record.source_row, "ad_name", "unmatched", {"what": name}))
            return
        participation_id = None if choice == CAMPAIGN_LEVEL else int(choice)
        day = record.period_start or record.captured_on or self.plan.as_of
        identity = "\x1f".join(
            names.get(k, "") for k in ("campaign_name", "ad_group_name", "ad_name", "ad_id")
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
        ref = f"tiktok_ads:{digest}:{day.isoformat()}"
        currency = record.currency or self.currency
        line = {
            "campaign_id": self.campaign.id,
            "participation_id": participation_id,
            "category": "paid_amplification",
            "amount": record.cost,
            "currency": currency,
            "incurred_on": day,
            "description": f"TikTok Ads: {name}"[:400],
            "external_ref": ref,
        }
        if ref in self.cost_refs:
            return  # the same ad and day twice in one report: the first row counts
        self.cost_refs.add(ref)
        existing = self.lk.costs.get(ref)
        if existing is None:
            self.plan.new_costs += 1
            self.part.new_costs.append(line)
        elif (existing[1], existing[2], existing[3], existing[4]) == (
            record.cost,
            currency,
            participation_id,
            day,
        ):
            self.plan.unchanged_costs += 1
        else:
            self.plan.changed_costs += 1
            self.part.changed_costs.append({**line, "id": existing[0]})

    # -- orders ----------------------------------------------------------------------------

    def orders(self, records: list[OrderRecord]) -> None:
        start = datetime.combine(self.campaign.start_date, time(0), self.zone)
        now = datetime.now(UTC)
        seen = self.seen_orders
        for order in records:
            at = self._aware(order.occurred_at) or datetime.combine(
                self.plan.as_of, time(12), self.zone
            ).astimezone(UTC)
            if not order.promo_codes:
                self.plan.leave_out(
                    LeftOut(order.source_row, "discount_code", "no_code", {"what": order.order_id})
                )
                continue
            participation_id, code = None, order.promo_codes[0]
            for candidate in order.promo_codes:
                if candidate.casefold() in self.lk.by_code:
                    participation_id, code = self.lk.by_code[candidate.casefold()], candidate
                    break
            if participation_id is None:
                choice = self._unknown(f"promo:{code}", "promo", code, None, order.source_row)
                self.plan.unknowns[f"promo:{code}"].amount += order.amount
                if choice == SKIP:
                    self.plan.leave_out(
                        LeftOut(order.source_row, "discount_code", "unmatched", {"what": code})
                    )
                    continue
                participation_id = int(choice)
            if at < start:
                self.plan.leave_out(
                    LeftOut(
                        order.source_row, "created_at", "before_start", {"what": order.order_id}
                    )
                )
                continue
            if at > now + FUTURE_TOLERANCE:
                self.plan.reject(
                    RowError(
                        order.source_row,
                        "created_at",
                        at.date().isoformat(),
                        "the order is dated in the future",
                    )
                )
                continue
            if len(order.order_id) > MAX_ORDER_ID:
                self.plan.reject(
                    RowError(
                        order.source_row,
                        "order",
                        order.order_id[:200],
                        f"an order id has at most {MAX_ORDER_ID} characters",
                    )
                )
                continue
            if order.order_id in seen:
                self.plan.duplicate_orders += 1
                continue
            seen.add(order.order_id)
            self.plan.conversions += 1
            self.part.conversions.append(
                {
                    "campaign_id": self.campaign.id,
                    "participation_id": participation_id,
                    "order_id": order.order_id,
                    "amount": order.amount,
                    "currency": order.currency or self.currency,
                    "occurred_at": at,
                    "attributed_by": "promo_code",
                    "promo_code": code[:40],
                    "click_id": None,
                    "source": self.source,
                }
            )


def _valid_choice(lookups: Lookups, choice: str, kind: str, platform: str | None) -> str:
    """The user's choice for an unknown group, or "skip" when it cannot apply."""
    if choice == SKIP:
        return SKIP
    if choice == CAMPAIGN_LEVEL:
        return choice if kind in ("utm_content", "ad") else SKIP
    target = lookups.targets.get(int(choice)) if choice.isdigit() else None
    if target is None or (
        platform and kind in ("handle", "account", "post") and target.platform != platform
    ):
        return SKIP
    return choice


def handle_resolver(lookups: Lookups, options: Options) -> Callable[[str, str], int | None]:
    """The participation a (platform, normalised handle) row goes to, as the planner decides
    for participation-level rows, without counting anything (the file's first pass asks)."""

    def resolve(platform: str, handle: str) -> int | None:
        found = lookups.by_handle.get((platform, handle))
        if found is not None:
            return found
        key = f"handle:{platform}:{handle}"
        choice = _valid_choice(lookups, options.mapping.get(key, SKIP), "handle", platform)
        return int(choice) if choice.isdigit() else None

    return resolve


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, for matching names written by hand (Léa ~ lea)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _post_fills(
    session: Session,
    wanted: dict[int, tuple[datetime | None, str, str | None]],
    zone: ZoneInfo,
) -> dict[int, dict[str, Any]]:
    """Blank fields of existing posts the file can fill in (posted_at, title, external id)."""
    if not wanted:
        return {}
    fills: dict[int, dict[str, Any]] = {}
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for post_id, posted_at, title, external_id in session.exec(
            select(Post.id, Post.posted_at, Post.title, Post.external_id).where(Post.id.in_(chunk))
        ).all():
            file_posted_at, file_title, file_external_id = wanted[post_id]
            values: dict[str, Any] = {}
            if posted_at is None and file_posted_at is not None:
                moment = file_posted_at
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=zone)
                values["posted_at"] = moment.astimezone(UTC)
            if not title and file_title:
                values["title"] = file_title.strip()[:500]
            if external_id is None and file_external_id:
                values["external_id"] = file_external_id[:64]
            if values:
                fills[post_id] = values
    return fills


def N_(message: str) -> str:
    """Mark a message for translation; it is translated where it is shown."""
    return message


# Why rows are left out, by LeftOut.code (``what`` and ``slug`` are filled in).
LEFT_OUT_REASONS: dict[str, str] = {
    "unmatched": N_("“%(what)s” matches nobody in the campaign and was not mapped."),
    "post_not_included": N_("A new post you chose not to import."),
    "outside_dates": N_("A post published on %(day)s, outside the campaign's dates."),
    "account_level": N_(
        "Account-level daily figures cover all of the creator's videos, not only the "
        "campaign's: not imported."
    ),
    "other_campaign": N_("utm_campaign “%(what)s” is not this campaign (%(slug)s)."),
    "untagged": N_("No utm_campaign and no known utm_content (%(what)s)."),
    "no_code": N_("Order %(what)s has no discount code, so it cannot be attributed."),
    "before_start": N_("Order %(what)s was placed before the campaign started."),
}


def describe(code: str, params: dict[str, str]) -> str:
    """The reason a row was left out: in the user's language on a page, in English in a shell."""
    message = LEFT_OUT_REASONS.get(code)
    if message is None:
        return code
    if has_request_context():
        message = gettext(message)
    return message % {"what": "", "slug": "", "day": "", **params}
