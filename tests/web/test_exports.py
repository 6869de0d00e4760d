"""CSV and XLSX exports: the dashboard's figures, numbers kept as numbers, nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tracker.exports import Column, Table, neutralise, rounded, to_csv, to_xlsx
from tracker.models import Influencer

from ..reference import build_reference
from .test_dashboard import cells
from .test_tiers import column

BOM = "\ufeff"


@pytest.fixture
def ref(factory):
    return build_reference(factory)


@pytest.fixture
def manager(ref, factory, login):
    user = factory.user(ref.workspace, role="manager")
    login(user)
    return user


def download(client, path: str, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response


def read_csv(response, delimiter: str = ",") -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith(BOM), "Excel needs the byte-order mark to read accents"
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=delimiter))


def read_xlsx(response):
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = [
        {h: cell for h, cell in zip(header, row, strict=True)} for row in sheet.iter_rows(min_row=2)
    ]
    return sheet, rows


def from_page(text: str) -> Decimal:
    """A figure as the dashboard shows it ("€2,702.50", "8.35%", "0.4:1") as a plain number."""
    return Decimal(re.sub(r"[€$,%\s]|:1$", "", text))


def test_influencer_csv_holds_the_dashboards_figures(client, ref, manager):
    rows = read_csv(download(client, f"/campaigns/{ref.campaign.id}/export/influencers.csv"))
    assert [r["Influencer"] for r in rows] == ["Léa Glow", "Noah Martin", "Max Viral"]
    lea = rows[0]
    assert lea["Handle"] == "lea.glow" and lea["Promo code"] == "LEA15"
    assert lea["Tier"] == "Nano" and lea["Tier override"] == ""
    assert lea["Direct cost (EUR)"] == "400.00"
    assert lea["Views"] == "20000" and lea["Engagements"] == "1670"
    assert lea["Engagement rate (%)"] == "8.35"
    assert lea["ER by followers (%)"] == "20.88"  # 1,670 / 8,000 = 20.875 %, half-even
    assert lea["CPC (EUR)"] == "133.33" and lea["CPA (EUR)"] == "200.00"
    assert lea["Tracked clicks"] == "3" and lea["Unique clicks"] == "3"
    assert lea["Revenue (EUR)"] == "150.00" and lea["ROAS (:1)"] == "0.4"
    assert rows[1]["CPA (EUR)"] == "", "an undefined KPI is an empty cell, not 0"

    html = client.get(f"/campaigns/{ref.campaign.id}").get_data(as_text=True)
    for part, row in zip((ref.lea, ref.noah, ref.max), rows, strict=True):
        page = cells(html, "data-participation", str(part.id))
        exported = [
            row["Direct cost (EUR)"], row["Views"], row["Engagement rate (%)"], row["CPE (EUR)"],
            row["Conversions"], row["CPA (EUR)"], row["ROAS (:1)"],
        ]  # fmt: skip
        shown = [page[i] for i in (3, 4, 5, 6, 8, 9, 10)]
        assert [None if v == "" else Decimal(v) for v in exported] == [
            None if s == "—" else from_page(s) for s in shown
        ]


def test_influencer_csv_in_french_is_what_a_french_excel_expects(client, ref, manager):
    response = download(
        client, f"/campaigns/{ref.campaign.id}/export/influencers.csv", **{"Accept-Language": "fr"}
    )
    lea = read_csv(response, delimiter=";")[0]
    assert lea["Influenceur"] == "Léa Glow"
    assert lea["Coût direct (EUR)"] == "400,00"
    assert lea["Taux d’engagement (%)"] == "8,35"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "printemps-eclat-2026-influencers.csv" in response.headers["Content-Disposition"]


def test_influencer_xlsx_keeps_numbers_as_numbers(client, ref, manager):
    response = download(client, f"/campaigns/{ref.campaign.id}/export/influencers.xlsx")
    sheet, rows = read_xlsx(response)
    assert sheet.title == "Influencers"
    lea = rows[0]
    assert lea["Influencer"].value == "Léa Glow"
    assert lea["Direct cost (EUR)"].value == 400
    assert lea["Direct cost (EUR)"].number_format == "#,##0.00"
    assert lea["Engagement rate (%)"].value == pytest.approx(0.0835)
    assert lea["Engagement rate (%)"].number_format == "0.00%"
    assert lea["ROAS (:1)"].number_format == '0.0":1"'
    assert lea["Views"].data_type == "n" and lea["Views"].value == 20_000
    assert rows[1]["CPA (EUR)"].value is None
    # money is written exactly, to the cent: Léa's CPC 400 / 3 = 133.33
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>133.33</v>" in xml


def test_exports_follow_the_pages_sort_and_as_of_day(client, ref, manager):
    path = f"/campaigns/{ref.campaign.id}/export/influencers.csv?sort=views&order=desc&as_of=2026-03-09"
    response = download(client, path)
    rows = read_csv(response)
    assert [r["Influencer"] for r in rows] == ["Max Viral", "Léa Glow", "Noah Martin"]
    assert rows[1]["Views"] == "10000", "Léa's 03-12 snapshot is after the as-of day"
    assert "influencers-2026-03-09.csv" in response.headers["Content-Disposition"]


def test_raw_snapshots_use_the_canonical_metric_keys(client, ref, manager):
    rows = read_csv(download(client, f"/campaigns/{ref.campaign.id}/export/snapshots.csv"))
    assert [(r["captured_on"], r["source"], r["scope"]) for r in rows] == [
        ("2026-03-05", "manual", "post"),
        ("2026-03-08", "manual", "post"),
        ("2026-03-10", "meta_posts", "post"),
        ("2026-03-12", "tiktok_studio", "post"),
        ("2026-03-20", "manual", "campaign"),
    ]
    studio = rows[3]
    assert studio["influencer"] == "Léa Glow" and studio["views"] == "20000"
    assert studio["saves"] == "", "TikTok Studio has no saves column: not a zero"
    assert rows[1]["is_paid"] == "paid" and rows[0]["is_paid"] == "organic"
    assert rows[4]["hashtag_uses"] == "350" and rows[4]["influencer"] == ""
    assert rows[0]["post_url"] == "https://www.tiktok.com/@lea.glow/video/7616431466279434653"

    sheet, xrows = read_xlsx(
        download(client, f"/campaigns/{ref.campaign.id}/export/snapshots.xlsx?as_of=2026-03-09")
    )
    assert len(xrows) == 2
    assert xrows[0]["captured_on"].value.date() == date(2026, 3, 5)
    assert xrows[0]["views"].value == 10_000


def test_tier_exports_equal_the_tier_page(client, ref, manager):
    html = client.get("/tiers").get_data(as_text=True)
    rows = read_csv(download(client, "/tiers/export.csv"))
    assert [r["Tier"] for r in rows] == ["Nano", "Micro", "Mid", "Macro", "Mega"]
    nano = rows[0]
    assert nano["Followers from"] == "0" and nano["Followers to"] == "9999"
    assert rows[4]["Followers to"] == "", "mega has no upper bound"
    for header, line in (
        ("Direct cost (EUR)", "direct_cost"),
        ("CPM (EUR)", "cpm"),
        ("CPM — median (EUR)", "cpm_median"),
        ("Engagement rate (%)", "engagement_rate"),
        ("CPC (EUR)", "cpc"),
        ("ROAS (:1)", "roas"),
    ):
        shown = column(html, line)
        for row in rows:
            tier = row["Tier"].lower()
            expected = None if shown[tier] == "—" else from_page(shown[tier])
            assert (None if row[header] == "" else Decimal(row[header])) == expected, (tier, header)
    _sheet, xrows = read_xlsx(download(client, "/tiers/export.xlsx?platform=instagram"))
    assert [r["Influencers"].value for r in xrows] == [0, 0, 1, 0, 0]
    assert xrows[2]["CPM (EUR)"].value == 50


def test_exports_are_scoped_like_the_pages(client, ref, factory, login):
    login(factory.user(factory.workspace(), role="manager"))
    for path in ("influencers.csv", "influencers.xlsx", "snapshots.csv"):
        assert client.get(f"/campaigns/{ref.campaign.id}/export/{path}").status_code == 404
    rows = read_csv(download(client, "/tiers/export.csv"))
    assert all(r["Influencers"] == "0" for r in rows), "another workspace's tiers stay hidden"
    client.post("/logout")
    login(factory.user(ref.workspace, role="viewer"))
    assert client.get(f"/campaigns/{ref.campaign.id}/export/snapshots.xlsx").status_code == 200


def test_text_a_spreadsheet_would_run_is_neutralised(client, ref, manager, session):
    ref.lea.promo_code = "@SUM(A1:A9)"
    session.add(ref.lea)
    person = session.get(Influencer, ref.lea.influencer_id)
    person.name = '=HYPERLINK("http://evil.example","Léa")'
    session.add(person)
    session.commit()
    rows = read_csv(download(client, f"/campaigns/{ref.campaign.id}/export/influencers.csv"))
    assert rows[0]["Influencer"] == '\'=HYPERLINK("http://evil.example","Léa")'
    assert rows[0]["Promo code"] == "'@SUM(A1:A9)"
    _sheet, xrows = read_xlsx(
        download(client, f"/campaigns/{ref.campaign.id}/export/influencers.xlsx")
    )
    assert xrows[0]["Influencer"].data_type == "s", "a string, never a formula"
    assert xrows[0]["Influencer"].value.startswith("'=")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x01=1", "'=1"),  # a control character XML cannot hold is dropped first
        ("Léa", "Léa"),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(text, safe):
    assert neutralise(text) == safe


def test_rounding_is_the_pages_half_even_and_never_a_float():
    assert rounded(Decimal("0.125"), "money") == Decimal("0.12")
    assert rounded(Decimal("0.135"), "money") == Decimal("0.14")
    assert rounded(Decimal("-0.001"), "money") == Decimal("0.00")  # no "-0.00"
    assert rounded(Decimal("0.030574"), "percent") == Decimal("0.0306")
    assert rounded(Decimal("0.9613"), "ratio") == Decimal("1.0")
    with pytest.raises(TypeError):
        rounded(0.1, "money")


def test_negative_numbers_stay_numbers_in_both_formats():
    table = Table("ROI", [Column("ROI", "percent"), Column("Note")], [[Decimal("-0.0387"), "-"]])
    assert to_csv(table).decode("utf-8-sig").splitlines()[1] == "-3.87,'-"
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert sheet["A2"].value == pytest.approx(-0.0387) and sheet["A2"].data_type == "n"
