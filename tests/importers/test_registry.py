from __future__ import annotations

import pytest

from tracker.importers import FORMAT_NAMES, registry
from tracker.importers.errors import AmbiguousFormat, ImportRefused
from tracker.importers.registry import FORMATS, detect, known_formats, parse_file, read_sheets


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tiktok_studio_content.csv", "tiktok_studio"),
        ("tiktok_ads_report.csv", "tiktok_ads"),
        ("tiktok_ads_report_fr_excel.csv", "tiktok_ads"),
        ("ga4_utm.csv", "ga4"),
        ("shopify_orders.csv", "shopify_orders"),
    ],
)
def test_each_sample_is_recognised_as_its_format_alone(sample, name: str, expected: str) -> None:
    ranked = detect(read_sheets(sample(name), name))
    assert [format_name for format_name, _ in ranked] == [expected]


def test_every_format_module_has_the_same_interface() -> None:
    names = [module.NAME for module in FORMATS]
    assert len(set(names)) == len(names) == 8
    for module in FORMATS:
        assert module.LABEL
        assert module.detect([]) == 0
        assert callable(module.parse)
    assert [name for name, _ in known_formats()] == names == list(FORMAT_NAMES)


def test_unknown_header_is_refused_listing_the_known_formats(make_csv) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_file(make_csv([["Foo", "Bar"], ["1", "2"]]), "mystery.csv")
    message = str(refused.value)
    assert message.startswith(
        "This file is not an export we know (its columns start with “Foo”, “Bar”)."
    )
    for module in FORMATS:
        assert module.LABEL in message


def test_a_tie_between_formats_asks_the_user(make_csv) -> None:
    # Two columns of the tracker's own CSV, two of TikTok Studio's Content.csv.
    header = ["post_url", "captured_on", "Video link", "Total views"]
    row = ["https://www.tiktok.com/@a/video/7616431466279434653", "2026-03-31",
           "https://www.tiktok.com/@a/video/7616431466279434653", "5"]  # fmt: skip
    with pytest.raises(AmbiguousFormat) as refused:
        parse_file(make_csv([header, row]), "both.csv")
    assert sorted(refused.value.candidates) == ["generic", "tiktok_studio"]
    assert "choose one" in str(refused.value)
    result = parse_file(make_csv([header, row]), "both.csv", format="generic")
    assert result.format == "generic"


def test_forcing_a_format_that_does_not_fit_names_the_missing_columns(sample) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_file(sample("shopify_orders.csv"), "orders.csv", format="tiktok_ads")
    assert str(refused.value) == (
        "This file is not a TikTok Ads Manager report: it has no “Cost”, "
        "“Campaign name” or “Ad group name” or “Ad name” columns."
    )


def test_unknown_format_name_is_refused(sample) -> None:
    with pytest.raises(ImportRefused, match="Unknown import format “pinterest”"):
        parse_file(sample("ga4_utm.csv"), "ga4.csv", format="pinterest")


def test_a_header_without_rows_is_refused(make_csv) -> None:
    with pytest.raises(ImportRefused, match="no data rows"):
        parse_file(make_csv([["Session source / medium", "Sessions"]]), "ga4.csv")


def test_a_known_header_is_found_below_any_junk(make_csv) -> None:
    rows = [
        ["Exported by", "me", "today", "for", "you"],
        ["Session source / medium", "Sessions"],
        ["tiktok / paid", "5"],
    ]
    result = parse_file(make_csv(rows), "ga4.csv")
    assert result.scopes[0].metrics == {"sessions": 5}


def test_refusals_from_reading_reach_the_caller() -> None:
    with pytest.raises(ImportRefused, match="PNG image"):
        registry.parse_file(b"\x89PNG\r\n\x1a\nrest", "Content.csv")
