"""Influencer tiers by follower count at join, with workspace-configurable bands."""

from __future__ import annotations

from dataclasses import dataclass, fields

TIERS: tuple[str, ...] = ("nano", "micro", "mid", "macro", "mega")


@dataclass(frozen=True)
class TierBands:
    """Lower bound (inclusive) of every tier above nano.

    Defaults are the Mediakix/STIM bands; vendors disagree, so a workspace
    may set its own and every tier table states the bands it used.
    """

    micro: int = 10_000
    mid: int = 50_000
    macro: int = 500_000
    mega: int = 1_000_000

    def __post_init__(self) -> None:
        bounds = [(f.name, getattr(self, f.name)) for f in fields(self)]
        for name, value in bounds:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Tier bound {name!r} must be a whole number, got {value!r}")
            if value <= 0:
                raise ValueError(f"Tier bound {name!r} must be positive, got {value}")
        for (lo_name, lo), (hi_name, hi) in zip(bounds, bounds[1:], strict=False):
            if hi <= lo:
                raise ValueError(
                    f"Tier bounds must increase strictly: {hi_name} ({hi}) "
                    f"must be above {lo_name} ({lo})"
                )

    def lower_bounds(self) -> tuple[int, ...]:
        """Return the lower bound of each tier in TIERS order (nano starts at 0)."""
        return (0, self.micro, self.mid, self.macro, self.mega)

    def describe(self) -> list[tuple[str, int, int | None]]:
        """Return (tier, min, max inclusive or None for open-ended) for tables."""
        lows = self.lower_bounds()
        highs: list[int | None] = [nxt - 1 for nxt in lows[1:]]
        highs.append(None)
        return list(zip(TIERS, lows, highs, strict=True))


DEFAULT_BANDS = TierBands()


def tier_for(followers: int, bands: TierBands = DEFAULT_BANDS) -> str:
    """Return the tier whose band holds ``followers``."""
    if followers < 0:
        raise ValueError(f"Follower count must not be negative, got {followers}")
    tier = TIERS[0]
    for name, low in zip(TIERS, bands.lower_bounds(), strict=True):
        if followers >= low:
            tier = name
    return tier


def effective_tier(
    followers_at_join: int | None, override: str | None, bands: TierBands = DEFAULT_BANDS
) -> tuple[str, bool]:
    """Return (tier, is_override): a manager's override wins and is flagged.

    An empty override (a blank form choice) means no override.
    """
    if override:
        if override not in TIERS:
            raise ValueError(f"Unknown tier {override!r}; expected one of {TIERS}")
        return override, True
    if followers_at_join is None:
        raise ValueError("Follower count at join is unknown and no tier override is set")
    return tier_for(followers_at_join, bands), False
