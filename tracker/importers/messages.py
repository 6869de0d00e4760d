"""The importers' messages in the reader's language.

Parsers and matching write English (the command line, the API and the logs show it as it
is), and what they write is stored as text: row errors and notes in a batch's summary, a
refusal in a failed job. So a page translates a message where it shows it: ``localise``
finds the template below that the message was made from, translates the template
(tracker/imports/translations) and puts the same values back in, themselves translated
when they are messages too ("a PNG image", "day/month").

Every message an importer can show is listed here; tests/imports/test_messages.py reads
the importers' code to check that none is missing, and that each has its French.
"""

from __future__ import annotations

import re
from functools import lru_cache


def N_(message: str) -> str:
    """Mark a message for translation; it is translated where it is shown."""
    return message


TEMPLATES: tuple[str, ...] = (
    # A whole file refused (reading.py, registry.py, columns.py, commit.py, ga4.py).
    N_("The file is larger than the %(mb)s MB limit."),
    N_("This file is empty."),
    N_("This looks like %(what)s, not a CSV or XLSX export."),
    N_(
        "This looks like an office document, not a CSV or XLSX export. "
        "Save the table as .xlsx or CSV."
    ),
    N_("%(name)s inside the ZIP is itself a ZIP: unzip it first."),
    N_("This ZIP file is damaged and cannot be opened."),
    N_("This ZIP holds %(count)s files; the limit is %(limit)s. Upload the exports one by one."),
    N_("This ZIP expands to more than %(mb)s MB, so it is refused as a possible zip bomb."),
    N_("%(name)s inside the ZIP is larger than the %(mb)s MB limit."),
    N_("%(name)s inside the ZIP is damaged."),
    N_("This ZIP holds no CSV or XLSX export."),
    N_("This ZIP holds no CSV or XLSX export (it holds: %(names)s)."),
    N_("This UTF-16 file is damaged."),
    N_("Line %(line)s is longer than 1 MB: this is not a platform export."),
    N_("Line %(line)s cannot be read as CSV: %(error)s."),
    N_("This XLSX file is damaged and cannot be opened."),
    N_("This file has column names but no data rows."),
    N_(
        "This file is not an export we know (its columns start with %(columns)s). "
        "Known formats: %(formats)s."
    ),
    N_("This file could be a %(formats)s: choose one."),
    N_("Unknown import format “%(format)s”."),
    N_("This file is not a %(format)s: it has no %(columns)s column."),
    N_("This file is not a %(format)s: it has no %(columns)s columns."),
    N_("The uploaded file is no longer stored: upload it again."),
    N_("Choose the file's format before importing it."),
    N_("Import #%(id)s was not found."),
    N_("Import #%(id)s was committed already."),
    N_(
        "This GA4 report is grouped by channel only, which cannot be matched to a campaign. "
        "Download Traffic acquisition with “Session source / medium” and a secondary "
        "dimension “Session campaign”."
    ),
    # What "This looks like %(what)s" names.
    N_("a PNG image"),
    N_("a JPEG image"),
    N_("a GIF image"),
    N_("a PDF document"),
    N_("an old Excel .xls file or a password-protected workbook"),
    N_("a gzip archive"),
    N_("a RAR archive"),
    N_("a 7-Zip archive"),
    N_("a program"),
    N_("an RTF document"),
    N_("a WebP image"),
    N_("a video or an HEIC photo"),
    N_("a web page"),
    N_("a binary file"),
    # Why a row is rejected.
    N_("not a date this importer knows (use YYYY-MM-DD)"),
    N_("“%(name)s” is not a month name"),
    N_("the date has no year"),
    N_("not a TikTok video id"),
    N_("not a valid calendar date"),
    N_("an AM/PM hour must be between 1 and 12"),
    N_("not a valid time of day"),
    N_("ambiguous date: day/month or month/day cannot be told apart"),
    N_("no date %(month)s-%(day)s near %(near)s"),
    N_("not a date range (start - end)"),
    N_("write the date as YYYY-MM-DD"),
    N_("the platform must be one of %(platforms)s"),
    N_("not a web link"),
    N_("not a TikTok, Instagram or YouTube link"),
    N_("the post_url is a %(platform)s link"),
    N_("write true or false"),
    N_("the date the figures were read is required (YYYY-MM-DD)"),
    N_("revenue needs a revenue_currency such as EUR"),
    N_("a campaign row must leave post_url and handle empty"),
    N_("scope must be campaign, participation, post or empty"),
    N_("each row needs a post_url, a handle with its platform, or scope=campaign"),
    N_("this is a %(platform)s post but %(name)s takes part on %(target)s"),
    N_("this link is too long"),
    N_("the order is dated in the future"),
    N_("an order id has at most %(n)s characters"),
    N_("not an Instagram post link"),
    N_("not a number"),
    N_("unknown suffix “%(suffix)s” (expected K, M or B)"),
    N_("spaces must separate groups of three digits"),
    N_("“%(sep)s” is not the decimal separator of this file"),
    N_("thousands and decimal separators are mixed up"),
    N_("a count must be a whole number"),
    N_("a count cannot be negative"),
    N_("expected a percentage such as 12.5%"),
    N_("not an ISO currency code such as EUR"),
    N_("“%(sep)s” must separate groups of three digits"),
    N_("the decimal separator “%(sep)s” appears more than once"),
    N_("“%(sep)s” groups thousands in this file but is not followed by three digits"),
    N_("a line item comes before its order's first line, which holds the total"),
    N_("an order line needs its order name (#1001)"),
    N_("an order needs its total"),
    N_("this order appears twice with its totals filled in"),
    N_("not a TikTok video link (https://www.tiktok.com/@…/video/…)"),
    N_("not an account handle"),
    N_("this link does not name an account"),
    N_("a row needs its order number"),
    N_("an order needs its net sales"),
    N_("not a YouTube video id"),
    # Notes about the file.
    N_("GA4 does not state the currency: revenue is in the property's currency."),
    N_("WooCommerce does not export the currency: amounts are in the store currency."),
    N_("Skipped row %(row)s: it names no source."),
    N_("Ignored columns: %(columns)s."),
    N_(
        "The report's impressions, views, clicks and conversions are not stored: a Spark Ad's "
        "views and likes are counted on the boosted post itself, and sales come from the "
        "shop's orders. Its Cost becomes paid-amplification cost lines."
    ),
    N_(
        "The campaign already has %(n)s paid-amplification cost line(s) entered by hand: "
        "make sure they do not cover the same ad spend."
    ),
    N_("Left out %(n)s Facebook post(s): the tracker follows TikTok, Instagram and YouTube."),
    N_("Publish times were read as %(order)s, the order of this export's language."),
    N_("Left out %(n)s order(s) that kept no money: %(orders)s."),
    N_("The report mixes currencies; each row keeps its own."),
    N_("Dates were read as %(order)s, the order of this file's locale."),
    N_("month/day"),
    N_("day/month"),
    N_(
        "Row %(row)s: “Post time” says %(text)s but the video id says %(day)s; "
        "the video id is used."
    ),
    N_(
        "The dates in %(name)s have no year; years were taken from the ZIP name "
        "(first day %(day)s)."
    ),
    N_(
        "The dates in %(name)s have no year; they were dated assuming the export ends no "
        "later than today. Upload the original Overview_….zip to be sure."
    ),
    N_(
        "Row %(row)s: the title has unescaped quotes or commas; its columns were re-aligned "
        "on the video link."
    ),
    N_(
        "%(n)s video(s) lost more subscribers than they gained; no subscriber figure was "
        "recorded for them."
    ),
    N_("Skipped the summary row “%(value)s” (row %(row)s)."),
    N_("GA4 keeps these apart only because of letter case: %(values)s. Tag links in lower case."),
    N_("… and %(n)s more notes."),
)

_FIELD = re.compile(r"%\((\w+)\)s")


def _compile(template: str) -> tuple[str, re.Pattern[str]]:
    """The literal text before the first field (a cheap first test), and the full pattern."""
    pieces = _FIELD.split(template)  # literal, name, literal, name, …
    pattern = "".join(
        re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces)
    )
    return pieces[0], re.compile(pattern, re.DOTALL)


_EXACT = frozenset(t for t in TEMPLATES if not _FIELD.search(t))
# Longest literal text first, so "This looks like an office document, …" (exact) and more
# specific templates win over general ones.
_PATTERNS = sorted(
    ((t, *_compile(t)) for t in TEMPLATES if _FIELD.search(t)),
    key=lambda item: -len(_FIELD.sub("", item[0])),
)


def template_of(text: str) -> tuple[str, dict[str, str]] | None:
    """The template ``text`` was made from and the values filled in, or None."""
    if text in _EXACT:
        return text, {}
    for template, prefix, pattern in _PATTERNS:
        if text.startswith(prefix):
            match = pattern.fullmatch(text)
            if match:
                return template, match.groupdict()
    return None


def localise(text: str | None) -> str:
    """``text`` in the language of the request (unchanged outside one, or in English)."""
    if not text:
        return text or ""
    from flask import has_request_context
    from flask_babel import get_locale

    if not has_request_context():
        return text
    locale = str(get_locale() or "en")
    return text if locale == "en" else _translated(locale, text)


@lru_cache(maxsize=4096)
def _translated(locale: str, text: str) -> str:
    from flask_babel import gettext

    found = template_of(text)
    if found is None:
        return text  # a message from elsewhere (a database error): shown as it is
    template, values = found
    if not values:
        return gettext(template)
    return gettext(template, **{k: _translated(locale, v) for k, v in values.items()})
