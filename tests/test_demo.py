"""The demo workspace: deterministic from its seed, complete, and telling its story in the figures."""

from __future__ import annotations

import shutil
import statistics
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker import analytics, create_app, migrate
from tracker.auth import service as auth_service
from tracker.cli import cli
from tracker.db import make_engine, session_scope
from tracker.demo import load_demo
from tracker.models import (
    Brand,
    Campaign,
    Click,
    Conversion,
    CostLine,
    ExchangeRate,
    Influencer,
    Participation,
    Post,
    Snapshot,
    User,
    Workspace,
)
from tracker.passwords import hash_password, verify_password
from tracker.tiers import TIERS

SEED = 2026
TODAY = date(2026, 11, 23)  # the demo's "today": campaign dates are relative to it
_hashes: dict[str, str] = {}


@pytest.fixture(autouse=True, scope="module")
def one_hash_per_password() -> Iterator[None]:
    """argon2 is slow on purpose: hash the demo password once, reuse the real hash."""

    def cached(password: str) -> str:
        if password not in _hashes:
            _hashes[password] = hash_password(password)
        return _hashes[password]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth_service, "hash_password", cached)
        yield


def _own_database(kind: str, location: str, tmp_dir) -> tuple[str, object]:
    """A database for this module only, so one demo load serves every story test."""
    if kind == "sqlite":
        target = tmp_dir / "demo.sqlite"
        shutil.copyfile(location, target)
        return f"sqlite:///{target}", lambda: None
    admin_url = make_url(location).set(database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS tracker_demo_story WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE tracker_demo_story"))
    url = make_url(location).set(database="tracker_demo_story").render_as_string(False)
    migrate.upgrade(url)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS tracker_demo_story WITH (FORCE)"))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="module")
def demo_engine(database_server, tmp_path_factory) -> Iterator[Engine]:
    url, drop = _own_database(*database_server, tmp_path_factory.mktemp("demo"))
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_demo(session, seed=SEED, today=TODAY)
    yield engine
    engine.dispose()
    drop()


@pytest.fixture
def demo(demo_engine: Engine) -> Iterator[Session]:
    with Session(demo_engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="module")
def tiers(demo_engine: Engine) -> analytics.TierComparison:
    with Session(demo_engine) as session:
        return analytics.tier_comparison(session, session.exec(select(Workspace)).one())


def _campaign(session: Session, name: str) -> Campaign:
    return session.exec(select(Campaign).where(Campaign.name == name)).one()


def _fingerprint(session: Session) -> dict:
    """Row counts and every campaign's headline figures: what two identical loads share."""
    counts = {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Influencer, Participation, Post, Snapshot, CostLine, ExchangeRate, Click)
    }
    workspace = session.exec(select(Workspace)).one()
    campaigns = session.exec(select(Campaign).order_by(Campaign.name)).all()
    summaries = analytics.campaign_summaries(
        session, campaigns, workspace_id=workspace.id, today=TODAY
    )
    figures = {
        c.name: (
            summaries[c.id].cost.total,
            summaries[c.id].totals["views"],
            summaries[c.id].kpis["engagements"],
            summaries[c.id].totals["link_clicks"],
            summaries[c.id].totals["conversions"],
            summaries[c.id].totals["revenue"],
            summaries[c.id].value_generated,
            [(g.metric, g.target) for g in summaries[c.id].goals],
        )
        for c in campaigns
    }
    orders = session.exec(select(func.count(), func.min(Conversion.order_id))).one()
    handles = session.exec(select(Influencer.name).order_by(Influencer.name)).all()
    return {"counts": counts, "figures": figures, "orders": tuple(orders), "names": handles}


def test_same_seed_loads_the_same_workspace_into_two_fresh_databases(demo, database_url):
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            load_demo(session, seed=SEED, today=TODAY)
        with Session(engine) as session:
            second = _fingerprint(session)
    finally:
        engine.dispose()
    first = _fingerprint(demo)
    assert first["counts"]["Snapshot"] > 3_000
    assert second == first


def test_loading_the_demo_twice_is_refused_before_writing_anything(demo):
    before = demo.exec(select(func.count()).select_from(Campaign)).one()
    with pytest.raises(ValueError, match="already loaded"):
        load_demo(demo, seed=SEED, today=TODAY)
    demo.rollback()
    assert demo.exec(select(func.count()).select_from(Campaign)).one() == before


def test_demo_has_three_brands_eight_campaigns_and_creators_of_every_tier(demo, tiers):
    workspace = demo.exec(select(Workspace)).one()
    assert workspace.name == "Atelier Nord"
    assert (workspace.tier_micro_min, workspace.tier_mega_min) == (10_000, 1_000_000)
    brands = demo.exec(select(Brand.name).order_by(Brand.name)).all()
    assert brands == ["Kiwi Cart", "Maison Lumière", "Nordlys Outdoor"]
    campaigns = demo.exec(select(Campaign)).all()
    assert len(campaigns) == 8
    assert {c.phase(TODAY) for c in campaigns} == {"running", "ended"}
    assert {c.objective for c in campaigns} == {"awareness", "engagement", "traffic", "sales"}
    assert {c.currency for c in campaigns} == {"EUR", "GBP"}
    assert 55 <= demo.exec(select(func.count()).select_from(Influencer)).one() <= 65

    assert [row.tier for row in tiers.rows if row.participations] == list(TIERS)
    assert tiers.bands == [
        ("nano", 0, 9_999),
        ("micro", 10_000, 49_999),
        ("mid", 50_000, 499_999),
        ("macro", 500_000, 999_999),
        ("mega", 1_000_000, None),
    ]
    deliverables = set(demo.exec(select(Participation.deliverables).distinct()).all())
    assert deliverables == {1, 2, 3, 4}
    published = demo.exec(
        select(Participation.deliverables, func.count(Post.id))
        .join(Post, Post.participation_id == Participation.id)
        .group_by(Participation.id, Participation.deliverables)
    ).all()
    assert all(1 <= posts <= promised for promised, posts in published)
    platforms = set(demo.exec(select(Participation.platform).distinct()).all())
    assert platforms == {"tiktok", "instagram", "youtube"}


def test_demo_results_come_from_every_source_with_paid_posts_clicks_and_orders(demo):
    sources = set(demo.exec(select(Snapshot.source).distinct()).all())
    assert sources == {"tiktok_studio", "meta_posts", "youtube_studio", "manual"}
    campaign_level = demo.exec(
        select(func.count()).where(Snapshot.post_id.is_(None), Snapshot.hashtag_uses.is_not(None))
    ).one()
    assert campaign_level > 100
    assert demo.exec(select(func.count()).where(Post.is_paid)).one() > 0
    ua_classes = set(demo.exec(select(Click.ua_class).distinct()).all())
    assert {"browser", "bot"} <= ua_classes
    assert demo.exec(select(func.count()).where(Conversion.attributed_by == "promo_code")).one()
    currencies = set(demo.exec(select(CostLine.currency).distinct()).all())
    assert {"EUR", "GBP", "USD"} <= currencies
    staff = demo.exec(select(CostLine).where(CostLine.category == "staff_time")).first()
    assert staff.amount == staff.hours * staff.hourly_rate


def test_demo_users_sign_in_with_the_demo_password(demo):
    users = {u.email: u for u in demo.exec(select(User)).all()}
    assert {e: u.role for e, u in users.items()} == {
        "demo@tracker.test": "manager",
        "admin@tracker.test": "admin",
        "viewer@tracker.test": "viewer",
    }
    hashes = {u.password_hash for u in users.values()}  # one real argon2 hash in this module
    assert all(verify_password(h, "demo-password") for h in hashes)


def test_demo_manager_signs_in_through_the_login_form(demo_engine, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": demo_engine.url.render_as_string(hide_password=False),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "TRACKER_REPORTS_DIR": str(tmp_path),
        }
    )
    try:
        client = app.test_client()
        response = client.post(
            "/login", data={"email": "demo@tracker.test", "password": "demo-password"}
        )
        assert response.status_code == 302
        assert "Storm Shell Drop" in client.get("/campaigns").get_data(as_text=True)
    finally:
        app.extensions["tracker.engine"].dispose()


def test_mega_creator_brings_huge_views_but_a_cpa_worse_than_the_campaign_median(demo):
    rows = analytics.participation_rows(demo, _campaign(demo, "Storm Shell Drop"))
    mega = next(r for r in rows if r.tier == "mega")
    assert mega.influencer == "Axel Lindqvist"
    assert mega.totals["views"] > 1_000_000
    assert mega.totals["views"] == max(r.totals["views"] or 0 for r in rows)
    median_cpa = statistics.median(r.kpis["cpa"] for r in rows if r.kpis["cpa"] is not None)
    assert mega.kpis["cpa"] > 2 * median_cpa


def test_nano_creators_have_the_best_pooled_engagement_rate_across_campaigns(tiers):
    er = {row.tier: row.kpis["engagement_rate"] for row in tiers.rows}
    assert max(er, key=er.get) == "nano"
    assert er["nano"] > er["micro"] > er["mid"] > er["macro"] > er["mega"]


def test_a_running_campaign_is_behind_its_pacing_on_the_demo_today(demo):
    summary = analytics.campaign_summary(demo, _campaign(demo, "Summit Challenge"), today=TODAY)
    assert summary.phase == "running"
    pacing = {g.metric: g.pacing for g in summary.goals}
    assert pacing == {"views": "at_risk", "hashtag_uses": "off_track"}


def test_one_ended_campaign_beat_its_5_to_1_target_and_another_missed_it(demo):
    beat = analytics.campaign_summary(demo, _campaign(demo, "Glow Serum Launch"), today=TODAY)
    missed = analytics.campaign_summary(demo, _campaign(demo, "Storm Shell Drop"), today=TODAY)
    for summary in (beat, missed):
        assert summary.phase == "ended"
        assert summary.target_ratio == Decimal(5)
    assert beat.meets_target is True and beat.roi_ratio >= 5
    assert missed.meets_target is False and missed.roi_ratio < 4


def test_cli_refuses_a_second_demo_and_leaves_an_existing_workspace_alone(demo_engine):
    env = {"DATABASE_URL": demo_engine.url.render_as_string(hide_password=False)}
    again = CliRunner().invoke(cli, ["demo", "load"], env=env)
    assert again.exit_code == 1
    assert "The demo is already loaded: demo@tracker.test exists." in again.output
    skipped = CliRunner().invoke(cli, ["demo", "load", "--if-empty"], env=env)
    assert skipped.exit_code == 0, skipped.output
    assert "Database already has data; demo not loaded." in skipped.output
