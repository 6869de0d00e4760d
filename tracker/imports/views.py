"""Importing platform exports into a campaign: upload, preview, choices, commit, history.

An upload is never written straight away: it is stored with a preview of what it would
create and update (tracker/importers/commit.py), the user maps unknown rows and picks the
new posts, and only "Import" writes, in one transaction. Large files commit on a job
worker and the page shows its progress. The views import the importers when called, so
start-up does not load every parser.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select
from werkzeug.exceptions import RequestEntityTooLarge

from .. import audit, formatting
from ..access import can_write, get_campaign_or_404
from ..db import get_session
from ..importers.errors import ImportRefused
from ..importers.messages import localise
from ..influencers.service import participation_choices
from ..models import Campaign, ImportBatch, Job, User
from .forms import ChoicesForm, ConfirmForm, UploadForm, format_labels

bp = Blueprint("imports", __name__)
log = logging.getLogger(__name__)

# Files with more rows than this are committed by a job worker, with a progress page.
INLINE_ROWS = 20_000
# Uploads larger than this (about 50,000 rows of the tracker's CSV) are previewed by a job
# worker too, the page showing its progress: reading them takes longer than a web request
# should (a 100 MB CSV is about a million rows).
INLINE_BYTES = 5 * 1024 * 1024


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def get_batch_or_404(campaign: Campaign, batch_id: int) -> ImportBatch:
    batch = get_session().get(ImportBatch, batch_id)
    if batch is None or batch.campaign_id != campaign.id:
        abort(404)
    return batch


def _targets(campaign: Campaign) -> list[tuple[int, str, str]]:
    """(participation id, "Name · Platform", platform) of every influencer in the campaign."""
    return participation_choices(get_session(), campaign.id)


def _history(campaign: Campaign) -> list[dict[str, Any]]:
    from ..importers.commit import totals

    rows = (
        get_session()
        .exec(
            select(ImportBatch, User.email)
            .outerjoin(User, User.id == ImportBatch.user_id)
            .where(ImportBatch.campaign_id == campaign.id)
            .order_by(ImportBatch.id.desc())
            .limit(100)
        )
        .all()
    )
    out = []
    for batch, email in rows:
        counts = json.loads(batch.summary or "{}").get("committed")
        parts = []
        if counts:
            for key, text in (
                ("posts_created", _("%(n)s posts")),
                ("snapshots_created", _("%(n)s snapshots")),
                ("conversions_created", _("%(n)s conversions")),
                ("costs_created", _("%(n)s cost lines")),
            ):
                if counts[key]:
                    parts.append(text % {"n": counts[key]})
        out.append(
            {
                "batch": batch,
                "email": email,
                "totals": totals(counts) if counts else None,
                "created_parts": parts,
            }
        )
    return out


@bp.app_template_filter("importer_text")
def _importer_text(text: str | None) -> str:
    """An importer's English message (a row error, a note, a refusal) in the page's language."""
    return localise(text)


def _refused(campaign: Campaign, message: str, filename: str = "", status: int = 422):
    message = localise(message)
    if _wants_json():
        return jsonify({"error": message}), status
    return render_template(
        "imports/refused.html", campaign=campaign, message=message, filename=filename
    ), status


def _too_large_message() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _(
        "The file is larger than the %(mb)s MB limit: it was refused before being read. "
        "Export a shorter period, or split the file.",
        mb=limit // (1024 * 1024),
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge):
    """Werkzeug refuses an oversized body (CSRF reads the form first): say why, in the page."""
    campaign_id = (request.view_args or {}).get("campaign_id")
    if not campaign_id or not current_user.is_authenticated:
        return exc  # the app's own error page (login comes after the size check)
    campaign = get_campaign_or_404(campaign_id)
    return _refused(campaign, _too_large_message(), status=413)


# ---------------------------------------------------------------------------- upload


@bp.get("/campaigns/<int:campaign_id>/imports")
@can_write
def index(campaign_id: int):
    """The upload form, and every import of the campaign with what it did."""
    campaign = get_campaign_or_404(campaign_id)
    form = UploadForm()
    return _index(campaign, form)


def _index(campaign: Campaign, form: UploadForm, status: int = 200):
    from ..importers.commit import today_for

    return render_template(
        "imports/index.html",
        campaign=campaign,
        form=form,
        history=_history(campaign),
        format_labels=format_labels(),
        today=today_for(campaign),
        max_bytes=current_app.config.get("MAX_CONTENT_LENGTH") or 0,
    ), status


@bp.post("/campaigns/<int:campaign_id>/imports")
@can_write
def upload(campaign_id: int):
    """Store the file and show what importing it would do (nothing is imported yet)."""
    from ..importers.commit import prepare
    from ..importers.matching import Options
    from ..importers.reading import read_upload

    campaign = get_campaign_or_404(campaign_id)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        return _refused(campaign, _too_large_message(), status=413)
    form = UploadForm()
    if not form.validate_on_submit():
        if _wants_json():
            errors = [e for field in form.errors.values() for e in field]
            return jsonify({"error": " ".join(map(str, errors))}), 422
        return _index(campaign, form, 422)
    storage = form.file.data
    filename = (storage.filename or "upload").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        data = read_upload(storage.stream, limit)
        db = get_session()
        defer = len(data) > current_app.config.get("IMPORT_INLINE_BYTES", INLINE_BYTES)
        batch = prepare(
            db,
            campaign=campaign,
            filename=filename,
            data=data,
            options=Options(
                format=form.format.data or None,
                as_of=form.as_of.data,
                currency=form.currency.data or None,
            ),
            user_id=current_user.id,
            defer=defer,
        )
    except ImportRefused as exc:
        return _refused(campaign, str(exc), filename)
    if defer:
        _enqueue(batch, "import_preview", total=None)
    db.commit()
    target = url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id)
    if _wants_json():
        return jsonify({"location": target}), 201
    return redirect(target)


# ---------------------------------------------------------------------------- preview / result


@bp.get("/campaigns/<int:campaign_id>/imports/<int:batch_id>")
@can_write
def show(campaign_id: int, batch_id: int):
    """The preview of a stored upload, or what a committed import wrote."""
    from ..importers.commit import totals
    from ..importers.matching import CAMPAIGN_LEVEL, SKIP, Options

    campaign = get_campaign_or_404(campaign_id)
    batch = get_batch_or_404(campaign, batch_id)
    summary = json.loads(batch.summary or "{}")
    if batch.status == "committed" and summary.get("committed_preview"):
        view = summary["committed_preview"]
    else:
        view = summary
    options = Options.from_json(batch.options)
    form = ChoicesForm(
        formdata=None,
        format=options.format or batch.format or "",
        as_of=batch.captured_on,
        currency=options.currency,
    )
    if view.get("state") == "choose_format":
        form.format.choices = [
            (name, label)
            for name, label in format_labels().items()
            if name in view.get("candidates", [])
        ]
    job = get_session().get(Job, batch.job_id) if batch.job_id else None
    uploader = get_session().get(User, batch.user_id) if batch.user_id else None
    targets = _targets(campaign)
    return render_template(
        "imports/batch.html",
        campaign=campaign,
        batch=batch,
        summary=view,
        committed=summary.get("committed"),
        totals=totals(summary["committed"]) if summary.get("committed") else None,
        form=form,
        confirm=ConfirmForm(),
        job=job,
        uploader=uploader,
        targets=targets,
        target_names={pid: name for pid, name, _p in targets},
        format_labels=format_labels(),
        describe=_describe,
        skip=SKIP,
        campaign_level=CAMPAIGN_LEVEL,
        parse_date=_parse_date,
        to_decimal=Decimal,
    )


def _describe(code: str, params: dict[str, str]) -> str:
    """Why a row was left out, with its day written the way the user reads dates."""
    from ..importers.matching import describe

    if params.get("day"):
        locale = str(get_locale() or "en")
        params = {**params, "day": formatting.date_(date.fromisoformat(params["day"]), locale)}
    return describe(code, params)


def _parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


@bp.post("/campaigns/<int:campaign_id>/imports/<int:batch_id>/choices")
@can_write
def choices(campaign_id: int, batch_id: int):
    """Preview again with the user's choices: format, day, currency, mapping, new posts."""
    from ..importers.commit import defer_replan, replan
    from ..importers.matching import Options

    campaign = get_campaign_or_404(campaign_id)
    batch = get_batch_or_404(campaign, batch_id)
    if batch.status == "committed":
        flash(_("This import was committed already."), "info")
        return redirect(url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id))
    form = ChoicesForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id))
    previous = Options.from_json(batch.options)
    chosen_format = form.format.data or previous.format or batch.format or None
    options = Options(
        format=chosen_format,
        as_of=form.as_of.data or batch.captured_on,
        currency=form.currency.data or None,
        mapping=_indexed(request.form, "key", "map"),
        posts={
            key: bool(request.form.get(f"post-{i}"))
            for i, key in _numbered(request.form, "postkey")
        },
    )
    if chosen_format != (batch.format or None):
        options.mapping, options.posts = {}, {}  # another format reads other rows
    db = get_session()
    if _busy(batch):
        flash(_("This file is being read or written: wait for it to finish."), "info")
        return redirect(url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id))
    if batch.size_bytes > current_app.config.get("IMPORT_INLINE_BYTES", INLINE_BYTES):
        defer_replan(db, batch, options)
        _enqueue(batch, "import_preview", total=None)
        db.commit()
        return redirect(url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id))
    try:
        replan(db, batch, options)
    except ImportRefused as exc:
        db.rollback()
        return _refused(campaign, str(exc), batch.filename)
    db.commit()
    flash(_("Preview updated with your choices."), "success")
    return redirect(url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id))


def _numbered(form: Any, prefix: str) -> list[tuple[str, str]]:
    """(index, value) of fields named <prefix>-<index>."""
    out = []
    for name, value in form.items():
        head, _sep, index = name.partition("-")
        if head == prefix and index.isdigit():
            out.append((index, value))
    return out


def _indexed(form: Any, keys: str, values: str) -> dict[str, str]:
    from ..importers.matching import CAMPAIGN_LEVEL, SKIP

    out = {}
    for index, key in _numbered(form, keys):
        choice = form.get(f"{values}-{index}", SKIP)
        if choice in (SKIP, CAMPAIGN_LEVEL) or choice.isdigit():
            out[key] = choice
    return out


# ---------------------------------------------------------------------------- commit


@bp.post("/campaigns/<int:campaign_id>/imports/<int:batch_id>/commit")
@can_write
def commit(campaign_id: int, batch_id: int):
    """Write the import in one transaction (a job for large files); all of it or nothing."""
    from ..importers.commit import AlreadyCommitted, commit_import

    campaign = get_campaign_or_404(campaign_id)
    batch = get_batch_or_404(campaign, batch_id)
    back = redirect(url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if batch.status == "committed":
        flash(_("This import was committed already."), "info")
        return back
    db = get_session()
    if _busy(batch):
        flash(_("This file is being read or written: wait for it to finish."), "info")
        return back
    if json.loads(batch.summary or "{}").get("state") != "ready":
        flash(_("The preview is not ready: there is nothing to import yet."), "error")
        return back
    rows = batch.rows_read
    if rows > current_app.config.get("IMPORT_INLINE_ROWS", INLINE_ROWS):
        return _commit_as_job(campaign, batch) or back
    try:
        counts = commit_import(db, batch.id)
        audit.record(
            db,
            workspace_id=current_user.workspace_id,
            user_id=current_user.id,
            action="import",
            entity="import_batch",
            entity_id=batch.id,
            detail={"campaign_id": campaign.id, "filename": batch.filename, **counts},
        )
        db.commit()
    except AlreadyCommitted:
        db.rollback()
        flash(_("This import was committed already."), "info")
        return back
    except ImportRefused as exc:
        db.rollback()
        _failed(batch.id, str(exc))
        return back
    except Exception:  # a bug or the database: roll back, say so, keep the stack trace in the log
        db.rollback()
        log.exception("import %s failed", batch.id)
        _failed(
            batch.id,
            _(
                "The import failed and nothing was written. Try again; if it fails again, tell your administrator."
            ),
        )
        return back
    flash(_("The file was imported."), "success")
    return back


def _failed(batch_id: int, message: str) -> None:
    from ..importers.commit import mark_failed

    db = get_session()
    mark_failed(db, batch_id, message)
    db.commit()
    flash(localise(message), "error")


def _busy(batch: ImportBatch) -> bool:
    """Whether a job is reading or writing this batch right now."""
    job = get_session().get(Job, batch.job_id) if batch.job_id else None
    return job is not None and job.status in ("queued", "running")


def _enqueue(batch: ImportBatch, kind: str, total: int | None) -> Job:
    """Hand the batch to a job worker; it starts once the request's transaction commits.

    A preview's total is unknown until its first pass has counted the rows: the page says
    it is reading the file, then shows rows read.
    """
    from ..jobs.service import enqueue

    db = get_session()
    job = enqueue(
        db,
        kind=kind,
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        arguments={"batch_id": batch.id},
        total=total,
    )
    batch.job_id = job.id
    db.add(batch)
    return job


def _commit_as_job(campaign: Campaign, batch: ImportBatch):
    db = get_session()
    if _busy(batch):
        flash(_("This import is already being written."), "info")
        return None
    job = _enqueue(batch, "import", total=batch.rows_read)
    audit.record(
        db,
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        action="import",
        entity="import_batch",
        entity_id=batch.id,
        detail={"campaign_id": campaign.id, "filename": batch.filename, "job_id": job.id},
    )
    db.commit()
    flash(_("The import is being written: this page shows its progress."), "info")
    return None


@bp.post("/campaigns/<int:campaign_id>/imports/<int:batch_id>/discard")
@can_write
def discard(campaign_id: int, batch_id: int):
    """Forget a preview (and its stored file); committed imports stay in the history."""
    campaign = get_campaign_or_404(campaign_id)
    batch = get_batch_or_404(campaign, batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    if batch.status == "committed" or _busy(batch):
        flash(_("A committed import stays in the history."), "info")
        return redirect(url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id))
    db.delete(batch)
    db.commit()
    flash(_("Preview discarded: nothing was imported."), "info")
    return redirect(url_for("imports.index", campaign_id=campaign.id))
