"""Every string of the analytical pages has a French translation in the dashboard's catalog."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tracker" / "dashboard" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _extracted() -> set[str]:
    found: set[str] = set()
    for folder, method in (
        (ROOT / "tracker" / "dashboard", [("**.py", "python")]),
        (ROOT / "templates" / "dashboard", [("**.html", "jinja2")]),
    ):
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_dashboard_string_is_translated_into_french():
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(_extracted() - translated)
    assert not missing, f"add French for: {missing}"
