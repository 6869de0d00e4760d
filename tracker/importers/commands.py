"""`tracker import FILE --campaign ID`: the same preview and commit as the web app, in a shell."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from ..db import get_engine, session_scope
from ..models import Campaign
from .commit import AlreadyCommitted, commit_import, prepare, totals
from .errors import ImportRefused
from .matching import CAMPAIGN_LEVEL, SKIP, Options, describe
from .reading import MAX_BYTES
from .registry import known_formats

SHOWN_ROWS = 200  # rejected / left-out rows printed; the counts are always complete


def _read(path: str) -> bytes:
    """Read the file, refusing by its size before reading a byte of a huge one."""
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise ImportRefused(
            f"The file is {size / 1024 / 1024:,.0f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
            "Export a shorter period, or split the file."
        )
    with open(path, "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _mapping(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, target = value.rpartition("=")
        if not sep or not key or not (target in (SKIP, CAMPAIGN_LEVEL) or target.isdigit()):
            raise click.BadParameter(
                f"{value!r}: write KEY=PARTICIPATION_ID, KEY=skip or KEY=campaign",
                param_hint="--map",
            )
        out[key] = target
    return out


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign's id.")
@click.option(
    "--format",
    "format_name",
    type=click.Choice([name for name, _label in known_formats()]),
    default=None,
    help="The export's format (default: recognised from its columns).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date of figures the file does not date (default: today).",
)
@click.option(
    "--currency", default=None, help="Currency of unlabelled amounts (default: the campaign's)."
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="KEY=ID",
    help="Map unmatched rows (KEY as listed) to a participation id, 'skip' or 'campaign'.",
)
@click.option("--dry-run", is_flag=True, help="Show what the import would do; write nothing.")
@with_appcontext
def import_command(
    file: str,
    campaign_id: int,
    format_name: str | None,
    as_of,
    currency: str | None,
    mappings: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Import FILE (a platform export or the tracker's CSV) into a campaign, all of it or nothing."""
    options = Options(
        format=format_name,
        as_of=as_of.date() if as_of else None,
        currency=currency.strip().upper() if currency else None,
        mapping=_mapping(mappings),
    )
    name = os.path.basename(file)
    try:
        data = _read(file)
        with session_scope(get_engine()) as session:
            campaign = session.get(Campaign, campaign_id)
            if campaign is None:
                raise click.ClickException(f"No campaign with id {campaign_id}.")
            batch = prepare(session, campaign=campaign, filename=name, data=data, options=options)
            summary = _summary(batch.summary)
            if summary.get("state") == "choose_format":
                raise click.ClickException(
                    "The file fits several formats: run again with --format "
                    + " or --format ".join(summary["candidates"])
                    + "."
                )
            if dry_run:
                _print(summary, name, would=True)
                session.rollback()  # a dry run leaves no trace, not even the preview
                return
            with click.progressbar(length=max(batch.rows_read, 1), label="Importing") as bar:
                seen = [0]

                def progress(done: int, total: int | None = None) -> None:
                    bar.update(max(done - seen[0], 0))
                    seen[0] = max(done, seen[0])

                counts = commit_import(session, batch.id, progress=progress)
            summary = _summary(batch.summary)
            batch_id = batch.id
    except ImportRefused as exc:
        raise click.ClickException(f"{name} was refused: {exc}") from None
    except AlreadyCommitted:
        raise click.ClickException("This import was committed already.") from None
    except click.ClickException:
        raise
    except Exception as exc:  # a database error or a bug: the transaction was rolled back
        raise click.ClickException(
            f"The import failed and nothing was written ({type(exc).__name__}: {exc})."
        ) from exc
    # Only once the transaction is committed: a summary never announces a rolled-back import.
    _print(
        {**summary.get("committed_preview", summary), "counts": counts},
        name,
        would=False,
        batch_id=batch_id,
    )


def _summary(text: str) -> dict:
    import json

    return json.loads(text or "{}")


def _print(summary: dict, name: str, *, would: bool, batch_id: int | None = None) -> None:
    counts = summary["counts"]
    sums = totals(counts)
    head = (
        f"Dry run of {name}: nothing was written."
        if would
        else f"Import #{batch_id} of {name} committed."
    )
    click.echo(head)
    click.echo(
        f"  rows read  {summary['rows_read']:>9,}   (format: {summary['format']}, undated figures as of {summary['as_of']})"
    )
    verb = "would be " if would else ""
    click.echo(
        f"  created    {sums['created']:>9,}   {verb}({counts['posts_created']} posts, "
        f"{counts['snapshots_created']} snapshots, {counts['conversions_created']} conversions, "
        f"{counts['costs_created']} cost lines)"
    )
    click.echo(
        f"  updated    {sums['updated']:>9,}   ({counts['snapshots_updated']} snapshots, "
        f"{counts['costs_updated']} cost lines, {counts['posts_updated']} posts completed)"
    )
    click.echo(
        f"  unchanged  {sums['unchanged']:>9,}   ({counts['snapshots_unchanged']} snapshots, "
        f"{counts['conversions_duplicate']} orders already recorded, {counts['costs_unchanged']} cost lines)"
    )
    click.echo(f"  rejected   {sums['rejected']:>9,}")
    click.echo(f"  left out   {sums['left_out']:>9,}")
    for warning in summary.get("warnings", []):
        click.echo(f"Note: {warning}")
    if summary.get("rejected"):
        click.echo("Rejected rows:")
        for error in summary["rejected"][:SHOWN_ROWS]:
            click.echo(
                f"  row {error['row']}, column “{error['column']}”: {error['reason']} "
                f"(found “{error['value']}”)"
            )
        if counts["rejected"] > SHOWN_ROWS:
            click.echo(f"  … and {counts['rejected'] - SHOWN_ROWS} more.")
    unmatched = [u for u in summary.get("unknowns", []) if u["choice"] == SKIP]
    if unmatched:
        click.echo("Unmatched, left out (map them with --map KEY=PARTICIPATION_ID):")
        for unknown in unmatched:
            click.echo(
                f"  {unknown['key']}  ({unknown['count']} rows: {', '.join(map(str, unknown['rows'][:10]))})"
            )
    left_out = [
        (item["row"], describe(code, item["params"]))
        for code, group in summary.get("left_out", {}).items()
        for item in group["items"]
    ]
    if left_out:
        click.echo("Left out:")
        for row, reason in sorted(left_out, key=lambda r: r[0])[:SHOWN_ROWS]:
            click.echo(f"  row {row}: {reason}")
        if counts["left_out"] > min(len(left_out), SHOWN_ROWS):
            click.echo(f"  … and {counts['left_out'] - min(len(left_out), SHOWN_ROWS)} more.")
