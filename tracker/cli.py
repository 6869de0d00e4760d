"""The `tracker` command: everything a manager may script."""

from __future__ import annotations

import importlib

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlmodel import select

from . import create_app
from .db import get_engine, session_scope

# Command groups whose modules import heavy code (pandas, the importers, the recap renderer):
# {name: ("module:attribute", the first paragraph of its help, as `tracker --help` lists it)}.
# A test checks each against the command's own help, so the listing never drifts from it.
LAZY_COMMANDS = {
    "import": (
        "tracker.importers.commands:import_command",
        "Import FILE (a platform export or the tracker's CSV) into a campaign, all of it or "
        "nothing.",
    ),
    "report": (
        "tracker.reporting.commands:report_group",
        "Campaign recaps (PDF): `tracker report CAMPAIGN_ID -o FILE` or `tracker report batch`.",
    ),
}


class TrackerGroup(FlaskGroup):
    """Flask's command group, made cheap to start: `tracker --help` imports no area's code.

    Flask's own group builds the app to list the commands of `app.cli`; ours live on this
    group (the app registers none), so listing them never builds the app (API schemas,
    blueprints). Heavy command groups are imported when they run, or when their own help is
    asked for. A name this group does not know still goes to `app.cli`, as in Flask.
    """

    def __init__(self, *args, lazy_commands: dict[str, tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)
        self._listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands and name not in self.commands:
            target, help_text = self.lazy_commands[name]
            if self._listing:  # the command list needs only the name and its one-line help
                return click.Command(name, help=help_text)
            module, _, attribute = target.partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


@click.group(
    cls=TrackerGroup,
    create_app=create_app,
    add_default_commands=True,
    lazy_commands=LAZY_COMMANDS,
)
def cli() -> None:
    """Influencer campaign ROI tracker."""


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from . import migrate  # Alembic: loaded only by the commands that migrate

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Database is up to date.")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    from . import migrate

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db.command("rebuild-rollups")
@with_appcontext
def db_rebuild_rollups() -> None:
    """Recompute every campaign's result rollups from its snapshots (after raw SQL writes)."""
    from .results.rollups import rebuild_all

    with session_scope(get_engine()) as session:
        count = rebuild_all(session.connection())
    click.echo(f"Rollups rebuilt for {count} campaigns.")


@cli.group()
def demo() -> None:
    """The demo workspace."""


@demo.command("load")
@click.option("--seed", default=2026, show_default=True)
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database already has a workspace."
)
@with_appcontext
def demo_load(seed: int, if_empty: bool) -> None:
    """Load the demo workspace (3 brands, 8 campaigns, 60 influencers)."""
    from .demo import load_demo
    from .models import Workspace

    with session_scope(get_engine()) as session:
        if if_empty and session.exec(select(Workspace)).first() is not None:
            click.echo("Database already has data; demo not loaded.")
            return
        try:
            summary = load_demo(session, seed=seed)
        except ValueError as exc:  # already loaded: say so instead of a traceback
            raise click.ClickException(str(exc)) from exc
    click.echo(summary)


@cli.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--role", default="manager", show_default=True)
@click.option(
    "--workspace", "workspace_slug", default=None, help="Workspace slug (default: the first)."
)
@click.option("--brand", "brand_slug", default=None, help="Brand slug, for role 'brand'.")
@with_appcontext
def users_create(
    email: str, password: str, role: str, workspace_slug: str | None, brand_slug: str | None
) -> None:
    """Create a user who signs in with EMAIL and PASSWORD."""
    from .auth.service import create_user
    from .models import Brand, Workspace

    with session_scope(get_engine()) as session:
        query = select(Workspace).order_by(Workspace.id)
        if workspace_slug:
            query = query.where(Workspace.slug == workspace_slug)
        workspace = session.exec(query).first()
        if workspace is None:
            workspace = Workspace(name="My workspace", slug="workspace")
            session.add(workspace)
            session.flush()
        brand_id = None
        if brand_slug:
            brand = session.exec(
                select(Brand).where(Brand.workspace_id == workspace.id, Brand.slug == brand_slug)
            ).first()
            if brand is None:
                raise click.BadParameter(f"no brand {brand_slug!r} in workspace {workspace.slug!r}")
            brand_id = brand.id
        try:
            user = create_user(
                session,
                email=email,
                password=password,
                role=role,
                workspace=workspace,
                brand_id=brand_id,
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Created {user.role} {user.email} in workspace {workspace.slug}.")


@cli.group()
def tokens() -> None:
    """Personal API tokens."""


@tokens.command("create")
@click.option("--email", required=True, help="The user the token acts as (same role and scope).")
@click.option("--name", required=True, help="What will use it, e.g. 'nightly import'.")
@with_appcontext
def tokens_create(email: str, name: str) -> None:
    """Create an API token for EMAIL and print it once (only its hash is stored)."""
    from .models import User
    from .tokens.service import create_token

    with session_scope(get_engine()) as session:
        user = session.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None or not user.is_active:
            raise click.ClickException(f"No active user with the email {email}.")
        try:
            row, token = create_token(session, user=user, name=name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(token)
    click.echo(
        f"Token {row.prefix}… for {user.email} ({user.role}). It is shown once: store it now.",
        err=True,
    )


@tokens.command("revoke")
@click.option("--email", required=True)
@click.option("--prefix", required=True, help="The token's first characters, as listed.")
@with_appcontext
def tokens_revoke(email: str, prefix: str) -> None:
    """Revoke the user's active tokens starting with PREFIX."""
    from .models import ApiToken, User
    from .tokens.service import revoke_token

    with session_scope(get_engine()) as session:
        user = session.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            raise click.ClickException(f"No user with the email {email}.")
        rows = session.exec(
            select(ApiToken).where(
                ApiToken.user_id == user.id,
                ApiToken.prefix == prefix.rstrip("…"),
                ApiToken.revoked_at.is_(None),
            )
        ).all()
        if not rows:
            raise click.ClickException(f"{email} has no active token starting with {prefix}.")
        for row in rows:
            revoke_token(session, user_id=user.id, token_id=row.id)
    click.echo(f"Revoked {len(rows)} token(s).")


from .jobs.cli import jobs_group, worker_command  # noqa: E402  (commands live with their area)

cli.add_command(worker_command)
cli.add_command(jobs_group)
