"""Recap files under TRACKER_REPORTS_DIR: names that say brand, campaign and date; one Report row each."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import Session

from ..models import Brand, Campaign, Report
from ..slugs import slugify


def recap_filename(brand: Brand, campaign: Campaign, locale: str, day: date) -> str:
    """e.g. maison-lumiere_printemps-eclat-2026_2026-11-23_fr.pdf"""
    return (
        f"{slugify(brand.slug or brand.name, 50)}_{slugify(campaign.slug or campaign.name, 60)}"
        f"_{day.isoformat()}_{slugify(locale, 5)}.pdf"
    )


def free_path(directory: Path, filename: str) -> Path:
    """`filename` in `directory`, with -2, -3… before the extension while the name is taken."""
    stem, suffix = os.path.splitext(filename)
    candidate, n = directory / filename, 2
    while candidate.exists():
        candidate, n = directory / f"{stem}-{n}{suffix}", n + 1
    return candidate


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a reader never sees half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".recap-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_recap(
    session: Session,
    *,
    campaign: Campaign,
    brand: Brand,
    pdf: bytes,
    locale: str,
    reports_dir: str | Path,
    day: date,
    created_by: int | None = None,
) -> Report:
    """Write the PDF under the reports directory and add its Report row (flushed, not committed)."""
    path = free_path(Path(reports_dir), recap_filename(brand, campaign, locale, day))
    write_atomically(path, pdf)
    report = Report(
        campaign_id=campaign.id,
        locale=locale,
        filename=path.name,
        size_bytes=len(pdf),
        created_by=created_by,
    )
    session.add(report)
    try:
        session.flush()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return report


def report_path(reports_dir: str | Path, report: Report) -> Path | None:
    """The file of a Report row, if it is still there and inside the reports directory."""
    root = Path(reports_dir).resolve()
    path = (root / report.filename).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None
