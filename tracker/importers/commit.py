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
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, insert, update
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
from ..results.service import SnapshotInput, WriteCounts, write_snapshots
from .errors import AmbiguousFormat, ImportRefused
from .matching import ImportPlan, LeftOut, Options, build_plan, group_left_out
from .model import ParseResult
from .reading import check_size
from .registry import parse_file

Progress = Callable[..., None]
LIST_LIMIT = 500  # rows of each list the preview keeps; its counts are always complete
CHUNK = 50_000  # snapshot rows per write (and per progress report)
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
    result, candidates = (None, []) if defer else _parse(data, filename, options.format)
    batch = ImportBatch(
        campaign_id=campaign.id,
        user_id=user_id,
        filename=filename[:255] or "upload",
        format=result.format if result else "",
        sha256=digest,
        size_bytes=len(data),
        rows_read=result.rows_read if result else 0,
        captured_on=options.as_of,
        options=options.to_json(),
    )
    session.add(batch)
    session.flush()
    session.add(ImportFile(import_id=batch.id, content=data))
    if defer:
        summary = {"state": PREVIEWING, "as_of": _iso(options.as_of)}
    else:
        summary = _summary(session, campaign, result, options, candidates)
    if earlier is not None:
        summary["same_file"] = {
            "id": earlier.id,
            "committed_at": earlier.committed_at.isoformat() if earlier.committed_at else None,
        }
    batch.summary = json.dumps(summary)
    session.add(batch)
    session.flush()
    return batch


def replan(session: Session, batch: ImportBatch, options: Options) -> ImportBatch:
    """Preview a stored batch again with new choices (format, day, currency, mapping)."""
    if batch.status == "committed":
        raise AlreadyCommitted(batch.id)
    campaign = session.get(Campaign, batch.campaign_id)
    options.as_of = options.as_of or batch.captured_on or today_for(campaign)
    result, candidates = _parse(_content(session, batch.id), batch.filename, options.format)
    previous = json.loads(batch.summary or "{}")
    summary = _summary(session, campaign, result, options, candidates)
    if previous.get("same_file"):
        summary["same_file"] = previous["same_file"]
    batch.format = result.format if result else ""
    batch.rows_read = result.rows_read if result else 0
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
    batch.captured_on = options.as_of
    batch.options = options.to_json()
    batch.summary = json.dumps(summary)
    session.add(batch)
    session.flush()
    return batch


def _parse(data: bytes, filename: str, format: str | None) -> tuple[ParseResult | None, list[str]]:
    try:
        return parse_file(data, filename, format), []
    except AmbiguousFormat as exc:
        return None, exc.candidates


def _content(session: Session, batch_id: int) -> bytes:
    content = session.exec(
        select(ImportFile.content).where(ImportFile.import_id == batch_id)
    ).first()
    if content is None:
        raise ImportRefused("The uploaded file is no longer stored: upload it again.")
    return content


def _summary(
    session: Session,
    campaign: Campaign,
    result: ParseResult | None,
    options: Options,
    candidates: list[str],
) -> dict[str, Any]:
    if result is None:
        return {"state": "choose_format", "candidates": candidates, "as_of": _iso(options.as_of)}
    plan = build_plan(session, campaign, result, options)
    return preview_summary(plan, options, campaign)


def preview_summary(plan: ImportPlan, options: Options, campaign: Campaign) -> dict[str, Any]:
    """The plan as the preview page (and the CLI) shows it: complete counts, capped lists."""
    changes = []
    for key, old, new in (plan.snapshot_counts or WriteCounts()).changes[:50]:
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
        "warnings": plan.warnings[:50]
        + ([f"… and {len(plan.warnings) - 50} more notes."] if len(plan.warnings) > 50 else []),
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
            for e in sorted(plan.rejected, key=lambda e: e.row)[:LIST_LIMIT]
        ],
        "left_out": {
            code: {"count": len(items), "items": [_left(i) for i in items[:LIST_LIMIT]]}
            for code, items in group_left_out(plan.left_out).items()
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
    report = progress or _noop
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
    result = parse_file(_content(session, batch_id), batch.filename, batch.format)
    total = max(result.rows_read, 1)
    report(0, total)
    plan = build_plan(session, campaign, result, options, count_snapshots=False)
    counts = apply_plan(
        session, plan, import_id=batch_id, progress=lambda f: report(int(f * total), total)
    )
    summary = json.loads(batch.summary or "{}")
    summary["committed"] = counts
    # What was written, listed like the preview; the old → new values come from the preview.
    summary["committed_preview"] = preview_summary(plan, options, campaign) | {
        "counts": counts,
        "changes": summary.get("changes", []),
    }
    batch.summary = json.dumps(summary)
    batch.rows_read = result.rows_read
    session.add(batch)
    session.execute(
        delete(ImportFile.__table__).where(ImportFile.__table__.c.import_id == batch_id)
    )
    session.flush()
    report(total, total)
    return counts


def apply_plan(
    session: Session,
    plan: ImportPlan,
    *,
    import_id: int | None,
    progress: Callable[[float], None] | None = None,
) -> dict[str, int]:
    """Write a plan with bulk statements (no ORM object per row); the caller commits."""
    report = progress or (lambda fraction: None)
    now = utcnow()
    campaign_id = plan.campaign_id
    created_posts = plan.posts_to_create
    if created_posts:
        session.execute(
            insert(Post.__table__),
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
                for p in created_posts
            ],
        )
    if plan.post_fills:
        for post_id, values in plan.post_fills.items():
            session.execute(
                update(Post.__table__).where(Post.__table__.c.id == post_id).values(**values)
            )
    inputs = list(plan.snapshots)
    if plan.pending:
        included = {p.key for p in created_posts}
        ids = dict(
            session.exec(select(Post.url_key, Post.id).where(Post.campaign_id == campaign_id)).all()
        )
        inputs += [
            SnapshotInput(
                campaign_id=campaign_id,
                captured_on=s.captured_on,
                source=plan.format,
                values=s.values,
                participation_id=s.participation_id,
                post_id=ids[s.url_key],
                revenue_currency=s.revenue_currency,
            )
            for s in plan.pending
            if s.url_key in included
        ]
    unique = list({item.key: item for item in inputs}.values())  # the later row wins
    written = WriteCounts()
    for start in range(0, len(unique), CHUNK):
        counts = write_snapshots(session, unique[start : start + CHUNK], import_id=import_id)
        written.created += counts.created
        written.updated += counts.updated
        written.unchanged += counts.unchanged
        report(min(start + CHUNK, len(unique)) / max(len(unique), 1))
    if plan.conversions:
        session.execute(
            insert(Conversion.__table__), [{**c, "created_at": now} for c in plan.conversions]
        )
    if plan.new_costs:
        session.execute(
            insert(CostLine.__table__), [{**c, "created_at": now} for c in plan.new_costs]
        )
    if plan.changed_costs:
        costs = CostLine.__table__
        session.connection().execute(
            update(costs)
            .where(costs.c.id == bindparam("_id"))
            .values(
                {
                    c: bindparam(c)
                    for c in (
                        "participation_id",
                        "amount",
                        "currency",
                        "incurred_on",
                        "description",
                    )
                }
            ),
            [
                {
                    "_id": c["id"],
                    **{
                        k: c[k]
                        for k in (
                            "participation_id",
                            "amount",
                            "currency",
                            "incurred_on",
                            "description",
                        )
                    },
                }
                for c in plan.changed_costs
            ],
        )
    session.flush()
    return {
        "posts_created": len(created_posts),
        "posts_updated": len(plan.post_fills),
        "snapshots_created": written.created,
        "snapshots_updated": written.updated,
        "snapshots_unchanged": written.unchanged,
        "conversions_created": len(plan.conversions),
        "conversions_duplicate": plan.duplicate_orders,
        "costs_created": len(plan.new_costs),
        "costs_updated": len(plan.changed_costs),
        "costs_unchanged": plan.unchanged_costs,
        "rejected": len(plan.rejected),
        "left_out": len(plan.left_out),
    }


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
    """Read a large upload and store its preview; a file that is no export fails the job."""
    batch = _batch_of_job(session, job, batch_id)
    progress(0, 1)
    try:
        replan(session, batch, Options.from_json(batch.options))
    except AlreadyCommitted:
        raise JobError(f"Import #{batch_id} was committed already.") from None
    except ImportRefused as exc:
        raise JobError(str(exc)) from None
    progress(1, 1)
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
