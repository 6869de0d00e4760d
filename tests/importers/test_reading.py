from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime

import pytest

from tracker.importers.errors import ImportRefused
from tracker.importers.reading import (
    MAX_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
    check_size,
    read_table,
    read_upload,
    realign_on_anchor,
    stream_table,
)

ROWS = [["Date", "Views", "Titre"], ["2026-03-10", "14041", "Été éclat"], ["2026-03-11", "5", "x"]]


def only(sheets):
    assert len(sheets) == 1
    return sheets[0]


# Encodings


@pytest.mark.parametrize("bom", [True, False])
def test_utf8_with_or_without_bom_reads_the_same(make_csv, bom: bool) -> None:
    sheet = only(read_table(make_csv(ROWS, bom=bom), "x.csv"))
    assert sheet.header == ["Date", "Views", "Titre"]
    assert sheet.rows[0] == ["2026-03-10", "14041", "Été éclat"]


def test_cp1252_from_french_excel_falls_back_after_utf8(make_csv) -> None:
    data = make_csv(ROWS, delimiter=";", encoding="cp1252", newline="\r\n")
    assert b"\xe9" in data  # é as a single cp1252 byte, invalid UTF-8
    sheet = only(read_table(data, "x.csv"))
    assert sheet.rows[0][2] == "Été éclat"


def test_utf16_meta_insights_with_sep_line_and_metric_title(make_csv) -> None:
    text = 'sep=,\n"Views"\n"Date","Primary"\n"2026-05-10T00:00:00","88"\n"2026-05-11T00:00:00","1,204"\n'
    data = b"\xff\xfe" + text.encode("utf-16-le")
    sheet = only(read_table(data, "Views.csv"))
    assert sheet.header == ["Date", "Primary"]
    assert sheet.preamble == ["Views"]
    assert sheet.rows == [["2026-05-10T00:00:00", "88"], ["2026-05-11T00:00:00", "1,204"]]
    assert sheet.row_numbers == [4, 5]


def test_utf16_big_endian_and_without_bom(make_csv) -> None:
    rows = [["Date", "Views"], ["2026-03-10", "1"]]
    for data in (
        make_csv(rows, encoding="utf-16-be", bom=True),
        make_csv(rows, encoding="utf-16-le"),
    ):
        assert only(read_table(data, "x.csv")).rows == [["2026-03-10", "1"]]


# Delimiters, lines, preambles


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(make_csv, delimiter: str) -> None:
    rows = [["Date", "Cost", "CTR"], ["10/03/2026", "56,54", "0,56%"], ["11/03/2026", "1,5", "1%"]]
    sheet = only(read_table(make_csv(rows, delimiter=delimiter), "x.txt"))
    assert sheet.header == ["Date", "Cost", "CTR"]
    assert sheet.rows[0] == ["10/03/2026", "56,54", "0,56%"]


def test_sep_line_sets_the_delimiter_even_when_commas_abound() -> None:
    data = b"sep=;\nA;B\n1,5;2,5\n3,5;4,5\n"
    assert only(read_table(data, "x.csv")).rows == [["1,5", "2,5"], ["3,5", "4,5"]]


def test_hash_preamble_is_kept_apart_and_a_second_block_is_another_sheet() -> None:
    data = (
        b"# ----\n# Traffic acquisition\n# Start date: 20260301\n# End date: 20260331\n"
        b"Session source / medium,Sessions\ntiktok / paid,10\n\n"
        b"# ----\n# Second block\nNth day,Sessions\n0000,4\n"
    )
    first, second = read_table(data, "ga4.csv")
    assert first.preamble == [
        "----",
        "Traffic acquisition",
        "Start date: 20260301",
        "End date: 20260331",
    ]
    assert first.header == ["Session source / medium", "Sessions"]
    assert first.rows == [["tiktok / paid", "10"]]
    assert first.row_numbers == [6]
    assert second.name == "ga4.csv (2)"
    assert second.rows == [["0000", "4"]]


def test_a_row_starting_with_hash_is_data_not_a_comment() -> None:
    data = b"Name,Total\n#1284,49.30\n#1285,66.30\n"
    assert only(read_table(data, "orders.csv")).rows == [["#1284", "49.30"], ["#1285", "66.30"]]


def test_a_quoted_caption_whose_second_line_is_a_hashtag_stays_in_its_cell() -> None:
    data = b'Permalink,Description\nhttps://x/1,"Chair test\n#ad #chair"\nhttps://x/2,plain\n'
    sheet = only(read_table(data, "x.csv"))
    assert sheet.rows == [["https://x/1", "Chair test\n#ad #chair"], ["https://x/2", "plain"]]
    assert sheet.row_numbers == [2, 4]  # the line each row starts on


def test_crlf_no_trailing_newline_short_rows_and_blank_lines() -> None:
    data = b"A,B,C\r\n1,2\r\n\r\n4,5,6,,\r\n7,8,9"
    sheet = only(read_table(data, "x.csv"))
    assert sheet.rows == [["1", "2", ""], ["4", "5", "6"], ["7", "8", "9"]]
    assert sheet.row_numbers == [2, 4, 5]


def test_header_is_found_below_title_rows() -> None:
    data = b"TikTok Ads report\nDate range: 2026-03-10 ~ 2026-03-16\n\nBy Day,Campaign name,Cost\n2026-03-10,X,5\n"
    sheet = only(read_table(data, "x.csv"))
    assert sheet.header == ["By Day", "Campaign name", "Cost"]
    assert sheet.header_row == 4
    assert sheet.preamble == ["TikTok Ads report", "Date range: 2026-03-10 ~ 2026-03-16"]


def test_a_header_signature_beats_the_width_rule() -> None:
    data = b"Report,Ads,Export,Now\nCampaign name,Cost\nX,5\n"
    sheet = only(read_table(data, "x.csv", is_header=lambda cells: "Cost" in cells))
    assert sheet.header == ["Campaign name", "Cost"]


# XLSX


@pytest.mark.parametrize("cell_type", ["inlineStr", "str"])
def test_xlsx_inline_string_cells_are_read_as_text(make_inline_xlsx, cell_type: str) -> None:
    rows = [["Date", "Video Views", "Likes"], ["April 12", "1591", "10"]]
    sheet = only(read_table(make_inline_xlsx(rows, cell_type=cell_type), "Overview.xlsx"))
    assert sheet.name == "Overview"
    assert sheet.header == ["Date", "Video Views", "Likes"]
    assert sheet.rows == [["April 12", "1591", "10"]]


def test_xlsx_numeric_cells_come_out_as_their_plain_text(make_xlsx) -> None:
    rows = [
        ["Int", "Money", "Noise", "Tiny", "Big", "CTR", "Day", "Moment", "Flag"],
        [
            14041,
            56.54,
            0.1 + 0.2,
            0.00001,
            1e15,
            0.0056,
            date(2026, 3, 10),
            datetime(2026, 3, 10, 9, 58),
            True,
        ],
        [14041.0, 3.0, -0.0, 1, 2, 0.125, datetime(2026, 3, 11), None, False],
    ]
    formats = {(2, 6): "0.00%", (3, 6): "0.00%"}
    sheet = only(read_table(make_xlsx(rows, formats=formats), "report.xlsx"))
    assert sheet.rows[0] == [
        "14041", "56.54", "0.3", "0.00001", "1000000000000000", "0.56%", "2026-03-10",
        "2026-03-10T09:58:00", "TRUE",
    ]  # fmt: skip
    assert sheet.rows[1][:7] == ["14041", "3", "0", "1", "2", "12.5%", "2026-03-11"]
    assert sheet.rows[1][7:] == ["", "FALSE"]


def test_xlsx_header_not_in_row_one_keeps_excel_row_numbers(make_xlsx) -> None:
    rows = [
        ["Custom report"],
        ["Date range", "2026-03-10 ~ 2026-03-16"],
        [],
        ["By Day", "Campaign name", "Cost", "Impressions"],
        ["2026-03-10", "Printemps", 56.54, 14041],
    ]
    sheet = only(read_table(make_xlsx(rows), "report.xlsx"))
    assert sheet.header == ["By Day", "Campaign name", "Cost", "Impressions"]
    assert sheet.header_row == 4
    assert sheet.rows == [["2026-03-10", "Printemps", "56.54", "14041"]]
    assert sheet.row_numbers == [5]
    assert sheet.preamble == ["Custom report", "Date range 2026-03-10 ~ 2026-03-16"]


def test_damaged_xlsx_is_refused(make_zip) -> None:
    broken = make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"not xml"})
    with pytest.raises(ImportRefused, match="XLSX file is damaged"):
        read_table(broken, "x.xlsx")


# ZIP


def test_zip_with_content_csv_reads_every_table_inside(make_zip, make_csv) -> None:
    content = make_csv([["Video link", "Total views"], ["https://x", "1"]], bom=True)
    data = make_zip(
        {
            "Content.csv": content,
            "__MACOSX/._Content.csv": b"\x00\x05\x16\x07junk",
            "readme.png": b"\x89PNG\r\n\x1a\n",
            "sub/Other.csv": b"A,B\n1,2\n",
        }
    )
    sheets = read_table(data, "Content_lea.glow.zip")
    assert [s.name for s in sheets] == ["Content.csv", "Other.csv"]
    assert sheets[0].filename == "Content_lea.glow.zip"
    assert sheets[0].rows == [["https://x", "1"]]


def test_zip_without_a_table_is_refused(make_zip) -> None:
    with pytest.raises(ImportRefused, match=r"holds no CSV or XLSX export \(it holds: photo.png\)"):
        read_table(make_zip({"photo.png": b"\x89PNG\r\n\x1a\n"}), "x.zip")


def test_zip_bomb_is_refused_before_anything_is_expanded() -> None:
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("Content.csv", "w") as member,
    ):
        for _ in range(MAX_UNZIPPED_BYTES // len(chunk) + 1):
            member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(ImportRefused, match="zip bomb"):
        read_table(data, "Content.zip")


def test_zip_with_too_many_members_is_refused(make_zip) -> None:
    members = {f"f{i}.csv": b"A,B\n1,2\n" for i in range(MAX_ZIP_MEMBERS + 1)}
    with pytest.raises(ImportRefused, match=f"holds {MAX_ZIP_MEMBERS + 1} files"):
        read_table(make_zip(members), "x.zip")


def test_damaged_zip_is_refused() -> None:
    with pytest.raises(ImportRefused, match="ZIP file is damaged"):
        read_table(b"PK\x03\x04" + b"garbage" * 10, "x.zip")


# Refusals


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "a JPEG image"),
        (b"GIF89a" + b"\x00" * 100, "a GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old Excel .xls file"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a WebP image"),
        (b"\x00\x00\x00\x18ftypheic", "a video or an HEIC photo"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "a web page"),
        (bytes(range(256)) * 4, "a binary file"),
    ],
)
def test_files_that_are_not_tables_are_refused_naming_what_they_look_like(
    data: bytes, what: str
) -> None:
    with pytest.raises(ImportRefused, match=f"This looks like {what}"):
        read_table(data, "Content.csv")  # the name says CSV; the bytes decide


def test_png_renamed_csv_gets_the_exact_message() -> None:
    with pytest.raises(ImportRefused) as refused:
        read_table(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "export.csv")
    assert str(refused.value) == "This looks like a PNG image, not a CSV or XLSX export."


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n", b"\xff\xfe", b",,,\n,,\n"])
def test_empty_files_are_refused(data: bytes) -> None:
    with pytest.raises(ImportRefused, match="This file is empty."):
        read_table(data, "x.csv")


def test_oversized_data_is_refused() -> None:
    with pytest.raises(ImportRefused, match="larger than the 200 MB limit"):
        read_table(b"a" * (MAX_BYTES + 1), "x.csv")


def test_size_guards_work_before_reading_a_stream() -> None:
    check_size(None)
    check_size(MAX_BYTES)
    with pytest.raises(ImportRefused, match="200 MB"):
        check_size(MAX_BYTES + 1)
    with pytest.raises(ImportRefused, match="The file is larger than the 1 MB limit."):
        check_size(1024 * 1024 + 1, limit=1024 * 1024)  # the web app's own limit

    class CountingStream(io.BytesIO):
        asked = 0

        def read(self, size: int = -1) -> bytes:
            CountingStream.asked = size
            return super().read(size)

    assert read_upload(io.BytesIO(b"A,B\n1,2\n")) == b"A,B\n1,2\n"
    with pytest.raises(ImportRefused, match="200 MB"):
        read_upload(CountingStream(b"x" * (MAX_BYTES + 10)))
    assert CountingStream.asked == MAX_BYTES + 1  # never asks for the whole stream


def test_one_5mb_line_is_refused_quickly() -> None:
    bomb = b"a," * (5 * 1024 * 1024 // 2)
    started = time.perf_counter()
    with pytest.raises(ImportRefused) as refused:
        read_table(bomb, "x.csv")
    assert str(refused.value) == "Line 1 is longer than 1 MB: this is not a platform export."
    assert time.perf_counter() - started < 2


def test_a_giant_line_after_normal_ones_is_named_by_its_number() -> None:
    data = b"A,B\n1,2\n" + b"x" * (1024 * 1024 + 1) + b"\n3,4\n"
    with pytest.raises(ImportRefused, match="Line 3 is longer than 1 MB"):
        read_table(data, "x.csv")


# Broken quoting repair


def _is_link(cell: str) -> bool:
    return cell.startswith("https://")


def test_realign_joins_the_cells_a_bare_quote_split() -> None:
    row = ["March 4", 'Ce hack"', ' de maquillage"', "https://t/1", "February 27", "3324"]
    assert realign_on_anchor(row, 5, 2, _is_link, 1) == [
        "March 4",
        'Ce hack", de maquillage"',
        "https://t/1",
        "February 27",
        "3324",
    ]


def test_realign_gives_up_when_the_row_cannot_be_explained() -> None:
    assert realign_on_anchor(["a", "b", "c"], 5, 2, _is_link, 1) is None  # no link
    assert realign_on_anchor(["a", "https://t/1", "x"], 5, 2, _is_link, 1) is None  # link too early
    two_links = ["a", "b", "https://t/1", "https://t/2", "x"]
    assert realign_on_anchor(two_links, 5, 2, _is_link, 1) is None


def test_a_cell_too_large_for_any_export_is_refused_naming_its_line() -> None:
    data = b'A,B\n1,"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(ImportRefused, match="Line 2 cannot be read as CSV: field larger than"):
        read_table(data, "x.csv")


# Reading in parts (a million-row file never sits in memory as one list)


def parts(data: bytes, name: str = "x.csv", rows: int = 2) -> list[tuple]:
    return [
        (s.name, s.part, s.header, s.rows, s.row_numbers)
        for s in stream_table(data, name, chunk_rows=rows)
    ]


def test_a_table_streams_in_parts_of_at_most_n_rows_each_with_its_header_and_lines() -> None:
    data = b"A,B\n1,2\n3,4\n\n5,6\n7,8\n9,10\n"
    assert parts(data) == [
        ("x.csv", 0, ["A", "B"], [["1", "2"], ["3", "4"]], [2, 3]),
        ("x.csv", 1, ["A", "B"], [["5", "6"], ["7", "8"]], [5, 6]),  # line 4 is blank
        ("x.csv", 2, ["A", "B"], [["9", "10"]], [7]),
    ]


def test_a_table_without_rows_is_one_empty_part_and_an_exact_multiple_ends_cleanly() -> None:
    assert parts(b"A,B\n") == [("x.csv", 0, ["A", "B"], [], [])]
    assert parts(b"A,B\n1,2\n3,4\n") == [("x.csv", 0, ["A", "B"], [["1", "2"], ["3", "4"]], [2, 3])]


def test_streamed_blocks_and_zip_members_are_tables_of_their_own_in_order(make_zip) -> None:
    ga4 = b"# Report\nSource,Sessions\na,1\nb,2\nc,3\n# ---\nDay,Sessions\n1,4\n"
    assert parts(ga4, "ga4.csv") == [
        ("ga4.csv", 0, ["Source", "Sessions"], [["a", "1"], ["b", "2"]], [3, 4]),
        ("ga4.csv", 1, ["Source", "Sessions"], [["c", "3"]], [5]),
        ("ga4.csv (2)", 0, ["Day", "Sessions"], [["1", "4"]], [8]),
    ]
    data = make_zip({"one.csv": b"A\n1\n2\n3\n", "two.csv": b"B\n4\n"})
    assert parts(data, "x.zip") == [
        ("one.csv", 0, ["A"], [["1"], ["2"]], [2, 3]),
        ("one.csv", 1, ["A"], [["3"]], [4]),
        ("two.csv", 0, ["B"], [["4"]], [2]),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"A,B,C\r\n1,2\r\n\r\n4,5,6,,\r\n7,8,9",
        b'Permalink,Description\nhttps://x/1,"Chair test\n#ad #chair"\nhttps://x/2,plain\n',
        b"sep=;\nA;B\n1,5;2,5\n3,5;4,5\n",
        b"TikTok Ads report\n\nBy Day,Campaign name,Cost\n2026-03-10,X,5\n2026-03-11,Y,6\n",
        b"\xff\xfe" + "Date,Vues\n2026-03-10,1\n2026-03-11,2\n2026-03-12,3\n".encode("utf-16-le"),
        "Date;Titre\n2026-03-10;Été\n2026-03-11;Éclat\n".encode("cp1252"),
    ],
)
def test_parts_put_together_are_the_table_read_whole(data: bytes) -> None:
    (whole,) = read_table(data, "x.csv")
    streamed = list(stream_table(data, "x.csv", chunk_rows=1))
    assert [len(s.rows) for s in streamed] == [1] * len(whole.rows)
    assert [row for s in streamed for row in s.rows] == whole.rows
    assert [n for s in streamed for n in s.row_numbers] == whole.row_numbers
    assert {(s.name, tuple(s.header), tuple(s.preamble)) for s in streamed} == {
        (whole.name, tuple(whole.header), tuple(whole.preamble))
    }


def test_streaming_refuses_what_reading_whole_refuses() -> None:
    with pytest.raises(ImportRefused, match="This file is empty."):
        list(stream_table(b"\n\n", "x.csv", chunk_rows=10))
    with pytest.raises(ImportRefused, match="This looks like a PNG image"):
        list(stream_table(b"\x89PNG\r\n\x1a\n\x00", "x.csv", chunk_rows=10))


# Plain lines are split without the csv module (reading._one_table), once the header was
# looked for among the first rows (HEADER_SCAN_ROWS, read by the csv module).

TRICKY = (
    "A,B,C\n"
    + "".join(f"{n},{n},{n}\n" for n in range(60))  # lines 2-61
    + "1,2,3\n"  # 62
    "\n"
    "  ,  \n"  # blank: only spaces and delimiters
    "\u00a0,\u00a0\r\n"  # blank too: a no-break space is a space
    "4,5\r"  # 66: a line ended by CR alone, and a short row
    "6,7,8,,\n"  # empty cells past the header's width are dropped
    "9,10,11,12\n"  # a cell past the width is kept
    '"a\nb",c,d\n'  # 69: a quoted cell across two lines: the csv module from here on
    "13,14,15\n"  # 71
    "16,17,18"
)


@pytest.mark.parametrize("plain_lines", [1, 2, 3, 1000])
def test_splitting_plain_lines_reads_exactly_what_the_csv_module_reads(
    monkeypatch, plain_lines: int
) -> None:
    from tracker.importers import reading

    data = TRICKY.encode()

    def read() -> list:
        return list(stream_table(data, "x.csv", chunk_rows=7))

    monkeypatch.setattr(reading, "_splits_plainly", lambda text: False)
    expected = read()
    monkeypatch.undo()
    monkeypatch.setattr(reading, "PLAIN_LINES", plain_lines)
    split = read()
    assert [(s.rows, s.row_numbers) for s in split] == [(s.rows, s.row_numbers) for s in expected]
    rows = [row for s in split for row in s.rows]
    numbers = [n for s in split for n in s.row_numbers]
    assert numbers[60:] == [62, 66, 67, 68, 69, 71, 72]
    assert rows[60:] == [
        ["1", "2", "3"],
        ["4", "5", ""],
        ["6", "7", "8"],
        ["9", "10", "11", "12"],
        ["a\nb", "c", "d"],
        ["13", "14", "15"],
        ["16", "17", "18"],
    ]
