"""Turn uploaded bytes into tables of text, refusing what is not a table.

Every export reaches the format parsers the same way: a list of ``Sheet``
(header, rows of ``str``, the line numbers the user sees). This module owns
everything about bytes: size limits, magic numbers, ZIP and XLSX containers,
encodings, delimiters, ``#`` preambles and finding the header row. Cells stay
text here, numbers included, because only the format knows how to read them.
"""

from __future__ import annotations

import codecs
import csv
import io
import statistics
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import PurePosixPath
from typing import BinaryIO

from .errors import ImportRefused

MAX_BYTES = 50 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024
# A ZIP (or XLSX) may expand; past these it is a zip bomb, not an export.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 100
# The header is looked for among the first rows of a table (titles may sit above it).
HEADER_SCAN_ROWS = 50
TABLE_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_BLANK_BYTES = b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"  # whitespace, NULs and BOM bytes

HeaderTest = Callable[[list[str]], bool]

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel .xls file or a password-protected workbook",
    ),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"{\\rtf", "an RTF document"),
)


@dataclass
class Sheet:
    """One table found in an upload: a CSV file, a ZIP member, or an XLSX worksheet."""

    name: str
    header: list[str]
    # Padded to the header's width; a row broken by bad quoting may be longer.
    rows: list[list[str]]
    # The line (CSV) or row (XLSX) number of each row, as the user sees it.
    row_numbers: list[int]
    # The uploaded file's name: TikTok puts dates and handles in its ZIP names.
    filename: str = ""
    # Lines above the header: GA4's "# Start date: …", report titles in XLSX.
    preamble: list[str] = field(default_factory=list)
    header_row: int = 1

    def column(self, index: int) -> list[str]:
        """Return one column's cells (rows are never shorter than the header)."""
        return list(map(itemgetter(index), self.rows))

    def without(self, indexes: set[int]) -> Sheet:
        """Return a copy without the rows at these positions (summary rows, say)."""
        keep = [i for i in range(len(self.rows)) if i not in indexes]
        return replace(
            self, rows=[self.rows[i] for i in keep], row_numbers=[self.row_numbers[i] for i in keep]
        )


def check_size(size: int | None) -> None:
    """Refuse an upload by its declared size, before reading it."""
    if size is not None and size > MAX_BYTES:
        raise ImportRefused("The file is larger than the 50 MB limit.")


def read_upload(stream: BinaryIO) -> bytes:
    """Read an upload stream, never holding more than the size limit in memory."""
    data = stream.read(MAX_BYTES + 1)
    check_size(len(data))
    return data


def read_table(data: bytes, filename: str, *, is_header: HeaderTest | None = None) -> list[Sheet]:
    """Read a CSV, TSV, XLSX or ZIP upload into sheets.

    ``is_header`` recognises a known header row; without a match the first
    row as full as a typical row is taken.
    """
    check_size(len(data))
    sheets = _read_file(data, filename, PurePosixPath(filename).name, is_header, allow_zip=True)
    if not sheets:
        raise ImportRefused("This file is empty.")
    return sheets


def _read_file(
    data: bytes, filename: str, name: str, is_header: HeaderTest | None, *, allow_zip: bool
) -> list[Sheet]:
    """Read one file, or one ZIP member, by what its bytes are (not by its name)."""
    if not data.strip(_BLANK_BYTES):
        return []
    if data.startswith(_ZIP_MAGIC):
        archive = _open_zip(data)
        names = archive.namelist()
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return _read_xlsx(data, filename, name, is_header)
        if any(n.startswith(("word/", "ppt/")) for n in names) or "mimetype" in names:
            raise ImportRefused(
                "This looks like an office document, not a CSV or XLSX export. "
                "Save the table as .xlsx or CSV."
            )
        if not allow_zip:
            raise ImportRefused(f"{name} inside the ZIP is itself a ZIP: unzip it first.")
        return _read_zip(archive, filename, is_header)
    _refuse_non_text(data)
    return _read_text(data, filename, name, is_header)


def _refuse_non_text(data: bytes) -> None:
    """Refuse images, PDFs and other binaries, naming what they look like."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ImportRefused(f"This looks like {what}, not a CSV or XLSX export.")
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise ImportRefused("This looks like a WebP image, not a CSV or XLSX export.")
    if data[4:8] == b"ftyp":
        raise ImportRefused("This looks like a video or an HEIC photo, not a CSV or XLSX export.")
    head = data[:8192]
    if head.lstrip(codecs.BOM_UTF8).lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise ImportRefused("This looks like a web page, not a CSV or XLSX export.")
    if _utf16_without_bom(head) is None and _looks_binary(head):
        raise ImportRefused("This looks like a binary file, not a CSV or XLSX export.")


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    control = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f\v\x1a")
    return b"\x00" in sample or control > len(sample) // 100


def _utf16_without_bom(sample: bytes) -> str | None:
    """Spot UTF-16 text written without a BOM: every other byte is NUL."""
    if len(sample) < 8:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.8 and even_nuls < 0.1:
        return "utf-16-le"
    if even_nuls > 0.8 and odd_nuls < 0.1:
        return "utf-16-be"
    return None


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """Open a ZIP (or XLSX) after checking it cannot expand into a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused("This ZIP file is damaged and cannot be opened.") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportRefused(
            f"This ZIP holds {len(members)} files; the limit is {MAX_ZIP_MEMBERS}. "
            "Upload the exports one by one."
        )
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise ImportRefused(
            "This ZIP expands to more than 200 MB, so it is refused as a possible zip bomb."
        )
    return archive


def _read_zip(archive: zipfile.ZipFile, filename: str, is_header: HeaderTest | None) -> list[Sheet]:
    sheets: list[Sheet] = []
    skipped: list[str] = []
    for member in archive.infolist():
        path = PurePosixPath(member.filename)
        if member.is_dir() or path.parts[0] == "__MACOSX" or path.name.startswith("."):
            continue
        if path.suffix.lower() not in TABLE_EXTENSIONS:
            skipped.append(path.name)
            continue
        if member.file_size > MAX_BYTES:
            raise ImportRefused(f"{path.name} inside the ZIP is larger than the 50 MB limit.")
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, OSError, NotImplementedError):
            raise ImportRefused(f"{path.name} inside the ZIP is damaged.") from None
        sheets += _read_file(content, filename, path.name, is_header, allow_zip=False)
    if not sheets:
        found = f" (it holds: {', '.join(skipped[:5])})" if skipped else ""
        raise ImportRefused(f"This ZIP holds no CSV or XLSX export{found}.")
    return sheets


def _decode(data: bytes) -> str:
    """Decode by BOM, then UTF-8, then Windows-1252 (what French Excel writes)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                if encoding != "utf-8":
                    raise ImportRefused("This UTF-16 file is damaged.") from None
                return data[len(bom) :].decode("cp1252", errors="replace")
    utf16 = _utf16_without_bom(data[:8192])
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 reads anything.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _check_line_length(data: bytes) -> None:
    """Refuse a "CSV bomb" (one giant line) before the csv module ever sees it."""
    if len(data) <= MAX_LINE_BYTES:
        return
    for number, line in enumerate(data.splitlines(), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise ImportRefused(
                f"Line {number} is longer than 1 MB: this is not a platform export."
            )


def _read_text(data: bytes, filename: str, name: str, is_header: HeaderTest | None) -> list[Sheet]:
    _check_line_length(data)
    lines = list(io.StringIO(_decode(data), newline=""))
    first = lines[0].rstrip("\r\n").strip('"') if lines else ""
    if first.lower().startswith("sep=") and len(first) <= 5:
        # Excel's explicit delimiter line (Meta Insights writes one).
        start, delimiter = 1, first[4:5] or ","
    else:
        start, delimiter = 0, _sniff_delimiter(lines[:200])
    blocks = _csv_blocks(lines, start, delimiter)
    sheets = []
    for i, (preamble, records) in enumerate(blocks):
        sheet_name = name if i == 0 else f"{name} ({i + 1})"
        sheet = _make_sheet(sheet_name, filename, preamble, records, is_header)
        if sheet is not None:
            sheets.append(sheet)
    return sheets


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the most rows into the same number of cells."""
    sample = [line for line in lines if line.strip() and not _is_comment(line, None)][:50]
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            widths = Counter(len(row) for row in csv.reader(sample, delimiter=delimiter) if row)
        except csv.Error:  # the parse that follows reports it with its line number
            continue
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        if width >= 2 and (count, width) > best_score:
            best, best_score = delimiter, (count, width)
    return best


NumberedRow = tuple[int, list[str]]  # (line number, cells)


def _csv_blocks(
    lines: list[str], start: int, delimiter: str
) -> list[tuple[list[str], list[NumberedRow]]]:
    """Split a text file into tables of (line number, cells) with their ``#`` preambles.

    A comment after data starts a new table (GA4 may append a second block).
    Comments are only looked for between records, so a quoted caption whose
    second line starts with ``#hashtag`` stays inside its cell.
    """
    position = start

    def physical_lines():
        nonlocal position
        while position < len(lines):
            position += 1
            yield lines[position - 1]

    reader = csv.reader(physical_lines(), delimiter=delimiter, strict=False)
    blocks: list[tuple[list[str], list[NumberedRow]]] = [([], [])]
    while position < len(lines):
        line = lines[position]
        if _is_comment(line, delimiter):
            if blocks[-1][1]:
                blocks.append(([], []))
            blocks[-1][0].append(line.lstrip("#").strip())
            position += 1
            continue
        number = position + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportRefused(f"Line {number} cannot be read as CSV: {exc}.") from None
        if "".join(cells).strip():
            blocks[-1][1].append((number, cells))
    return [block for block in blocks if block[1]]


def _is_comment(line: str, delimiter: str | None) -> bool:
    """Tell a GA4 ``# …`` comment from a row that starts with ``#`` (Shopify's ``#1284,…``)."""
    if not line.startswith("#"):
        return False
    return line[1:2] in ("", " ", "-", "\r", "\n") or (
        delimiter is not None and delimiter not in line
    )


def _make_sheet(
    name: str,
    filename: str,
    preamble: list[str],
    records: list[NumberedRow],
    is_header: HeaderTest | None,
) -> Sheet | None:
    if not records:
        return None
    at = _header_index(records, is_header)
    header_number, raw_header = records[at]
    header = [cell.replace("\ufeff", "").strip() for cell in raw_header]
    while header and not header[-1]:
        header.pop()
    above = [" ".join(c.strip() for c in cells if c.strip()) for _, cells in records[:at]]
    width = len(header)
    rows, numbers = [], []
    for number, cells in records[at + 1 :]:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        elif len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        rows.append(cells)
        numbers.append(number)
    return Sheet(
        name=name,
        header=header,
        rows=rows,
        row_numbers=numbers,
        filename=filename,
        preamble=preamble + above,
        header_row=header_number,
    )


def _header_index(records: list[NumberedRow], is_header: HeaderTest | None) -> int:
    scan = records[:HEADER_SCAN_ROWS]
    if is_header is not None:
        for i, (_, cells) in enumerate(scan):
            if is_header(cells):
                return i
    # Otherwise the first row as full as a typical row: titles above a table are narrower.
    filled = [sum(1 for c in cells if c.strip()) for _, cells in scan]
    typical = statistics.median_high(filled)
    threshold = max(2, typical) if max(filled) >= 2 else 1
    return next(i for i, count in enumerate(filled) if count >= threshold)


def _read_xlsx(data: bytes, filename: str, name: str, is_header: HeaderTest | None) -> list[Sheet]:
    """Read every visible worksheet; the caller has checked the ZIP with ``_open_zip``."""
    import openpyxl  # only XLSX uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ImportRefused("This XLSX file is damaged and cannot be opened.") from None
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if worksheet.sheet_state != "visible":
                continue
            worksheet.reset_dimensions()
            records = []
            for number, row in enumerate(worksheet.iter_rows(), start=1):
                cells = [_cell_text(cell) for cell in row]
                while cells and not cells[-1]:
                    cells.pop()
                if any(c.strip() for c in cells):
                    records.append((number, cells))
            sheet = _make_sheet(worksheet.title, filename, [], records, is_header)
            if sheet is not None:
                sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _cell_text(cell: object) -> str:
    """Write a cell as the plain text a CSV export would hold: numbers in full, dates ISO."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _plain(Decimal(str(value.total_seconds())))
    # Excel shows at most 15 significant digits; repr would leak binary noise (0.30000000000000004).
    number = Decimal(value) if isinstance(value, int) else Decimal(format(value, ".15g"))
    if "%" in (getattr(cell, "number_format", None) or ""):
        return _plain(number * 100) + "%"
    return _plain(number)


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def realign_on_anchor(
    row: list[str], width: int, anchor: int, is_anchor: Callable[[str], bool], merge: int
) -> list[str] | None:
    """Repair a row whose unescaped quotes split one cell into several.

    TikTok Studio once wrote a title with bare quotes and commas, shifting every
    later column. The video link is unmistakable, so cells after it are taken as
    they come and the surplus before it is joined back into the ``merge`` cell.
    Returns the repaired row, or None when the row cannot be repaired this way.
    """
    hits = [i for i, cell in enumerate(row) if is_anchor(cell)]
    if len(hits) != 1 or not merge < anchor <= hits[0]:
        return None
    link = hits[0]
    tail = row[link:]
    while len(tail) > width - anchor and not tail[-1].strip():
        tail = tail[:-1]
    if len(tail) != width - anchor:
        return None
    spill = link - anchor
    merged = ",".join(row[merge : merge + spill + 1])
    return row[:merge] + [merged] + row[merge + spill + 1 : link] + tail
