"""The audit log page: admins see who changed what in their workspace, through web or API."""

from __future__ import annotations

import pytest

from tracker.models import AuditEntry
from tracker.tokens.service import create_token


@pytest.fixture
def workspace(factory):
    return factory.workspace()


def _entry(session, workspace, user, entity="cost_line", detail='{"amount": "400.0000"}'):
    session.add(
        AuditEntry(
            workspace_id=workspace.id,
            user_id=user.id,
            action="update",
            entity=entity,
            entity_id=7,
            detail=detail,
        )
    )
    session.commit()


def test_admins_see_who_changed_what(client, login, factory, session, workspace):
    manager = factory.user(workspace, role="manager")
    _entry(session, workspace, manager)
    login(factory.user(workspace, role="admin"))

    page = client.get("/admin/audit")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert manager.email in html and "cost_line #7" in html and "400.0000" in html


def test_api_writes_appear_marked_as_api(client, login, factory, session, workspace):
    manager = factory.user(workspace, role="manager")
    _row, token = create_token(session, user=manager, name="script")
    session.commit()
    campaign = factory.campaign(factory.brand(workspace))
    client.post(
        f"/api/v1/campaigns/{campaign.id}/cost-lines",
        json={"category": "tools", "currency": "EUR", "incurred_on": "2026-03-02", "amount": "99"},
        headers={"Authorization": f"Bearer {token}"},
    )
    login(factory.user(workspace, role="admin"))

    html = client.get("/admin/audit?entity=cost_line").get_data(as_text=True)

    assert "API" in html and manager.email in html and "99" in html


@pytest.mark.parametrize("role", ["manager", "viewer"])
def test_only_admins_may_open_it(client, login, factory, workspace, role):
    login(factory.user(workspace, role=role))

    assert client.get("/admin/audit").status_code == 403


def test_brand_users_may_not_open_it(client, login, factory, workspace):
    login(factory.user(workspace, role="brand", brand_id=factory.brand(workspace).id))

    assert client.get("/admin/audit").status_code == 403


def test_another_workspaces_entries_are_not_shown(client, login, factory, session, workspace):
    other = factory.workspace()
    _entry(session, other, factory.user(other), detail='{"name": "Wombat secret"}')
    login(factory.user(workspace, role="admin"))

    html = client.get("/admin/audit").get_data(as_text=True)

    assert "Wombat secret" not in html
    assert "Nothing recorded yet" in html


def test_filter_by_record_kind(client, login, factory, session, workspace):
    user = factory.user(workspace)
    _entry(session, workspace, user, entity="goals", detail='{"after": "views"}')
    _entry(session, workspace, user, entity="snapshot", detail='{"created": 3}')
    login(factory.user(workspace, role="admin"))

    html = client.get("/admin/audit?entity=goals").get_data(as_text=True)

    assert "goals #7" in html and "snapshot #7" not in html
