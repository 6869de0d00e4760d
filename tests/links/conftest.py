"""A campaign with a destination page, a conversion secret and two creators' tracked links."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

SECRET = "shop-secret-0123456789abcdef"
OTHER_SECRET = "other-shop-secret-9876543210"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


@dataclass
class Linked:
    workspace: object
    campaign: object
    lea: object
    noah: object


@pytest.fixture
def linked(factory) -> Linked:
    ws = factory.workspace()
    brand = factory.brand(ws)
    campaign = factory.campaign(
        brand,
        slug="printemps-eclat",
        destination_url="https://shop.example/eclat?ref=bio&lang=fr#buy",
        conversion_secret=SECRET,
        timezone="Europe/Paris",
    )
    lea = factory.participation(campaign, platform="tiktok", promo_code="LEA15")
    noah = factory.participation(campaign, platform="instagram", promo_code="NOAH10")
    return Linked(workspace=ws, campaign=campaign, lea=lea, noah=noah)
