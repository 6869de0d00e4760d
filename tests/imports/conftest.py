"""Fixtures for the import pages: the samples' story, a signed-in manager, upload helpers."""

from __future__ import annotations

import pytest

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
