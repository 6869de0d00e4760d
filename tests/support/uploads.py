"""Uploading a file through the web app's import page, and reading what it stored."""

from __future__ import annotations

import io

from sqlalchemy import func
from sqlmodel import select

from tracker.models import ImportBatch


def upload(client, campaign, name: str, data: bytes, **fields):
    return client.post(
        f"/campaigns/{campaign.id}/imports",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def batches(session) -> list[ImportBatch]:
    session.expire_all()
    return list(session.exec(select(ImportBatch).order_by(ImportBatch.id)).all())


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()
