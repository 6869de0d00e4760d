"""An import's life: stored and previewed first, then committed whole in one transaction.

``prepare`` keeps the uploaded bytes in the database (``ImportFile``: any app server or
worker can commit them, none needs the uploading server's disk) with a JSON summary of
what the import would do. ``replan`` redoes that summary after the user chose a format or
mapped unknown rows. ``commit_import`` parses the stored bytes again, matches them against
the database as it is *now*, and writes posts, snapshots, conversions and cost lines with
bulk statements; it never commits, so the caller (a view, the CLI, a job) commits once or
rolls everything back. The same file committed twice writes nothing the second time:
snapshots follow KPI.md (same key and values: unchanged), orders are deduplicated by order
id, and cost lines by their import reference.

Both read the file in parts of ``CHUNK`` rows (``registry.open_stream``): each part is
parsed, matched and written (or counted, for the preview) before the next is read, so a
million-row file never sits in memory whole. Everything stays one transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, text, update
from sqlmodel import Session, select

from ..jobs.registry import JobError, handler
from ..models import (
    Brand,
    Campaign,
    Conversion,
    CostLine,
    ImportBatch,
    ImportFile,
    Job,
    Post,
    utcnow,
)
from ..results.background import BackgroundWrite
from ..results.service import SnapshotInput, WriteCounts, plan_snapshots, write_snapshots
from .errors import AmbiguousFormat, ImportRefused
from .lookups import load_lookups
from .matching import (
    LIST_LIMIT,
    HeldBack,
    ImportPlan,
    LeftOut,
    Options,
    PartPlan,
    Planner,
    handle_resolver,
)
from .reading import check_size
from .registry import open_stream

Progress = Callable[..., None]
# Rows per part: parsed, matched and written (or counted) before the next part is read,
# and rows per snapshot write. Memory holds about one part.
CHUNK = 50_000
CHANGES_SHOWN = 50  # updated snapshots the preview lists old → new
SLICE = 8 * 1024 * 1024  # bytes of a stored upload fetched at a time
PREVIEWING = "previewing"  # summary state while a job reads a large upload


class AlreadyCommitted(Exception):
    """The batch was committed already (a second click, or two workers)."""


def _noop(done: int, total: int | None = None) -> None:
    return None


def today_for(campaign: Campaign) -> date:
    """Today in the campaign's time zone: the default "data as of" day."""
    return datetime.now(ZoneInfo(campaign.timezone)).date()


# ---------------------------------------------------------------------------- preview


def prepare(
    session: Session,
    *,
    campaign: Campaign,
    filename: str,
    data: bytes,
    options: Options,
    user_id: int | None = None,
    defer: bool = False,
    progress: Progress | None = None,
) -> ImportBatch:
    """Store an upload as a previewed batch with what it would do; nothing else is written.

    Raises ImportRefused (nothing stored) when the file is not an export at all. A file two
    formats fit equally is stored, its summary asking the user to choose. With ``defer``
    the file is only stored: a job (``import_preview``) reads it, so a large upload never
    holds a web worker for the minute parsing it takes.
    """
    check_size(len(data))
    digest = hashlib.sha256(data).hexdigest()
    earlier = session.exec(
        select(ImportBatch)
        .where(
            ImportBatch.campaign_id == campaign.id,
            ImportBatch.sha256 == digest,
            ImportBatch.status == "committed",
        )
        .order_by(ImportBatch.id.desc())
    ).first()
    if options.as_of is None:
        # The same file again, dated as the first time, changes nothing (KPI.md).
        options.as_of = (earlier.captured_on if earlier else None) or today_for(campaign)
    survey = None
    if defer:
        summary: dict[str, Any] = {"state": PREVIEWING, "as_of": _iso(options.as_of)}
    else:
        summary, survey = _preview(session, campaign, data, filename, options, progress)
    batch = ImportBatch(
        campaign_id=campaign.id,
        user_id=user_id,
        filename=filename[:255] or "upload",
        format=summary.get("format", ""),
        sha256=digest,
        size_bytes=len(data),
        rows_read=summary.get("rows_read", 0),
        captured_on=options.as_of,
        options=options.to_json(),
    )
    session.add(batch)
    session.flush()
    session.add(ImportFile(import_id=batch.id, content=data, survey=_json(survey)))
    if earlier is not None:
        summary["same_file"] = {
            "id": earlier.id,
            "committed_at": earlier.committed_at.isoformat() if earlier.committed_at else None,
        }
    batch.summary = json.dumps(summary)
    session.add(batch)
    session.flush()
    return batch


def replan(
    session: Session, batch: ImportBatch, options: Options, progress: Progress | None = None
) -> ImportBatch:
    """Preview a stored batch again with new choices (format, day, currency, mapping)."""
    if batch.status == "committed":
        raise AlreadyCommitted(batch.id)
    campaign = session.get(Campaign, batch.campaign_id)
    options.as_of = options.as_of or batch.captured_on or today_for(campaign)
    data = _content(session, batch.id)
    summary, survey = _preview(session, campaign, data, batch.filename, options, progress)
    del data
    _keep_survey(session, batch.id, survey)
    previous = json.loads(batch.summary or "{}")
    if previous.get("same_file"):
        summary["same_file"] = previous["same_file"]
    batch.format = summary.get("format", "")
    batch.rows_read = summary.get("rows_read", 0)
    batch.captured_on = options.as_of
    batch.options = options.to_json()
    batch.summary = json.dumps(summary)
    session.add(batch)
    session.flush()
    return batch


def defer_replan(session: Session, batch: ImportBatch, options: Options) -> ImportBatch:
    """Keep new choices and mark the batch as being previewed again by a job."""
    if batch.status == "committed":
        raise AlreadyCommitted(batch.id)
    campaign = session.get(Campaign, batch.campaign_id)
    options.as_of = options.as_of or batch.captured_on or today_for(campaign)
    previous = json.loads(batch.summary or "{}")
    summary = {"state": PREVIEWING, "as_of": _iso(options.as_of)}
    if previous.get("same_file"):
        summary["same_file"] = previous["same_file"]
    _keep_survey(session, batch.id, None)  # the job's preview keeps its own
    batch.captured_on = options.as_of
    batch.options = options.to_json()
    batch.summary = json.dumps(summary)
    session.add(batch)
    session.flush()
    return batch


def _json(survey: dict | None) -> str | None:
    return json.dumps(survey) if survey else None


def _keep_survey(session: Session, batch_id: int, survey: dict | None) -> None:
    files = ImportFile.__table__
    session.execute(update(files).where(files.c.import_id == batch_id).values(survey=_json(survey)))


def _survey(session: Session, batch_id: int) -> dict | None:
    files = ImportFile.__table__
    stored = session.execute(
        select(files.c.survey).where(files.c.import_id == batch_id)
    ).scalar_one_or_none()
    return json.loads(stored) if stored else None


def _content(session: Session, batch_id: int) -> bytes:
    """The stored upload, read in slices: fetched whole, a 100 MB file costs ~600 MB on
    PostgreSQL for a moment (hex text in libpq, then bytes) and two copies on SQLite."""
    files = ImportFile.__table__
    this = files.c.import_id == batch_id
    size = session.execute(select(func.length(files.c.content)).where(this)).scalar()
    if size is None:
        raise ImportRefused("The uploaded file is no longer stored: upload it again.")
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # substr() walks the blob's pages from its start on every call: incremental blob
        # I/O reads each page once.
        rowid = session.execute(
            text("SELECT rowid FROM import_file WHERE import_id = :id"), {"id": batch_id}
        ).scalar_one()
        with connection.connection.driver_connection.blobopen(
            "import_file", "content", rowid, readonly=True
        ) as blob:
            return b"".join(iter(lambda: blob.read(SLICE), b""))
    pieces = [
        session.execute(
            select(func.substr(files.c.content, start + 1, SLICE)).where(this)
        ).scalar_one()
        for start in range(0, size, SLICE)
    ]
    return b"".join(pieces)


def _preview(
    session: Session,
    campaign: Campaign,
    data: bytes,
    filename: str,
    options: Options,
    progress: Progress | None,
) -> tuple[dict[str, Any], dict | None]:
    """What importing the file would do, as the preview page shows it, and what its first
    pass learned (for the commit); nothing is written."""
    try:
        counter = _Counter(session)
        plan = _run(session, campaign, data, filename, options, options.format, counter, progress)
    except AmbiguousFormat as exc:
        choose = {
            "state": "choose_format",
            "candidates": exc.candidates,
            "as_of": _iso(options.as_of),
        }
        return choose, None
    plan.snapshot_counts = counter.counts
    return preview_summary(plan, options, campaign), plan.survey


def _run(
    session: Session,
    campaign: Campaign,
    data: bytes,
    filename: str,
    options: Options,
    format: str | None,
    sink: _Counter | _Writer,
    progress: Progress | None,
    surveyed: dict | None = None,
) -> ImportPlan:
    """Read the file part by part: parse, match, then hand each part's plan to ``sink``
    (the commit's writer or the preview's counter); report progress in rows.

    The writer's insert of a part may run while the next part is read: ``sink.wait()``
    before any other statement (tracker/results/background.py)."""
    report = progress or _noop
    lookups = load_lookups(session, campaign)
    stream = open_stream(
        data,
        filename,
        format,
        chunk_rows=CHUNK,
        resolve_handle=handle_resolver(lookups, options),
        surveyed=surveyed,
    )
    held = HeldBack(stream.repeated_rows, CHUNK)
    planner = Planner(lookups, options, stream.format, repeated=stream.repeated, held=held)
    planner.plan.survey = stream.survey
    total = max(stream.rows, 1)
    done = 0
    report(0, total)
    try:
        for result in stream.parts():
            part = planner.feed(result)  # no statement: the sink's insert may still run
            del result  # its records: the part holds what is written
            sink(part, planner)
            done += part.rows
            del part  # before the next part is read
            report(min(done, total), total)
        sink.wait()
        for part in planner.finish(session, (stream.period_start, stream.period_end)):
            sink(part, planner)
            del part
        sink.wait()
    finally:
        held.close()  # its temporary files, if any, also when a part failed
        sink.abandon()
    if done < total:
        report(total, total)
    return planner.plan


class _Counter:
    """The preview's sink: what each part's snapshots would do, without writing them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.counts = WriteCounts()

    def wait(self) -> None:
        pass

    def abandon(self) -> None:
        pass

    def __call__(self, part: PartPlan, planner: Planner) -> None:
        for snapshots in (part.snapshots, part.columns):
            if snapshots:
                counts = plan_snapshots(self.session, snapshots)[0]
                self.counts.add(counts, changes_up_to=CHANGES_SHOWN)
        # Snapshots of new posts are all new; a post and day twice in a part count once.
        keys = {(s.url_key, s.captured_on) for s in part.pending}
        if part.pending_columns:
            pending = part.pending_columns
            keys.update(zip(pending.url_key, pending.snapshots.captured_on, strict=True))
        planner.plan.snapshots_pending += len(keys)


class _Writer:
    """The commit's sink: writes each part (posts, snapshots, orders, costs) in bulk."""

    def __init__(self, session: Session, import_id: int | None) -> None:
        self.session = session
        self.import_id = import_id
        self.now = utcnow()
        self.post_ids: dict[str, int] = {}  # url_key → id of the posts this import created
        self.counts = WriteCounts()
        self.background = BackgroundWrite()  # a part's snapshot insert, while the next is read

    def wait(self) -> None:
        """Until the last part's insert is done (its error raised here)."""
        self.background.wait()

    def abandon(self) -> None:
        """After a failure: let a running insert end before the transaction rolls back."""
        with contextlib.suppress(Exception):  # the import's own error is the one to show
            self.background.wait()

    def __call__(self, part: PartPlan, planner: Planner) -> None:
        self.background.wait()  # the connection is the previous insert's until it ends
        session, now, campaign_id = self.session, self.now, planner.plan.campaign_id
        created = [p for p in part.new_posts if p.include]
        if created:
            posts = Post.__table__
            self.post_ids.update(
                session.execute(
                    insert(posts).returning(posts.c.url_key, posts.c.id),
                    [
                        {
                            "campaign_id": campaign_id,
                            "participation_id": p.participation_id,
                            "platform": p.platform,
                            "url": p.url.strip()[:2000],
                            "url_key": p.key,
                            "external_id": (p.external_id or None) and p.external_id[:64],
                            "title": p.title,
                            "posted_at": p.posted_at,
                            "is_paid": p.is_paid,
                            "created_at": now,
                        }
                        for p in created
                    ],
                ).all()
            )
        for post_id, values in part.post_fills.items():
            session.execute(
                update(Post.__table__).where(Post.__table__.c.id == post_id).values(**values)
            )
        if part.conversions:
            session.execute(
                insert(Conversion.__table__), [{**c, "created_at": now} for c in part.conversions]
            )
        if part.new_costs:
            session.execute(
                insert(CostLine.__table__), [{**c, "created_at": now} for c in part.new_costs]
            )
        if part.changed_costs:
            costs = CostLine.__table__
            fields = ("participation_id", "amount", "currency", "incurred_on", "description")
            session.connection().execute(
                update(costs)
                .where(costs.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in fields}),
                [{"_id": c["id"], **{k: c[k] for k in fields}} for c in part.changed_costs],
            )
        session.flush()
        # Last: the snapshot insert may go on in the background (nothing follows it here).
        blocks = [part.columns] if part.columns else []
        if part.pending_columns:
            pending = part.pending_columns
            posts = [self.post_ids[key] for key in pending.url_key]
            blocks.append(replace(pending.snapshots, post_id=posts))
        for block in blocks:  # apart from each other and from `inputs`: no key in two
            self.background.wait()
            self.counts.add(
                write_snapshots(
                    session, block, import_id=self.import_id, background=self.background
                )
            )
        inputs = part.snapshots + [
            SnapshotInput(
                campaign_id=campaign_id,
                captured_on=s.captured_on,
                source=planner.plan.format,
                values=s.values,
                participation_id=s.participation_id,
                post_id=self.post_ids[s.url_key],
                revenue_currency=s.revenue_currency,
            )
            for s in part.pending
        ]
        if len(inputs) > CHUNK:  # written in slices: a key twice, the later row wins
            inputs = list({item.key: item for item in inputs}.values())
        # (within one slice, write_snapshots settles a key twice itself)
        for start in range(0, len(inputs), CHUNK):
            self.background.wait()
            counts = write_snapshots(
                session,
                inputs[start : start + CHUNK],
                import_id=self.import_id,
                background=self.background,
            )
            self.counts.add(counts)


def preview_summary(plan: ImportPlan, options: Options, campaign: Campaign) -> dict[str, Any]:
    """The plan as the preview page (and the CLI) shows it: complete counts, capped lists."""
    changes = []
    for key, old, new in (plan.snapshot_counts or WriteCounts()).changes[:CHANGES_SHOWN]:
        _cid, participation_id, post_id, day, _source = key
        diff = {
            metric: [_plain(old.get(metric)), _plain(value)]
            for metric, value in new.items()
            if metric != "revenue_currency" and old.get(metric) != value
        }
        changes.append(
            {
                "post_id": post_id,
                "participation_id": participation_id,
                "captured_on": day.isoformat(),
                "metrics": diff,
            }
        )
    return {
        "state": "ready",
        "format": plan.format,
        "rows_read": plan.rows_read,
        "period": [_iso(plan.period[0]), _iso(plan.period[1])],
        "as_of": _iso(plan.as_of),
        "currency": options.currency or campaign.currency,
        "warnings": plan.warnings
        + ([f"… and {plan.more_warnings} more notes."] if plan.more_warnings else []),
        "counts": plan.counts(),
        "new_posts": [
            {
                "key": p.key,
                "url": p.url,
                "platform": p.platform,
                "participation_id": p.participation_id,
                "title": p.title,
                "posted_at": p.posted_at.isoformat() if p.posted_at else None,
                "within_dates": p.within_dates,
                "include": p.include,
                "row": p.row,
            }
            for p in plan.new_posts[:LIST_LIMIT]
        ],
        "new_posts_total": len(plan.new_posts),
        "unknowns": [
            {
                "key": u.key,
                "kind": u.kind,
                "value": u.value,
                "platform": u.platform,
                "rows": u.rows,
                "count": u.count,
                "choice": u.choice,
                "suggestion": u.suggestion,
                "hint": u.hint,
                "amount": str(u.amount) if u.amount else None,
            }
            for u in list(plan.unknowns.values())[:LIST_LIMIT]
        ],
        "unknowns_total": len(plan.unknowns),
        "changes": changes,
        "rejected": [
            {"row": e.row, "column": e.column, "value": e.value[:200], "reason": e.reason}
            for e in plan.rejected_rows()
        ],
        "left_out": {
            code: {"count": plan.left_out_counts[code], "items": [_left(i) for i in items]}
            for code, items in plan.left_out.items()
        },
    }


def _left(item: LeftOut) -> dict[str, Any]:
    return {"row": item.row, "column": item.column, "params": item.params}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# ---------------------------------------------------------------------------- commit


def commit_import(
    session: Session, batch_id: int, *, progress: Progress | None = None
) -> dict[str, int]:
    """Apply a previewed batch in the caller's transaction; return what was written.

    The batch is claimed first (previewed or failed → committed), so a double click or two
    workers commit it once: the second raises AlreadyCommitted. Nothing is committed here;
    on any error the caller rolls back and nothing of the file is kept.
    """
    table = ImportBatch.__table__
    claimed = session.execute(
        update(table)
        .where(table.c.id == batch_id, table.c.status.in_(("previewed", "failed")))
        .values(status="committed", committed_at=utcnow(), error=None)
    )
    if claimed.rowcount != 1:
        raise AlreadyCommitted(batch_id)
    batch = session.get(ImportBatch, batch_id)
    session.refresh(batch)
    if not batch.format:
        raise ImportRefused("Choose the file's format before importing it.")
    campaign = session.get(Campaign, batch.campaign_id)
    options = Options.from_json(batch.options)
    options.as_of = options.as_of or batch.captured_on or today_for(campaign)
    writer = _Writer(session, batch_id)
    data = _content(session, batch_id)
    surveyed = _survey(session, batch_id)
    plan = _run(
        session, campaign, data, batch.filename, options, batch.format, writer, progress, surveyed
    )
    del data
    plan.snapshot_counts = writer.counts
    counts = {
        **plan.counts(),
        "snapshots_created": writer.counts.created,
        "snapshots_updated": writer.counts.updated,
        "snapshots_unchanged": writer.counts.unchanged,
    }
    summary = json.loads(batch.summary or "{}")
    summary["committed"] = counts
    # What was written, listed like the preview; the old → new values come from the preview.
    summary["committed_preview"] = preview_summary(plan, options, campaign) | {
        "counts": counts,
        "changes": summary.get("changes", []),
    }
    batch.summary = json.dumps(summary)
    batch.rows_read = plan.rows_read
    session.add(batch)
    session.execute(
        delete(ImportFile.__table__).where(ImportFile.__table__.c.import_id == batch_id)
    )
    session.flush()
    return counts


def mark_failed(session: Session, batch_id: int, message: str) -> None:
    """Record why a commit was rolled back (in a transaction of its own)."""
    table = ImportBatch.__table__
    session.execute(
        update(table)
        .where(table.c.id == batch_id, table.c.status != "committed")
        .values(status="failed", error=message[:2000])
    )


def totals(counts: dict[str, int]) -> dict[str, int]:
    """Created / updated / unchanged / rejected across posts, snapshots, orders and costs."""
    return {
        "created": counts["posts_created"]
        + counts["snapshots_created"]
        + counts["conversions_created"]
        + counts["costs_created"],
        "updated": counts["posts_updated"] + counts["snapshots_updated"] + counts["costs_updated"],
        "unchanged": counts["snapshots_unchanged"]
        + counts["conversions_duplicate"]
        + counts["costs_unchanged"],
        "rejected": counts["rejected"],
        "left_out": counts["left_out"],
    }


# ---------------------------------------------------------------------------- as jobs


def _batch_of_job(session: Session, job: Job, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    campaign = session.get(Campaign, batch.campaign_id) if batch else None
    if campaign is None or session.get(Brand, campaign.brand_id).workspace_id != job.workspace_id:
        raise JobError(f"Import #{batch_id} was not found.")
    return batch


@handler("import_preview")
def preview_job(session: Session, job: Job, progress: Progress, *, batch_id: int) -> dict[str, Any]:
    """Read a large upload and store its preview; a file that is no export fails the job.

    Progress is in rows, once the first pass over the file has counted them.
    """
    batch = _batch_of_job(session, job, batch_id)
    try:
        replan(session, batch, Options.from_json(batch.options), progress=progress)
    except AlreadyCommitted:
        raise JobError(f"Import #{batch_id} was committed already.") from None
    except ImportRefused as exc:
        raise JobError(str(exc)) from None
    return {"import_id": batch_id, "rows": batch.rows_read}


@handler("import")
def import_job(session: Session, job: Job, progress: Progress, *, batch_id: int) -> dict[str, Any]:
    """Commit a large previewed import on a worker; the runner commits it with the job."""
    batch = _batch_of_job(session, job, batch_id)
    try:
        counts = commit_import(session, batch_id, progress=progress)
    except AlreadyCommitted:
        raise JobError(f"Import #{batch_id} was committed already.") from None
    except ImportRefused as exc:
        raise JobError(str(exc)) from None
    summary = totals(counts)
    return {
        "import_id": batch_id,
        "created": summary["created"],
        "updated": summary["updated"],
        "unchanged": summary["unchanged"],
        "rows": batch.rows_read,
        "errors": summary["rejected"],
    }
