"""The web app's French catalog covers every string of the pages its babel.cfg names.

The check is what `pybabel extract -F tracker/translations/babel.cfg -k _l` finds, compared
with tracker/translations/fr/LC_MESSAGES/messages.po (other areas have their own catalogs).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "tracker" / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def _extracted() -> dict[tuple[str | None, str], str]:
    """(context, message id) → the file it was found in."""
    with (WEB / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((context, msgid), filename)
    return found


def _catalog():
    with (WEB / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def test_every_web_app_string_has_a_french_entry_in_the_web_apps_catalog():
    catalog = _catalog()
    missing = []
    for (context, msgid), filename in sorted(_extracted().items(), key=str):
        entry = catalog.get(msgid, context)
        strings = entry.string if entry is not None else ""
        if not (all(strings) if isinstance(strings, tuple) else strings) or entry.fuzzy:
            missing.append(
                f"{filename}: {msgid!r}" + (f" (context {context!r})" if context else "")
            )

    assert not missing, "add French for:\n" + "\n".join(missing)


def test_the_extraction_covers_the_tracked_link_token_job_and_audit_pages():
    files = set(_extracted().values())

    for page in (
        "templates/links/tracking.html",
        "tracker/links/views.py",
        "templates/tokens/index.html",
        "templates/jobs/show.html",
        "templates/audit/index.html",
    ):
        assert page in files, page


def test_the_brand_status_has_its_own_french_entry():
    entry = _catalog().get("Active", "brand status")

    assert entry is not None and entry.string == "Active"  # « marque active »
    assert _catalog().get("Active").string == "Actives"  # the campaigns filter, plural
