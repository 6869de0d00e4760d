"""Imports of platform exports: upload (a preview, nothing written), choices, commit.

The same service as the web pages (tracker/importers/commit.py): a commit writes the whole
file in one transaction or nothing, and the same file twice changes nothing. The views import
the importers when called, so start-up does not load every parser.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlmodel import select

from ..db import get_session
from ..importers.errors import ImportRefused
from ..models import Campaign, ImportBatch
from . import auditing
from .blueprint import api
from .errors import ApiError, invalid
from .pages import paginate
from .schemas.common import ListQuery
from .schemas.imports import ImportChoices, ImportPage, ImportPublic, ImportUpload


@api.post(
    "/campaigns/<int:campaign_id>/imports",
    body=ImportUpload,
    request_media_type="multipart/form-data",
    response=ImportPublic,
    status=201,
    summary="Upload an export: it is stored and previewed, nothing is imported yet",
    tag="imports",
)
def upload_import(campaign: Campaign, body: ImportUpload) -> ImportPublic:
    from ..importers.commit import prepare
    from ..importers.matching import Options

    storage = request.files.get("file")
    filename = (storage.filename if storage else "") or "upload"
    filename = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        batch = prepare(
            get_session(),
            campaign=campaign,
            filename=filename,
            data=body.file,
            options=Options(format=body.format, as_of=body.as_of, currency=body.currency),
            user_id=current_user.id,
        )
    except ImportRefused as exc:
        raise invalid({"file": str(exc)}, "The file cannot be imported.") from exc
    return ImportPublic.of(batch)


@api.get(
    "/campaigns/<int:campaign_id>/imports",
    query=ListQuery,
    response=ImportPage,
    summary="List the campaign's imports, newest first",
    tag="imports",
    roles=("admin", "manager"),
)
def list_imports(campaign: Campaign, query: ListQuery) -> ImportPage:
    rows = (
        select(ImportBatch)
        .where(ImportBatch.campaign_id == campaign.id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    )
    return paginate(rows, query, ImportPage, ImportPublic.of)


@api.get(
    "/imports/<int:import_id>",
    response=ImportPublic,
    summary="Read an import's preview (or what its commit wrote)",
    tag="imports",
    roles=("admin", "manager"),
)
def get_import(batch: ImportBatch) -> ImportPublic:
    return ImportPublic.of(batch)


@api.patch(
    "/imports/<int:import_id>",
    body=ImportChoices,
    response=ImportPublic,
    summary="Preview again with choices: format, day, currency, unknown rows, new posts",
    tag="imports",
)
def choose(batch: ImportBatch, body: ImportChoices) -> ImportPublic:
    from ..importers.commit import replan
    from ..importers.matching import Options

    if batch.status == "committed":
        raise ApiError(409, "This import was committed already.", {"import_id": "committed"})
    previous = Options.from_json(batch.options)
    sent = body.model_dump(exclude_unset=True)
    options = Options(
        format=sent.get("format", previous.format),
        as_of=sent.get("as_of", batch.captured_on),
        currency=sent.get("currency", previous.currency),
        mapping=sent.get("mapping", previous.mapping) or {},
        posts=sent.get("posts", previous.posts) or {},
    )
    if options.format != batch.format and "mapping" not in sent and "posts" not in sent:
        options.mapping, options.posts = {}, {}  # other rows, other decisions
    try:
        replan(get_session(), batch, options)
    except ImportRefused as exc:
        raise invalid({"format": str(exc)}, "The file cannot be read that way.") from exc
    return ImportPublic.of(batch)


@api.post(
    "/imports/<int:import_id>/commit",
    response=ImportPublic,
    summary="Import the previewed file, whole or not at all",
    tag="imports",
    description="Runs in the request (large files take a while). The same file committed "
    "again writes nothing new (KPI.md snapshot semantics, orders by id).",
)
def commit(batch: ImportBatch) -> ImportPublic:
    from ..importers.commit import AlreadyCommitted, commit_import, mark_failed

    db = get_session()
    try:
        counts = commit_import(db, batch.id)
    except AlreadyCommitted as exc:
        raise ApiError(
            409, "This import was committed already.", {"import_id": "committed"}
        ) from exc
    except ImportRefused as exc:
        db.rollback()
        mark_failed(db, batch.id, str(exc))
        db.commit()
        raise invalid({"format": str(exc)}, "The import failed; nothing was written.") from exc
    auditing.record(
        "import",
        "import_batch",
        batch.id,
        {"campaign_id": batch.campaign_id, "filename": batch.filename, **counts},
    )
    db.refresh(batch)
    return ImportPublic.of(batch)
