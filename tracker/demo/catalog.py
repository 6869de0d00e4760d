"""The demo workspace as data: who, which brands, which campaigns, and the story each tells.

Dates are offsets in days from the demo's "today", so a fresh `make run` always shows some
campaigns running and some ended. Every goal states the attainment (ended campaign) or the
pacing (running campaign) the story needs; the loader sets the target from the generated
results, so the story holds whatever the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

WORKSPACE_NAME = "Atelier Nord"
DEMO_PASSWORD = "demo-password"
USERS = (
    ("demo@tracker.test", "manager", "Margaux Lenoir"),
    ("admin@tracker.test", "admin", "Samir Haddad"),
    ("viewer@tracker.test", "viewer", "Ines Vidal"),
)


# ---------------------------------------------------------------------------- performance


@dataclass(frozen=True)
class TierProfile:
    """How a creator of this tier typically performs; every draw adds noise around these."""

    followers: tuple[int, int]  # drawn log-uniformly
    fee_per_follower: float  # EUR, for one deliverable
    view_rate: float  # views of one post / followers
    engagement_rate: float  # (likes + comments + shares + saves) / views
    click_rate: float  # tracked-link clicks / views
    order_weight: float  # how readily their audience buys with the promo code


TIER_PROFILES = {
    "nano": TierProfile((2_500, 9_800), 0.035, 1.10, 0.088, 0.025, 1.3),
    "micro": TierProfile((11_000, 48_000), 0.022, 0.80, 0.063, 0.020, 1.2),
    "mid": TierProfile((55_000, 420_000), 0.018, 0.45, 0.045, 0.010, 1.0),
    "macro": TierProfile((520_000, 950_000), 0.013, 0.30, 0.031, 0.006, 0.8),
    "mega": TierProfile((1_400_000, 3_800_000), 0.006, 0.25, 0.019, 0.001, 0.35),
}
DELIVERABLES = {"nano": (1, 3), "micro": (1, 3), "mid": (2, 4), "macro": (2, 4), "mega": (3, 3)}


@dataclass(frozen=True)
class PlatformProfile:
    source: str  # the export the results come from
    view_factor: float
    engagement_factor: float
    half_life: float  # days; short-form content gets most of its views in the first days
    has_saves: bool


PLATFORMS = {
    "tiktok": PlatformProfile("tiktok_studio", 1.6, 1.00, 1.4, False),
    "instagram": PlatformProfile("meta_posts", 0.85, 1.15, 1.2, True),
    "youtube": PlatformProfile("youtube_studio", 0.55, 0.75, 5.0, False),
}
MANUAL_SOURCE = "manual"  # creators who send screenshots once a week
MANUAL_SHARE = 0.2  # of nano and micro creators
BOOST_VIEWS = 2.0  # a boosted post's views × this…
BOOST_ENGAGEMENT = 0.6  # …and its engagement rate × this
BOOST_CPM_USD = 6.5  # what the ad platforms bill per thousand extra views
TRACKING_DAYS_AFTER_END = 14  # results keep being collected after the campaign ends


# ---------------------------------------------------------------------------- people


NAMES = {
    "FR": (
        ("Léa", "Inès", "Chloé", "Manon", "Hugo", "Lucas", "Jade", "Louise", "Théo", "Zoé"),
        ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Mercier"),
    ),
    "BE": (
        ("Noor", "Elise", "Lotte", "Arthur", "Louis", "Marie", "Yasmine", "Victor"),
        ("Peeters", "Janssens", "Maes", "Claes", "Dupont", "Lambert", "Willems"),
    ),
    "GB": (
        ("Amelia", "Olivia", "Isla", "Freya", "Jack", "Harry", "Oscar", "Aisha", "Callum", "Megan"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Khan", "Patel", "Hughes"),
    ),
    "DE": (
        ("Lena", "Mia", "Hannah", "Jonas", "Felix", "Lukas", "Marlene", "Paul"),
        ("Müller", "Schmidt", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Schulz"),
    ),
    "ES": (
        ("Lucía", "Martina", "Paula", "Alba", "Pablo", "Álvaro", "Daniel", "Carmen"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro"),
    ),
    "SE": (
        ("Elsa", "Maja", "Astrid", "Saga", "Erik", "Oskar", "Linnea", "Nils"),
        ("Andersson", "Johansson", "Karlsson", "Nilsson", "Sjöberg", "Holm", "Lund"),
    ),
}


@dataclass(frozen=True)
class Segment:
    """A pool of creators an agency keeps for one kind of brand."""

    key: str
    niches: tuple[str, ...]
    handle_words: tuple[str, ...]
    countries: tuple[str, ...]  # repeated entries weigh the draw
    platforms: tuple[str, ...]
    tiers: dict[str, int]


SEGMENTS = (
    Segment(
        "beauty",
        ("skincare", "makeup", "beauty", "clean beauty", "lifestyle"),
        ("glow", "skin", "beauty", "glam", "blush", "dewy"),
        ("FR", "FR", "FR", "FR", "BE", "BE", "ES", "ES", "DE", "GB"),
        ("instagram",) * 5 + ("tiktok",) * 4 + ("youtube",) * 2,
        {"nano": 6, "micro": 7, "mid": 5, "macro": 3},
    ),
    Segment(
        "outdoor",
        ("hiking", "climbing", "trail running", "van life", "travel"),
        ("trails", "peaks", "wild", "outdoors", "camps", "summits"),
        ("SE", "SE", "SE", "SE", "DE", "DE", "DE", "FR", "FR", "GB", "GB", "BE"),
        ("instagram",) * 4 + ("youtube",) * 3 + ("tiktok",) * 3,
        {"nano": 5, "micro": 6, "mid": 5, "macro": 3},
    ),
    Segment(
        "food",
        ("food", "student life", "comedy", "budget cooking", "lifestyle"),
        ("eats", "bites", "munch", "snacks", "kitchen", "foodie"),
        ("GB",) * 9 + ("ES",),
        ("tiktok",) * 6 + ("instagram",) * 3 + ("youtube",),
        {"nano": 5, "micro": 5, "mid": 4, "macro": 2},
    ),
)


@dataclass(frozen=True)
class Headliner:
    """A named mega creator, so the story can point at them."""

    name: str
    handle: str
    country: str
    segment: str
    niche: str
    platform: str
    followers: int
    note: str


HEADLINERS = (
    Headliner(
        "Camille Roux",
        "camilleroux",
        "FR",
        "beauty",
        "beauty",
        "youtube",
        2_150_000,
        "Represented by a talent agency; usage rights 6 months.",
    ),
    Headliner(
        "Axel Lindqvist",
        "axel.offgrid",
        "SE",
        "outdoor",
        "adventure",
        "tiktok",
        3_400_000,
        "Huge reach; audience mostly 16–24, outside the brand's core buyers.",
    ),
    Headliner(
        "Jonas Berg",
        "fjellfolk",
        "SE",
        "outdoor",
        "hiking",
        "youtube",
        1_350_000,
        "Long-form gear reviews.",
    ),
    Headliner(
        "Priya Shah",
        "priyaeatslondon",
        "GB",
        "food",
        "food",
        "tiktok",
        1_850_000,
        "Late-night food reviews across London.",
    ),
)


# ---------------------------------------------------------------------------- brands


@dataclass(frozen=True)
class BrandSpec:
    name: str
    color: str
    segment: str
    timezone: str
    locale: str
    order_prefix: str
    order_value: float  # average order, campaign currency
    gift: tuple[str, str] | None  # (value per creator, description), campaign currency
    shipping: str | None
    titles: tuple[str, ...]


BRANDS = (
    BrandSpec(
        "Maison Lumière",
        "#9c3d6b",
        "beauty",
        "Europe/Paris",
        "fr",
        "ML",
        74.0,
        ("58", "Serum and cleanser set"),
        "6.90",
        (
            "My 7-day glow routine",
            "Unboxing the new serum",
            "GRWM: dewy skin in 5 minutes",
            "Night routine that fixed my skin",
            "Honest review after two weeks",
            "3 ways to layer a serum",
        ),
    ),
    BrandSpec(
        "Nordlys Outdoor",
        "#2e5e4e",
        "outdoor",
        "Europe/Stockholm",
        "en",
        "NO",
        165.0,
        ("240", "Shell jacket"),
        "14.50",
        (
            "Testing the shell jacket in sideways rain",
            "Three days on the Kungsleden",
            "What I pack for a winter summit",
            "Layering guide: from valley to ridge",
            "Wild camping above the tree line",
            "Gear I trust after 1,000 km",
        ),
    ),
    BrandSpec(
        "Kiwi Cart",
        "#4c8c2b",
        "food",
        "Europe/London",
        "en",
        "KC",
        24.0,
        ("25", "Delivery credit"),
        None,
        (
            "Rating late-night snacks delivered in 20 minutes",
            "Student budget dinner for £5",
            "I let Kiwi Cart pick my dinner",
            "Midnight ramen taste test",
            "Cheapest full shop in London?",
            "Feeding my flatmates for a tenner",
        ),
    ),
)


# ---------------------------------------------------------------------------- campaigns


@dataclass(frozen=True)
class GoalSpec:
    metric: str
    level: float  # actual (ended) or projected (running) ÷ target, as the story needs it
    unit_value: str | None = None


@dataclass(frozen=True)
class SharedCost:
    category: str
    currency: str
    day: int  # days after the campaign starts
    description: str
    amount: str | None = None
    hours: str | None = None
    hourly_rate: str | None = None


@dataclass(frozen=True)
class CampaignSpec:
    brand: str
    name: str
    objective: str
    start: int  # days from the demo's today; negative is in the past
    days: int
    currency: str
    target_ratio: str
    budget: str
    hashtags: str
    destination_url: str
    cast: dict[str, int]  # tier → number of creators drawn from the brand's segment
    goals: tuple[GoalSpec, ...]
    shared_costs: tuple[SharedCost, ...]
    featuring: tuple[str, ...] = ()  # headliners who join too
    tracked: bool = False  # tracked links and promo codes: clicks and orders
    roi: float | None = None  # value generated ÷ cost the story needs (None: let it fall out)
    boosted_share: float = 0.0  # of mid and macro posts
    link_push: float = 1.0  # how prominently creators push the tracked link (× click rates)
    discount: int = 15
    story: str = ""


def _agency(amount: str, currency: str) -> SharedCost:
    return SharedCost("agency_fee", currency, 0, "Agency fee (flat)", amount=amount)


def _staff(hours: str, rate: str, currency: str) -> SharedCost:
    return SharedCost(
        "staff_time", currency, 7, "Campaign management", hours=hours, hourly_rate=rate
    )


CAMPAIGNS = (
    CampaignSpec(
        brand="Maison Lumière",
        name="Glow Serum Launch",
        objective="sales",
        start=-150,
        days=35,
        currency="EUR",
        target_ratio="5",
        budget="30000",
        hashtags="#GlowSerum #MaisonLumiere",
        destination_url="https://maison-lumiere.example/serum",
        cast={"nano": 5, "micro": 5, "mid": 3},
        goals=(GoalSpec("revenue", 1.24), GoalSpec("conversions", 1.1), GoalSpec("views", 0.93)),
        shared_costs=(
            _agency("2800", "EUR"),
            _staff("28", "65", "EUR"),
            SharedCost("production", "GBP", 2, "Product shoot, London studio", amount="1900"),
            SharedCost("tools", "USD", 0, "Link tracking seat", amount="120"),
        ),
        tracked=True,
        roi=5.9,
        story="Nano and micro creators with promo codes: beat its 5:1 target.",
    ),
    CampaignSpec(
        brand="Maison Lumière",
        name="Everyday Radiance",
        objective="awareness",
        start=-105,
        days=30,
        currency="EUR",
        target_ratio="1",
        budget="85000",
        hashtags="#EverydayRadiance",
        destination_url="https://maison-lumiere.example/radiance",
        cast={"nano": 3, "micro": 4, "mid": 3, "macro": 2},
        featuring=("Camille Roux",),
        goals=(
            GoalSpec("views", 1.08, "0.03"),
            GoalSpec("hashtag_uses", 0.87),
            GoalSpec("engagement_rate", 1.05),
        ),
        shared_costs=(
            _agency("4500", "EUR"),
            _staff("40", "65", "EUR"),
            SharedCost("production", "EUR", 3, "Creative brief and moodboards", amount="1200"),
        ),
        boosted_share=0.35,
        story="Reach with a mega YouTuber: cheapest CPM, lowest engagement rate.",
    ),
    CampaignSpec(
        brand="Maison Lumière",
        name="Gift Sets Edit",
        objective="sales",
        start=-18,
        days=45,
        currency="EUR",
        target_ratio="5",
        budget="30000",
        hashtags="#GiftSetsEdit #MaisonLumiere",
        destination_url="https://maison-lumiere.example/gift-sets",
        cast={"nano": 4, "micro": 4, "mid": 2, "macro": 1},
        goals=(GoalSpec("revenue", 1.12), GoalSpec("conversions", 1.05)),
        shared_costs=(_agency("2500", "EUR"), _staff("22", "65", "EUR")),
        tracked=True,
        discount=20,
        story="Running and on track.",
    ),
    CampaignSpec(
        brand="Nordlys Outdoor",
        name="Trail Season Kickoff",
        objective="engagement",
        start=-200,
        days=35,
        currency="EUR",
        target_ratio="1",
        budget="50000",
        hashtags="#TrailSeason #Nordlys",
        destination_url="https://nordlys-outdoor.example/trail",
        cast={"nano": 4, "micro": 4, "mid": 3, "macro": 1},
        goals=(
            GoalSpec("engagement_rate", 1.15),
            GoalSpec("likes", 1.1, "0.30"),
            GoalSpec("comments", 0.9, "2.00"),
            GoalSpec("shares", 1.2, "1.50"),
        ),
        shared_costs=(
            _agency("3000", "EUR"),
            _staff("30", "70", "EUR"),
            SharedCost("production", "SEK", 4, "Drone footage, Abisko", amount="18000"),
        ),
        boosted_share=0.25,
        story="Engagement campaign valued per like, comment and share.",
    ),
    CampaignSpec(
        brand="Nordlys Outdoor",
        name="Storm Shell Drop",
        objective="sales",
        start=-70,
        days=36,
        currency="EUR",
        target_ratio="5",
        budget="85000",
        hashtags="#StormShell #Nordlys",
        destination_url="https://nordlys-outdoor.example/storm-shell",
        cast={"nano": 3, "micro": 4, "mid": 3, "macro": 1},
        featuring=("Axel Lindqvist",),
        goals=(GoalSpec("revenue", 0.68), GoalSpec("conversions", 0.74)),
        shared_costs=(
            _agency("3500", "EUR"),
            _staff("36", "70", "EUR"),
            SharedCost("production", "USD", 1, "Product video edit", amount="2400"),
        ),
        tracked=True,
        roi=3.2,
        boosted_share=0.4,
        link_push=0.6,
        discount=10,
        story="A mega creator's huge views did not sell jackets: missed its 5:1 target.",
    ),
    CampaignSpec(
        brand="Nordlys Outdoor",
        name="Summit Challenge",
        objective="awareness",
        start=-21,
        days=42,
        currency="EUR",
        target_ratio="1",
        budget="90000",
        hashtags="#SummitChallenge",
        destination_url="https://nordlys-outdoor.example/summit",
        cast={"nano": 3, "micro": 4, "mid": 3, "macro": 2},
        featuring=("Jonas Berg",),
        goals=(GoalSpec("views", 0.86, "0.03"), GoalSpec("hashtag_uses", 0.72)),
        shared_costs=(_agency("4000", "EUR"), _staff("34", "70", "EUR")),
        boosted_share=0.3,
        story="Running behind its pacing: views at risk, hashtag uses off track.",
    ),
    CampaignSpec(
        brand="Kiwi Cart",
        name="Student Welcome Offer",
        objective="sales",
        start=-85,
        days=28,
        currency="GBP",
        target_ratio="4",
        budget="18000",
        hashtags="#KiwiCartStudent",
        destination_url="https://kiwicart.example/students",
        cast={"nano": 5, "micro": 5, "mid": 2},
        goals=(GoalSpec("conversions", 1.3, "35"), GoalSpec("link_clicks", 1.1, "0.40")),
        shared_costs=(
            _agency("2200", "GBP"),
            _staff("26", "55", "GBP"),
            SharedCost("tools", "USD", 0, "App attribution SDK", amount="300"),
        ),
        tracked=True,
        roi=5.5,
        link_push=0.6,
        discount=20,
        story="First orders from students: beat its 4:1 target.",
    ),
    CampaignSpec(
        brand="Kiwi Cart",
        name="Late-Night Cravings",
        objective="traffic",
        start=-12,
        days=40,
        currency="GBP",
        target_ratio="2",
        budget="50000",
        hashtags="#LateNightCravings #KiwiCart",
        destination_url="https://kiwicart.example/late-night",
        cast={"nano": 4, "micro": 4, "mid": 3, "macro": 1},
        featuring=("Priya Shah",),
        goals=(GoalSpec("link_clicks", 1.08, "0.50"), GoalSpec("conversions", 0.93, "35")),
        shared_costs=(_agency("3200", "GBP"), _staff("30", "55", "GBP")),
        tracked=True,
        boosted_share=0.3,
        story="Running: clicks on track, first orders at risk.",
    ),
)

# Exchange rates the demo publishes: (base, quote, first rate, step volatility, every n days).
RATES = (
    ("EUR", "GBP", 0.8550, 0.0015, 1),
    ("EUR", "USD", 1.0850, 0.0080, 7),
    ("GBP", "USD", 1.2700, 0.0090, 7),
    ("EUR", "SEK", 11.350, 0.0600, 7),
)
