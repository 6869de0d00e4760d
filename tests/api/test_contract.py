"""Schemathesis drives every operation of the OpenAPI document against the app.

It generates requests from the document (valid and invalid), and fails on any 5xx, any
status code or content type the document does not declare, and any body that breaks its
documented schema. Bounded: a few examples per operation, SQLite only (~1 min).
"""

from __future__ import annotations

import shutil
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from tracker import create_app
from tracker.api import api
from tracker.db import get_engine
from tracker.tokens.service import create_token

from ..factories import Factory

# Rendering a PDF takes seconds: its success path is tested in test_reports.py instead.
SLOW = {("POST", "/campaigns/{campaign_id}/reports")}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def contract(database_server, tmp_path_factory):
    """One app and database for the whole run (creating an app per operation costs more than
    the run itself), a manager's token, and real ids for every path argument."""
    kind, template = database_server
    if kind != "sqlite":
        pytest.skip("the contract run is bounded to SQLite")
    folder = tmp_path_factory.mktemp("contract")
    shutil.copyfile(template, folder / "db.sqlite")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite'}",
            "TRACKER_REPORTS_DIR": str(folder / "reports"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        factory = Factory(session, password="contract password")
        workspace = factory.workspace()
        campaign = factory.campaign(factory.brand(workspace), conversion_secret="contract-secret")
        factory.goal(campaign, "views", 1000, "0.02")
        influencer = factory.influencer(workspace.id)
        participation = factory.participation(campaign, influencer)
        post = factory.post(participation)
        ids = {
            "brand_id": campaign.brand_id,
            "campaign_id": campaign.id,
            "influencer_id": influencer.id,
            "participation_id": participation.id,
            "post_id": post.id,
            "cost_line_id": factory.cost(campaign, "10", participation=participation).id,
            "snapshot_id": factory.snapshot(
                campaign=campaign, post=post, captured_on=campaign.start_date, views=10
            ).id,
            "rate_id": factory.rate(workspace.id, campaign.start_date, "GBP", "EUR", "1.17").id,
        }
        _row, token = create_token(session, user=factory.user(workspace), name="contract")
        session.commit()
    yield {"app": app, "token": token, "secret": "contract-secret", "ids": ids}
    engine.dispose()


# The document is built from the route registry, without an app or a database; each case
# is then sent to the test's app (with its own fresh database) through WSGI.
# Bounded on purpose: no coverage or stateful phases, a few generated cases per operation.
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": 8, "deterministic": True, "database": "none"},
    }
)
schema = schemathesis.openapi.from_dict(api.openapi(), config=CONFIG)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_documented_contract(case, contract):
    # Real ids half of the time reach the handlers' success paths; the others test 404s.
    if (case.method, case.path) not in SLOW and zlib.crc32(repr(case.body).encode()) % 2 == 0:
        for name in list(case.path_parameters or {}):
            if name in contract["ids"]:
                case.path_parameters[name] = contract["ids"][name]
    secret = contract["secret"] if case.path == "/conversions" else contract["token"]
    case.call_and_validate(
        app=contract["app"], headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS
    )
