"""Platform export importers: pure functions from file bytes to normalised records.

``registry.parse_file(data, filename)`` is the entry point (``registry.open_stream`` for
a file read in parts); the records it returns are described in ``model``. The parsers
touch neither the database nor Flask; ``lookups``, ``matching``, ``commit`` and
``commands`` apply their records to a campaign.
"""

# Every format's NAME, in the order registry.FORMATS tries them, for what lists the formats
# without parsing anything (the API's schema): importing the parsers costs ~0.1 s at start-up.
FORMAT_NAMES = (
    "tiktok_studio",
    "tiktok_ads",
    "meta_posts",
    "youtube_studio",
    "ga4",
    "shopify_orders",
    "woocommerce_orders",
    "generic",
)
