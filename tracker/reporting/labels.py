"""Names the recap prints for metric keys, cost categories, tiers, pacing and sources.

Strings are marked with N_ and translated where they are shown, in the recap's locale.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction into the catalog; translated when shown."""
    return message


METRICS = {
    "views": N_("Views"),
    "reach": N_("Reach"),
    "impressions": N_("Impressions"),
    "likes": N_("Likes"),
    "comments": N_("Comments"),
    "shares": N_("Shares"),
    "saves": N_("Saves"),
    "watch_time_s": N_("Watch time (s)"),
    "completed_views": N_("Completed views"),
    "profile_views": N_("Profile views"),
    "followers_gained": N_("Followers gained"),
    "hashtag_uses": N_("Hashtag uses"),
    "link_clicks": N_("Link clicks"),
    "sessions": N_("Sessions"),
    "conversions": N_("Conversions"),
    "revenue": N_("Revenue"),
    "sentiment_pos": N_("Positive comments"),
    "sentiment_neu": N_("Neutral comments"),
    "sentiment_neg": N_("Negative comments"),
    "engagement_rate": N_("Engagement rate"),
}

KPIS = {
    "engagements": N_("Engagements"),
    "engagement_rate": N_("Engagement rate"),
    "cpm": N_("CPM"),
    "cpv": N_("CPV"),
    "cpe": N_("CPE"),
    "cpc": N_("CPC"),
    "ctr": N_("CTR"),
    "conversion_rate": N_("Conversion rate"),
    "cpa": N_("CPA"),
    "completion_rate": N_("Completion rate"),
    "aov": N_("Average order value"),
    "roas": N_("ROAS"),
    "roi_pct": N_("ROI %"),
    "sentiment_score": N_("Sentiment score"),
}

CATEGORIES = {
    "influencer_fee": N_("Influencer fees"),
    "product_gifting": N_("Product gifting"),
    "production": N_("Production"),
    "agency_fee": N_("Agency fee"),
    "paid_amplification": N_("Paid amplification"),
    "shipping": N_("Shipping"),
    "tools": N_("Tools"),
    "staff_time": N_("Staff time"),
}

TIERS = {
    "nano": N_("Nano"),
    "micro": N_("Micro"),
    "mid": N_("Mid"),
    "macro": N_("Macro"),
    "mega": N_("Mega"),
}

PACING = {
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "off_track": N_("Off track"),
    "reached": N_("Reached"),
    "not_reached": N_("Not reached"),
    "not_started": N_("Not started"),
}

OBJECTIVES = {
    "awareness": N_("Awareness"),
    "engagement": N_("Engagement"),
    "traffic": N_("Traffic"),
    "sales": N_("Sales"),
}

PLATFORMS = {"tiktok": "TikTok", "instagram": "Instagram", "youtube": "YouTube"}

SOURCES = {
    "manual": N_("Manual entry"),
    "tiktok_studio": N_("TikTok Studio export"),
    "tiktok_ads": N_("TikTok Ads Manager export"),
    "meta_posts": N_("Meta (Instagram) export"),
    "youtube_studio": N_("YouTube Studio export"),
    "ga4": N_("Google Analytics 4 export"),
    "shopify": N_("Shopify orders export"),
    "tracked_links": N_("Tracker redirect links"),
    "endpoint": N_("Tracker conversion endpoint"),
    "api": N_("API"),
}

# Which goal metrics speak to which objective: the first such goal is the headline.
OBJECTIVE_METRICS = {
    "awareness": ("views", "reach", "impressions", "hashtag_uses"),
    "engagement": ("engagement_rate", "likes", "comments", "shares", "saves"),
    "traffic": ("link_clicks", "sessions"),
    "sales": ("revenue", "conversions"),
}
