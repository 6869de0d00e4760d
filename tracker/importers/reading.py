"""Turn uploaded bytes into tables of text, refusing what is not a table.

Every export reaches the format parsers the same way: a list of ``Sheet``
(header, rows of ``str``, the line numbers the user sees). This module owns
everything about bytes: size limits, magic numbers, ZIP and XLSX containers,
encodings, delimiters, ``#`` preambles and finding the header row. Cells stay
text here, numbers included, because only the format knows how to read them.

``read_table`` returns every table whole; ``stream_table`` yields the same tables in parts
of a bounded number of rows (a million-row CSV never sits in memory as one list), reading
text line by line from the bytes and a ZIP member by member. Both share one reader, so a
file reads the same either way.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import statistics
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import PurePosixPath
from typing import BinaryIO

from ..config import upload_limit_mb
from .errors import ImportRefused

MB = 1024 * 1024
# Per upload and per ZIP member; the web app's MAX_CONTENT_LENGTH is the same number.
MAX_BYTES = upload_limit_mb() * MB
MAX_LINE_BYTES = 1024 * 1024
# A ZIP (or XLSX) may expand; past these it is a zip bomb, not an export.
MAX_UNZIPPED_BYTES = max(200 * MB, MAX_BYTES)
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
    # Streamed tables come in parts of at most so many rows: 0 is the first part.
    part: int = 0

    def column(self, index: int) -> list[str]:
        """Return one column's cells (rows are never shorter than the header)."""
        return list(map(itemgetter(index), self.rows))

    def without(self, indexes: set[int]) -> Sheet:
        """Return a copy without the rows at these positions (summary rows, say)."""
        keep = [i for i in range(len(self.rows)) if i not in indexes]
        return replace(
            self, rows=[self.rows[i] for i in keep], row_numbers=[self.row_numbers[i] for i in keep]
        )


def check_size(size: int | None, limit: int | None = None) -> None:
    """Refuse an upload by its declared size, before reading it."""
    limit = limit or MAX_BYTES
    if size is not None and size > limit:
        raise ImportRefused(f"The file is larger than the {limit // MB} MB limit.")


def read_upload(stream: BinaryIO, limit: int | None = None) -> bytes:
    """Read an upload stream, never holding more than the size limit in memory."""
    limit = limit or MAX_BYTES
    data = stream.read(limit + 1)
    check_size(len(data), limit)
    return data


def read_table(data: bytes, filename: str, *, is_header: HeaderTest | None = None) -> list[Sheet]:
    """Read a CSV, TSV, XLSX or ZIP upload into sheets.

    ``is_header`` recognises a known header row; without a match the first
    row as full as a typical row is taken.
    """
    return list(_tables(data, filename, is_header, chunk_rows=None))


def stream_table(
    data: bytes, filename: str, *, is_header: HeaderTest | None = None, chunk_rows: int
) -> Iterator[Sheet]:
    """Yield the tables of ``read_table`` in parts of at most ``chunk_rows`` rows, in order.

    Every part of a table carries its header, preamble and name; ``part`` numbers them from
    0 (a table without data rows is one empty part 0). Text is read line by line from the
    bytes and a ZIP member by member, so memory holds one part, not the file. The same
    refusals as ``read_table`` are raised, when the reading reaches them.
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    return _tables(data, filename, is_header, chunk_rows=chunk_rows)


def _tables(
    data: bytes, filename: str, is_header: HeaderTest | None, *, chunk_rows: int | None
) -> Iterator[Sheet]:
    check_size(len(data))
    name = PurePosixPath(filename).name
    sheets = _Counted(_read_file(data, filename, name, is_header, chunk_rows, allow_zip=True))
    yield from sheets
    if not sheets.count:
        raise ImportRefused("This file is empty.")


class _Counted:
    """Counts what an iterator gives, keeping no reference to it: a part handed on is
    freed as soon as its reader is done with it (``for x in …: yield x`` keeps ``x``)."""

    def __init__(self, items: Iterator[Sheet]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Sheet:
        item = next(self.items)
        self.count += 1
        return item


def _read_file(
    data: bytes,
    filename: str,
    name: str,
    is_header: HeaderTest | None,
    chunk_rows: int | None,
    *,
    allow_zip: bool,
) -> Iterator[Sheet]:
    """Read one file, or one ZIP member, by what its bytes are (not by its name)."""
    if not data.strip(_BLANK_BYTES):
        return
    if data.startswith(_ZIP_MAGIC):
        archive = _open_zip(data)
        names = archive.namelist()
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            yield from _parts(_read_xlsx(data, filename, name, is_header), chunk_rows)
            return
        if any(n.startswith(("word/", "ppt/")) for n in names) or "mimetype" in names:
            raise ImportRefused(
                "This looks like an office document, not a CSV or XLSX export. "
                "Save the table as .xlsx or CSV."
            )
        if not allow_zip:
            raise ImportRefused(f"{name} inside the ZIP is itself a ZIP: unzip it first.")
        yield from _read_zip(archive, filename, is_header, chunk_rows)
        return
    _refuse_non_text(data)
    yield from _read_text(data, filename, name, is_header, chunk_rows)


def _parts(sheets: Iterable[Sheet], chunk_rows: int | None) -> Iterator[Sheet]:
    """Cut whole sheets (XLSX is read whole) into parts like a streamed text table."""
    for sheet in sheets:
        if chunk_rows is None or len(sheet.rows) <= chunk_rows:
            yield sheet
            continue
        for part, start in enumerate(range(0, len(sheet.rows), chunk_rows)):
            yield replace(
                sheet,
                rows=sheet.rows[start : start + chunk_rows],
                row_numbers=sheet.row_numbers[start : start + chunk_rows],
                part=part,
            )


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
            f"This ZIP expands to more than {MAX_UNZIPPED_BYTES // MB} MB, so it is refused as a "
            "possible zip bomb."
        )
    return archive


def _read_zip(
    archive: zipfile.ZipFile,
    filename: str,
    is_header: HeaderTest | None,
    chunk_rows: int | None,
) -> Iterator[Sheet]:
    found = False
    skipped: list[str] = []
    for member in archive.infolist():
        path = PurePosixPath(member.filename)
        if member.is_dir() or path.parts[0] == "__MACOSX" or path.name.startswith("."):
            continue
        if path.suffix.lower() not in TABLE_EXTENSIONS:
            skipped.append(path.name)
            continue
        if member.file_size > MAX_BYTES:
            raise ImportRefused(
                f"{path.name} inside the ZIP is larger than the {MAX_BYTES // MB} MB limit."
            )
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, OSError, NotImplementedError):
            raise ImportRefused(f"{path.name} inside the ZIP is damaged.") from None
        sheets = _Counted(
            _read_file(content, filename, path.name, is_header, chunk_rows, allow_zip=False)
        )
        del content  # the reader holds it while it reads, no longer
        yield from sheets
        found = found or sheets.count > 0
    if not found and skipped:
        raise ImportRefused(
            f"This ZIP holds no CSV or XLSX export (it holds: {', '.join(skipped[:5])})."
        )
    if not found:
        raise ImportRefused("This ZIP holds no CSV or XLSX export.")


_CHUNK = 1024 * 1024  # bytes decoded at a time when checking an encoding


def _encoding(data: bytes) -> tuple[str, str, int]:
    """How to decode the file: (codec, error handling, bytes to skip), without decoding it
    all at once. By BOM, then UTF-8, then Windows-1252 (what French Excel writes)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            if _decodes(data, encoding, len(bom)):
                return encoding, "strict", len(bom)
            if encoding != "utf-8":
                raise ImportRefused("This UTF-16 file is damaged.")
            return "cp1252", "replace", len(bom)
    utf16 = _utf16_without_bom(data[:8192])
    if utf16:
        return utf16, "replace", 0
    if _decodes(data, "utf-8", 0):
        return "utf-8", "strict", 0
    # cp1252 leaves five bytes undefined; latin-1 reads anything.
    if _decodes(data, "cp1252", 0):
        return "cp1252", "strict", 0
    return "latin-1", "strict", 0


def _decodes(data: bytes, encoding: str, offset: int) -> bool:
    if encoding == "utf-8" and data.isascii():
        return True
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(offset, len(data), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_lines(data: bytes) -> tuple[Iterator[str], bool]:
    """The file's lines, decoded as they are read (``\\n``, ``\\r\\n`` and ``\\r`` end a line),
    and whether any line may start with ``#`` (only then are comments looked for)."""
    encoding, errors, offset = _encoding(data)
    buffer = io.BytesIO(data)  # shares the bytes, no copy
    buffer.seek(offset)
    text = io.TextIOWrapper(buffer, encoding=encoding, errors=errors, newline="")
    if encoding in ("utf-8", "cp1252", "latin-1"):
        hashes = data[offset : offset + 1] == b"#" or b"\n#" in data or b"\r#" in data
    else:
        hashes = True
    return iter(text), hashes


def _check_line_length(data: bytes) -> None:
    """Refuse a "CSV bomb" (one giant line) before the csv module ever sees it.

    Jumps a whole line limit at a time: only a stretch longer than the limit without a
    line break is a line that is too long, so the file is never split into lines.
    """
    size, limit = len(data), MAX_LINE_BYTES
    position = 0
    while size - position > limit:
        end = position + limit + 1
        last_break = max(data.rfind(b"\n", position, end), data.rfind(b"\r", position, end))
        if last_break < 0:
            number = len(data[:position].splitlines()) + 1
            raise ImportRefused(
                f"Line {number} is longer than 1 MB: this is not a platform export."
            )
        position = last_break + 1


def _read_text(
    data: bytes,
    filename: str,
    name: str,
    is_header: HeaderTest | None,
    chunk_rows: int | None = None,
) -> Iterator[Sheet]:
    _check_line_length(data)
    lines, hashes = _text_lines(data)
    head = list(itertools.islice(lines, 200))
    first = head[0].rstrip("\r\n").strip('"') if head else ""
    if first.lower().startswith("sep=") and len(first) <= 5:
        # Excel's explicit delimiter line (Meta Insights writes one).
        start, delimiter = 1, first[4:5] or ","
    else:
        start, delimiter = 0, _sniff_delimiter(head)
    stream = itertools.chain(head[start:], lines)
    if hashes:
        events = _csv_events(stream, start, delimiter)
        yield from _assemble(events, name, filename, is_header, chunk_rows)
    else:
        yield from _one_table(stream, start, delimiter, name, filename, is_header, chunk_rows)


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
# What the CSV reader meets: a data row, or a "# …" comment line between rows (str).
Event = NumberedRow | str


def _one_table(
    lines: Iterator[str],
    start: int,
    delimiter: str,
    name: str,
    filename: str,
    is_header: HeaderTest | None,
    chunk_rows: int | None,
) -> Iterator[Sheet]:
    """A text file in which no line starts with ``#`` holds one table. The hot loop of a
    million-row file: the csv module's own iteration, each row appended in place."""
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    table = _Table(name, filename, [], is_header, chunk_rows)
    consumed = start  # lines read so far; a row's number is the line it starts on
    try:
        for cells in reader:  # until the header is found among the first rows
            number, consumed = consumed + 1, start + reader.line_num
            if cells and (cells[0].strip() or "".join(cells).strip()):
                table.add((number, cells))
                if table.scan is None:
                    break
        else:
            if table.scan:  # fewer rows than the header is looked for in
                yield from table.close()
            return
        yield from table.take()
        rows, numbers, width, limit = table.rows, table.numbers, table.width, table.limit
        # Lines without a quote are rows as they stand: split here, many lines at a time,
        # until a quote (a cell may then span lines) hands the rest to the csv module.
        while True:
            room = limit - len(rows) if limit else PLAIN_LINES
            lines_read = list(itertools.islice(lines, min(room, PLAIN_LINES)))
            if not lines_read:
                break
            if not _splits_plainly("".join(lines_read)):
                start = consumed  # the new reader counts its lines from here
                reader = csv.reader(
                    itertools.chain(lines_read, lines), delimiter=delimiter, strict=False
                )
                break
            first = consumed + 1
            consumed += len(lines_read)
            cells = [line.rstrip("\r\n").split(delimiter) for line in lines_read]
            blank = [
                i for i, line in enumerate(lines_read) if not line.replace(delimiter, "").strip()
            ]
            if blank:
                skipped = set(blank)
                keep = [i for i in range(len(cells)) if i not in skipped]
                cells = [cells[i] for i in keep]
                numbers += [first + i for i in keep]
            else:
                numbers += range(first, first + len(cells))
            if any(len(row) != width for row in cells):
                cells = [row if len(row) == width else table.fit(row) for row in cells]
            rows += cells
            if limit and len(rows) == limit:
                table.cut()
                rows, numbers = table.rows, table.numbers  # before the part is handed on
                yield from table.take()
        for cells in reader:
            number, consumed = consumed + 1, start + reader.line_num
            if not cells or not (cells[0].strip() or "".join(cells).strip()):
                continue
            rows.append(cells if len(cells) == width else table.fit(cells))
            numbers.append(number)
            if len(rows) == limit:
                table.cut()
                rows, numbers = table.rows, table.numbers  # before the part is handed on
                yield from table.take()
    except csv.Error as exc:
        raise ImportRefused(f"Line {consumed + 1} cannot be read as CSV: {exc}.") from None
    yield from table.close()


PLAIN_LINES = 10_000  # lines split at a time by `_one_table`


def _splits_plainly(text: str) -> bool:
    """Whether lines of this text split on the delimiter exactly as the csv module reads
    them: no quote, and no NUL (which the csv module refuses)."""
    return '"' not in text and "\x00" not in text


def _csv_events(lines: Iterator[str], start: int, delimiter: str) -> Iterator[Event]:
    """Rows and ``#`` comments of a text file, in order, with each row's first line number.

    Comments are only looked for between records, so a quoted caption whose second line
    starts with ``#hashtag`` stays inside its cell.
    """
    position = start
    ahead: list[str] = []  # the line looked at, not yet read by the csv module

    def physical_lines() -> Iterator[str]:
        nonlocal position
        while True:
            if ahead:
                line = ahead.pop()
            else:
                line = next(lines, None)
                if line is None:
                    return
            position += 1
            yield line

    reader = csv.reader(physical_lines(), delimiter=delimiter, strict=False)
    while True:
        if not ahead:
            line = next(lines, None)
            if line is None:
                return
            ahead.append(line)
        line = ahead[0]
        if _is_comment(line, delimiter):
            ahead.pop()
            position += 1
            yield line.lstrip("#").strip()
            continue
        number = position + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRefused(f"Line {number} cannot be read as CSV: {exc}.") from None
        if "".join(cells).strip():
            yield number, cells


def _assemble(
    events: Iterator[Event],
    name: str,
    filename: str,
    is_header: HeaderTest | None,
    chunk_rows: int | None,
) -> Iterator[Sheet]:
    """Group rows into tables: a comment after data starts a new table (GA4 may append a
    second block); comments above a table are its preamble. Yields each table's rows in
    parts of ``chunk_rows`` (None: one part)."""
    tables = 0
    preamble: list[str] = []
    table: _Table | None = None
    for event in events:
        if type(event) is str:
            if table is not None:
                yield from table.close()
                table, preamble = None, []
            preamble.append(event)
            continue
        if table is None:
            sheet_name = name if tables == 0 else f"{name} ({tables + 1})"
            tables += 1
            table = _Table(sheet_name, filename, preamble, is_header, chunk_rows)
        if table.add(event):
            yield from table.take()
    if table is not None:
        yield from table.close()


class _Table:
    """One table being read: its first rows wait until the header is found among them, then
    rows gather into parts of ``chunk_rows``."""

    def __init__(
        self,
        name: str,
        filename: str,
        preamble: list[str],
        is_header: HeaderTest | None,
        chunk_rows: int | None,
    ) -> None:
        self.name = name
        self.filename = filename
        self.preamble = preamble
        self.is_header = is_header
        self.limit = chunk_rows or 0  # 0: one part
        self.scan: list[NumberedRow] | None = []  # rows before the header is known
        self.header: list[str] = []
        self.width = 0
        self.header_row = 1
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []
        self.ready: list[Sheet] = []
        self.part = 0

    def add(self, record: NumberedRow) -> bool:
        """Take one row; True when parts are ready to be taken."""
        if self.scan is not None:
            self.scan.append(record)
            if len(self.scan) >= HEADER_SCAN_ROWS:
                self._found_header()
            return bool(self.ready)
        number, cells = record
        if len(cells) != self.width:
            cells = self.fit(cells)
        self.rows.append(cells)
        self.numbers.append(number)
        if len(self.rows) == self.limit:
            self.cut()
            return True
        return False

    def take(self) -> Iterator[Sheet]:
        """The parts ready, handed on one at a time (none kept here once taken)."""
        while self.ready:
            yield self.ready.pop(0)

    def close(self) -> Iterator[Sheet]:
        if self.scan is not None:
            self._found_header()
        if self.rows or self.part == 0:
            self.cut()
        return self.take()

    def _found_header(self) -> None:
        records, self.scan = self.scan or [], None
        at = _header_index(records, self.is_header)
        self.header_row, raw_header = records[at]
        header = [cell.replace("\ufeff", "").strip() for cell in raw_header]
        while header and not header[-1]:
            header.pop()
        self.header, self.width = header, len(header)
        self.preamble = self.preamble + [
            " ".join(c.strip() for c in cells if c.strip()) for _, cells in records[:at]
        ]
        for record in records[at + 1 :]:
            self.add(record)

    def fit(self, cells: list[str]) -> list[str]:
        """Pad a short row to the header's width; drop empty cells past it."""
        width = self.width
        if len(cells) < width:
            return cells + [""] * (width - len(cells))
        if not any(c.strip() for c in cells[width:]):
            return cells[:width]
        return cells

    def cut(self) -> None:
        self.ready.append(
            Sheet(
                name=self.name,
                header=self.header,
                rows=self.rows,
                row_numbers=self.numbers,
                filename=self.filename,
                preamble=self.preamble,
                header_row=self.header_row,
                part=self.part,
            )
        )
        self.rows, self.numbers = [], []
        self.part += 1


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
    table = _Table(name, filename, preamble, is_header, None)
    for record in records:
        table.add(record)
    (sheet,) = table.close()
    return sheet


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
