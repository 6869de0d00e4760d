"""Two workspaces for the access tests: "A" holds one of everything, the visitors try to reach it.

Workspace A has brand A1 (its campaign, goal, influencer, participation, post, snapshot,
cost line, rate, share link, report file, job, audit entry, API token) and brand A2 with its
own brand user. Workspace B has a user of every role and data of its own, so its pages
render with content. Names in A are unusual words, so finding one in a page B sees is a leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker.importers.commit import prepare
from tracker.importers.matching import Options
from tracker.models import AuditEntry, Job, Report, ShareLink, User
from tracker.sharing.service import hash_token
from tracker.tokens.service import create_token

CAMPAIGN_NAME = "Zebracorn Confidential Launch"
BRAND_NAME = "Aardvarkia Secret Brand"
INFLUENCER_NAME = "Quokkalina Hidden Creator"
SHARE_TOKEN = "share-token-of-workspace-a-0123456789"
SAMPLE_EXPORT = Path(__file__).parents[1] / "importers" / "data" / "tiktok_studio_content.csv"
ROLES = ("admin", "manager", "viewer", "brand")

# Path arguments that are formats, not objects: they do not scope a page to anything.
FORMAT_ARGS = {"table", "fmt"}
_ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")


@dataclass
class World:
    ids: dict[str, Any]
    a1_manager: User
    a1_viewer: User
    a1_brand: User
    a2_brand: User
    outsiders: dict[str, User]  # role → user of workspace B
    secrets: dict[str, str] = field(default_factory=dict)  # what each visitor must not see

    def path_for(self, rule) -> str:
        """The rule's URL with A's objects in it; fails loudly on an argument nobody mapped."""
        values = {}
        for options, name in _ANY.findall(rule.rule):
            values[name] = options.split(",")[0].strip().strip("'\"")
        missing = [a for a in rule.arguments if a not in values and a not in self.ids]
        assert not missing, (
            f"{rule.rule}: no test object for {missing}; add one to tests/access/world.py "
            "so the access tests can check this page"
        )
        values.update({a: self.ids[a] for a in rule.arguments if a not in values})
        return rule.build(values, append_unknown=False)[1]


def is_object_scoped(rule) -> bool:
    return bool(set(rule.arguments) - FORMAT_ARGS)


def build_world(factory, session, reports_dir: str) -> World:
    a = factory.workspace(name="Workspace A")
    a1 = factory.brand(a, name=BRAND_NAME)
    a2 = factory.brand(a, name="Second Brand Of A")
    campaign = factory.campaign(a1, name=CAMPAIGN_NAME, conversion_secret="secret-of-a")
    factory.campaign(a2, name="Campaign of A2")
    factory.goal(campaign, "views", 1000, "0.02")
    influencer = factory.influencer(a.id, name=INFLUENCER_NAME, handle="quokkalina")
    participation = factory.participation(campaign, influencer, promo_code="QUOKKA")
    post = factory.post(participation)
    snapshot = factory.snapshot(
        campaign=campaign, post=post, captured_on=date(2026, 3, 5), views=1000, likes=50
    )
    line = factory.cost(campaign, "400", participation=participation)
    rate = factory.rate(a.id, date(2026, 3, 1), "USD", "EUR", "0.92")
    manager = factory.user(a, role="manager")
    Path(reports_dir).mkdir(parents=True, exist_ok=True)
    (Path(reports_dir) / "a-recap.pdf").write_bytes(b"%PDF-1.4 recap of A")
    extra = [
        ShareLink(campaign_id=campaign.id, token_hash=hash_token(SHARE_TOKEN)),
        Report(campaign_id=campaign.id, filename="a-recap.pdf", size_bytes=19),
        Job(workspace_id=a.id, user_id=manager.id, kind="recap", status="done"),
        AuditEntry(
            workspace_id=a.id,
            user_id=manager.id,
            action="update",
            entity="cost_line",
            entity_id=line.id,
            detail=f'{{"campaign": "{CAMPAIGN_NAME}"}}',
        ),
    ]
    session.add_all(extra)
    session.commit()
    token_row, _token = create_token(session, user=manager, name="A's script")
    session.commit()
    link, report, job, _entry = extra
    # A real preview, through the importers' own service, so its pages render as in use.
    batch = prepare(
        session,
        campaign=campaign,
        filename="Content.csv",
        data=SAMPLE_EXPORT.read_bytes(),
        options=Options(as_of=date(2026, 3, 31)),
        user_id=manager.id,
    )
    session.commit()
    ids = {
        "campaign_id": campaign.id,
        "brand_id": a1.id,
        "influencer_id": influencer.id,
        "participation_id": participation.id,
        "post_id": post.id,
        "snapshot_id": snapshot.id,
        "line_id": line.id,
        "cost_line_id": line.id,
        "rate_id": rate.id,
        "link_id": link.id,
        "report_id": report.id,
        "job_id": job.id,
        "import_id": batch.id,
        "batch_id": batch.id,
        "token_id": token_row.id,
        # Public routes (share links, tracked links, recap assets): reachable by design.
        "token": SHARE_TOKEN,
        "code": participation.link_code,
        "name": "recap.css",
        "colour": "1f4e79",
    }

    b = factory.workspace(name="Workspace B")
    b_brand = factory.brand(b, name="Brand of B")
    b_campaign = factory.campaign(b_brand, name="Campaign of B")
    factory.participation(b_campaign)
    outsiders = {
        role: factory.user(b, role=role, brand_id=b_brand.id if role == "brand" else None)
        for role in ROLES
    }
    return World(
        ids=ids,
        a1_manager=manager,
        a1_viewer=factory.user(a, role="viewer"),
        a1_brand=factory.user(a, role="brand", brand_id=a1.id),
        a2_brand=factory.user(a, role="brand", brand_id=a2.id),
        outsiders=outsiders,
    )
