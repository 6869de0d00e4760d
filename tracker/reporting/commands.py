"""`tracker report`: one campaign's recap to a file, or every campaign of a brand."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select

from ..db import get_engine, session_scope
from .i18n import LOCALES

LANG = click.Choice(LOCALES)


class ReportGroup(click.Group):
    """`tracker report 12 …` runs the `campaign` command; `tracker report batch …` the batch."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["campaign", *args]
        return super().parse_args(ctx, args)


@click.group("report", cls=ReportGroup)
def report_group() -> None:
    """Campaign recaps (PDF): `tracker report CAMPAIGN_ID -o FILE` or `tracker report batch`."""


@report_group.command("campaign")
@click.argument("campaign_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the PDF here. Without it: under TRACKER_REPORTS_DIR, listed on the recap page.",
)
@click.option("--lang", type=LANG, default=None, help="Language (default: the campaign's).")
@with_appcontext
def campaign_command(campaign_id: int, output: Path | None, lang: str | None) -> None:
    """Render the recap of CAMPAIGN_ID."""
    from ..currency import MissingRateError
    from ..models import Campaign
    from . import render_recap, write_recap
    from .files import write_atomically

    with session_scope(get_engine()) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise click.ClickException(f"No campaign with id {campaign_id}.")
        try:
            if output is not None:
                pdf = render_recap(session, campaign, lang)
                write_atomically(output, pdf)
                click.echo(f"Wrote {output} ({len(pdf) // 1024} KB).")
                return
            reports_dir = current_app.config["TRACKER_REPORTS_DIR"]
            report = write_recap(session, campaign, lang, reports_dir=reports_dir)
        except MissingRateError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Wrote {Path(reports_dir) / report.filename} ({report.size_bytes // 1024} KB).")


@report_group.command("batch")
@click.option("--brand", "brand_slug", required=True, help="The brand's slug.")
@click.option(
    "--workspace", "workspace_slug", default=None, help="Workspace slug, if brands share slugs."
)
@click.option("--lang", type=LANG, default=None, help="Language (default: each campaign's).")
@click.option("--workers", type=click.IntRange(1, 8), default=1, show_default=True)
@with_appcontext
def batch_command(
    brand_slug: str, workspace_slug: str | None, lang: str | None, workers: int
) -> None:
    """Render the recap of every campaign of a brand into TRACKER_REPORTS_DIR."""
    from ..models import Brand, Campaign, Workspace
    from .batch import render_many

    with session_scope(get_engine()) as session:
        query = select(Brand, Workspace).join(Workspace, Workspace.id == Brand.workspace_id)
        query = query.where(Brand.slug == brand_slug)
        if workspace_slug:
            query = query.where(Workspace.slug == workspace_slug)
        brands = session.exec(query).all()
        if not brands:
            raise click.ClickException(f"No brand with the slug {brand_slug!r}.")
        if len(brands) > 1:
            spaces = ", ".join(sorted(w.slug for _, w in brands))
            raise click.ClickException(
                f"Several workspaces have a brand {brand_slug!r} ({spaces}): add --workspace."
            )
        brand = brands[0][0]
        ids = list(
            session.exec(
                select(Campaign.id)
                .where(Campaign.brand_id == brand.id)
                .order_by(Campaign.start_date, Campaign.id)
            ).all()
        )
    if not ids:
        click.echo(f"{brand.name} has no campaign: nothing to render.")
        return
    reports_dir = Path(current_app.config["TRACKER_REPORTS_DIR"])
    done, failed = [], []
    with click.progressbar(
        length=len(ids),
        label=f"Rendering {len(ids)} recap(s) of {brand.name}",
        item_show_func=lambda name: name,
    ) as bar:
        for result in render_many(
            current_app.config["DATABASE_URL"],
            ids,
            locale=lang,
            reports_dir=str(reports_dir),
            workers=workers,
        ):
            (failed if result.error else done).append(result)
            bar.update(1, result.campaign)
    for result in done:
        click.echo(f"  {reports_dir / result.filename}")
    for result in failed:
        click.echo(f"  FAILED {result.campaign}: {result.error}", err=True)
    click.echo(f"{len(done)} recap(s) written, {len(failed)} failed.")
    if failed:
        raise SystemExit(1)
