"""What the importers say (row errors, notes, refusals) is shown in French on French pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tracker.importers.messages import TEMPLATES, localise, template_of
from tracker.jobs.service import state as jobs_state

from ..importers.conftest import build_csv
from ..support.uploads import upload
from ..web.conftest import text

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tracker" / "imports" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
# Raised only on a programming error, or printed by the command line (English on purpose).
NOT_SHOWN_ON_PAGES = (
    "is not a canonical metric key",
    "must be ⟨",
    "unknown platform",
    "unknown scope level",
    "chunk_rows must be at least 1",
    "give exactly one of start and end",
    "; the limit is ⟨MAX_BYTES",
)


def _sample(node: ast.AST) -> str | None:
    """A message as the code writes it, each value it fills in shown as ⟨expression⟩."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else f"⟨{ast.unparse(v.value)}⟩"
            for v in node.values
        )
    return None


def _messages() -> list[tuple[str, int, str]]:
    """Every message the importers raise, reject a row with or note, read from their code."""
    found = []
    for path in sorted((ROOT / "tracker" / "importers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            arguments: list[ast.AST] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if name in ("ValueError", "ImportRefused", "JobError", "AmbiguousFormat"):
                    arguments = node.args[:1]
                elif name == "RowError":
                    arguments = node.args[3:4]
                elif name == "fail":
                    arguments = node.args[2:3]
                elif name == "warn" or (
                    name == "append" and "warnings" in ast.unparse(getattr(func, "value", node))
                ):
                    arguments = node.args[:1]
            elif isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "reason" for t in node.targets
            ):
                arguments = [node.value]
            for argument in arguments:
                sample = _sample(argument)
                if sample is not None:
                    found.append((path.name, node.lineno, sample))
    return found


def test_the_code_scan_finds_the_importers_messages():
    samples = {sample for _file, _line, sample in _messages()}
    assert "not a number" in samples
    assert "the post_url is a ⟨link.platform⟩ link" in samples
    assert len(samples) > 80


def test_every_message_an_importer_shows_has_a_template_to_translate_it():
    missing = [
        f"{file}:{line}: {sample}"
        for file, line, sample in _messages()
        if not any(part in sample for part in NOT_SHOWN_ON_PAGES)
        and template_of(re.sub(r"⟨[^⟩]*⟩", "7", sample)) is None
    ]
    assert not missing, "add to tracker/importers/messages.py:\n" + "\n".join(missing)


def test_every_template_has_its_french_with_the_same_values():
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    problems = []
    for template in TEMPLATES:
        entry = catalog.get(template)
        if entry is None or not entry.string or entry.fuzzy:
            problems.append(f"no French for {template!r}")
        elif sorted(re.findall(r"%\(\w+\)s", entry.string)) != sorted(
            re.findall(r"%\(\w+\)s", template)
        ):
            problems.append(f"other values in the French of {template!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("not a number", "pas un nombre"),
        ("the post_url is a youtube link", "le post_url est un lien youtube"),
        (
            "This looks like a PNG image, not a CSV or XLSX export.",
            "Ce fichier ressemble à une image PNG, pas à un export CSV ou XLSX.",
        ),
        (
            "Publish times were read as day/month, the order of this export's language.",
            "Les dates de publication ont été lues en jour/mois, l’ordre de la langue de cet export.",
        ),
        ("The file is larger than the 200 MB limit.", "Le fichier dépasse la limite de 200 Mo."),
        ("database is locked", "database is locked"),  # not an importer's: shown as it is
    ],
)
def test_a_message_is_translated_with_the_values_it_holds(app, english, french):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert localise(english) == french
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert localise(english) == english
    assert localise(english) == english  # outside a request (CLI, jobs): English


def test_rejected_rows_and_notes_of_the_preview_are_in_french(in_french, story):
    rows = [
        ["post_url", "captured_on", "views", "colour"],
        ["https://www.tiktok.com/@lea.glow/video/7600000000000000001", "10/03/2026", "1", "red"],
        ["https://www.tiktok.com/@lea.glow/video/7600000000000000002", "2026-03-10", "1,5", ""],
    ]
    response = upload(in_french, story.campaign, "saisie.csv", build_csv(rows))

    page = text(in_french.get(response.location))

    assert "Colonnes ignorées : colour." in page
    assert "écrivez la date sous la forme AAAA-MM-JJ" in page
    assert "ce chiffre doit être un nombre entier" in page  # 1,5 views
    assert "write the date" not in page and "Ignored columns" not in page


def test_a_refused_file_is_explained_in_french_on_the_page_and_after_a_job(app, in_french, story):
    refused = upload(in_french, story.campaign, "photo.csv", PNG)
    assert "Ce fichier ressemble à une image PNG, pas à un export CSV ou XLSX." in text(refused)

    app.config["IMPORT_INLINE_BYTES"] = 10  # read by a job, which fails with the reason
    jobs_state(app).mode = "sync"
    response = upload(in_french, story.campaign, "photo.csv", PNG)
    page = text(in_french.get(response.location))
    assert (
        "Ce fichier ne peut pas être importé : Ce fichier ressemble à une image PNG, pas à un "
        "export CSV ou XLSX."
    ) in page
