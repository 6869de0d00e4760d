"""`tracker report`: one recap to a file, or every campaign of a brand with a progress bar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from tracker.cli import cli
from tracker.models import Report

from ..reference import build_reference
from .support import pdf_pages


def test_report_writes_the_campaign_recap_to_the_given_file(runner, factory, session, tmp_path):
    ref = build_reference(factory)
    out = tmp_path / "recap.pdf"
    result = runner.invoke(cli, ["report", str(ref.campaign.id), "-o", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    text = " ".join(" ".join(pdf_pages(out.read_bytes())).split())
    assert "Synthèse" in text and "10 810,00 €" in text
    assert session.exec(select(Report)).first() is None  # a file of the user's: no Report row


def test_report_refuses_an_unknown_campaign(runner, tmp_path):
    result = runner.invoke(cli, ["report", "999", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    assert "No campaign with id 999." in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_batch_renders_every_campaign_of_the_brand_and_reports_failures(
    app, runner, factory, session
):
    ref = build_reference(factory)
    broken = factory.campaign(ref.brand, name="Needs a rate", slug="needs-a-rate")
    factory.cost(broken, "100", currency="GBP")
    factory.campaign(factory.brand(ref.workspace), name="Other brand")  # not rendered

    result = runner.invoke(cli, ["report", "batch", "--brand", "maison-lumiere"])

    assert result.exit_code == 1, result.output
    assert "Rendering 2 recap(s) of Maison Lumière" in result.output
    assert "FAILED Needs a rate: No exchange rate GBP→EUR on or before 2026-03-01" in result.output
    assert "1 recap(s) written, 1 failed." in result.output
    name = f"maison-lumiere_printemps-eclat-2026_{date.today().isoformat()}_en.pdf"
    report = session.exec(select(Report)).one()
    assert (report.campaign_id, report.filename) == (ref.campaign.id, name)
    assert (Path(app.config["TRACKER_REPORTS_DIR"]) / name).stat().st_size == report.size_bytes


def test_batch_names_an_unknown_brand(runner):
    result = runner.invoke(cli, ["report", "batch", "--brand", "nope"])
    assert result.exit_code != 0
    assert "No brand with the slug 'nope'." in result.output
