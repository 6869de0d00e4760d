"""Influencer tiers and their configurable bands."""

from __future__ import annotations

import pytest

from tracker.tiers import DEFAULT_BANDS, TIERS, TierBands, effective_tier, tier_for


def test_tiers_go_from_smallest_to_largest():
    assert TIERS == ("nano", "micro", "mid", "macro", "mega")


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, "nano"),
        (9_999, "nano"),
        (10_000, "micro"),
        (49_999, "micro"),
        (50_000, "mid"),
        (499_999, "mid"),
        (500_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
        (250_000_000, "mega"),
    ],
)
def test_default_band_boundaries(followers, tier):
    assert tier_for(followers) == tier


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (4_999, "nano"),
        (5_000, "micro"),
        (19_999, "micro"),
        (20_000, "mid"),
        (99_999, "mid"),
        (100_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
    ],
)
def test_custom_band_boundaries(followers, tier):
    bands = TierBands(micro=5_000, mid=20_000, macro=100_000, mega=1_000_000)
    assert tier_for(followers, bands) == tier


def test_negative_followers_are_refused():
    with pytest.raises(ValueError, match="negative"):
        tier_for(-1)


def test_describe_states_default_bands_inclusively():
    assert DEFAULT_BANDS.describe() == [
        ("nano", 0, 9_999),
        ("micro", 10_000, 49_999),
        ("mid", 50_000, 499_999),
        ("macro", 500_000, 999_999),
        ("mega", 1_000_000, None),
    ]


def test_describe_states_custom_bands():
    bands = TierBands(micro=5_000, mid=20_000, macro=100_000, mega=500_000)
    assert bands.describe()[1:3] == [("micro", 5_000, 19_999), ("mid", 20_000, 99_999)]
    assert bands.describe()[-1] == ("mega", 500_000, None)


def test_bands_must_increase_strictly():
    with pytest.raises(ValueError, match=r"mid \(10000\) must be above micro \(10000\)"):
        TierBands(micro=10_000, mid=10_000)


def test_bands_must_be_in_order():
    with pytest.raises(ValueError, match="increase strictly"):
        TierBands(macro=2_000_000)


@pytest.mark.parametrize("bad", [0, -5])
def test_bands_must_be_positive(bad):
    with pytest.raises(ValueError, match="positive"):
        TierBands(micro=bad)


def test_bands_must_be_whole_numbers():
    with pytest.raises(ValueError, match="whole number"):
        TierBands(micro=10_000.5)


def test_bands_are_frozen():
    with pytest.raises(AttributeError):
        DEFAULT_BANDS.micro = 5  # type: ignore[misc]


def test_effective_tier_follows_followers_at_join():
    assert effective_tier(60_000, None) == ("mid", False)


def test_effective_tier_uses_the_given_bands():
    bands = TierBands(micro=5_000, mid=20_000, macro=100_000, mega=1_000_000)
    assert effective_tier(150_000, None) == ("mid", False)
    assert effective_tier(150_000, None, bands) == ("macro", False)


def test_an_override_wins_and_is_flagged():
    assert effective_tier(60_000, "macro") == ("macro", True)


def test_an_override_works_without_a_follower_count():
    assert effective_tier(None, "nano") == ("nano", True)


def test_a_blank_override_is_no_override():
    assert effective_tier(9_999, "") == ("nano", False)


def test_an_unknown_override_is_refused():
    with pytest.raises(ValueError, match="Unknown tier 'giga'"):
        effective_tier(60_000, "giga")


def test_unknown_followers_without_override_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        effective_tier(None, None)
