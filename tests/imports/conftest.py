"""Fixtures for the import pages: the samples' story, a signed-in manager, upload helpers."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func
from sqlmodel import select

from tracker.models import ImportBatch

from ..importers.test_service import build_story
from ..web.conftest import sign_in


@pytest.fixture
def story(factory):
    return build_story(factory)


@pytest.fixture
def as_manager(client, factory, story):
    sign_in(client, factory.user(story.workspace, role="manager"))
    return client


@pytest.fixture
def in_french(as_manager):
    with as_manager.session_transaction() as flask_session:
        flask_session["lang"] = "fr"
    return as_manager


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
