"""The agency's creators: names, handles and follower counts drawn from the seed."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..slugs import slugify
from ..tiers import tier_for
from .catalog import HEADLINERS, NAMES, SEGMENTS, TIER_PROFILES, Headliner, Segment

SECOND_ACCOUNT_SHARE = 0.35  # creators also active on a second platform


@dataclass(frozen=True)
class Creator:
    name: str
    handle: str
    country: str
    segment: str
    niche: str
    platform: str  # where they post for campaigns
    followers: int  # today, on that platform
    other_accounts: tuple[tuple[str, str, int], ...] = ()  # (platform, handle, followers)
    note: str = ""

    @property
    def tier(self) -> str:
        return tier_for(self.followers)

    @property
    def accounts(self) -> dict[str, tuple[str, int]]:
        out = {self.platform: (self.handle, self.followers)}
        out.update({p: (h, f) for p, h, f in self.other_accounts})
        return out

    @property
    def email(self) -> str:
        return f"{self.handle.replace('_', '.')}@creators.example"


def build_roster(rng: random.Random) -> list[Creator]:
    """Every segment's creators, tier by tier, then the named headliners."""
    taken_names: set[str] = set()
    taken_handles: set[str] = {h.handle for h in HEADLINERS}
    roster = []
    for segment in SEGMENTS:
        for tier, count in segment.tiers.items():
            for _ in range(count):
                roster.append(_draw(rng, segment, tier, taken_names, taken_handles))
    roster.extend(_headliner(rng, h) for h in HEADLINERS)
    return roster


def _draw(
    rng: random.Random, segment: Segment, tier: str, taken_names: set[str], taken_handles: set[str]
) -> Creator:
    country = rng.choice(segment.countries)
    firsts, lasts = NAMES[country]
    while True:
        first, last = rng.choice(firsts), rng.choice(lasts)
        if f"{first} {last}" not in taken_names:
            break
    taken_names.add(f"{first} {last}")
    handle = _handle(rng, first, last, segment.handle_words, taken_handles)
    platform = rng.choice(segment.platforms)
    followers = _followers(rng, tier)
    others = ()
    if rng.random() < SECOND_ACCOUNT_SHARE:
        other = rng.choice([p for p in ("tiktok", "instagram", "youtube") if p != platform])
        others = ((other, handle, max(300, int(followers * rng.uniform(0.08, 0.6)))),)
    return Creator(
        name=f"{first} {last}",
        handle=handle,
        country=country,
        segment=segment.key,
        niche=rng.choice(segment.niches),
        platform=platform,
        followers=followers,
        other_accounts=others,
    )


def _followers(rng: random.Random, tier: str) -> int:
    low, high = TIER_PROFILES[tier].followers
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return int(round(value, -2 if value < 100_000 else -3))


def _handle(
    rng: random.Random, first: str, last: str, words: tuple[str, ...], taken: set[str]
) -> str:
    first_s, last_s = slugify(first).replace("-", ""), slugify(last).replace("-", "")
    patterns = (
        "{first}.{word}",
        "{first}_{last}",
        "{first}{word}",
        "the{word}{first}",
        "{first}.{last}",
        "{word}with{first}",
    )
    while True:
        pattern = rng.choice(patterns)
        handle = pattern.format(first=first_s, last=last_s, word=rng.choice(words))
        if handle in taken:
            handle = f"{handle}{rng.randint(2, 99)}"
        if handle not in taken:
            taken.add(handle)
            return handle


def _headliner(rng: random.Random, h: Headliner) -> Creator:
    second = "instagram" if h.platform != "instagram" else "tiktok"
    return Creator(
        name=h.name,
        handle=h.handle,
        country=h.country,
        segment=h.segment,
        niche=h.niche,
        platform=h.platform,
        followers=h.followers,
        other_accounts=((second, h.handle, int(h.followers * rng.uniform(0.3, 0.7))),),
        note=h.note,
    )


def pick_cast(
    rng: random.Random,
    roster: list[Creator],
    segment: str,
    cast: dict[str, int],
    featuring: tuple[str, ...],
) -> list[Creator]:
    """Creators of the segment, `cast[tier]` of each tier, plus the named headliners."""
    chosen = []
    for tier, count in cast.items():
        pool = [c for c in roster if c.segment == segment and c.tier == tier]
        chosen.extend(rng.sample(pool, count))
    chosen.extend(c for c in roster if c.name in featuring)
    return chosen
