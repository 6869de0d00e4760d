"""Who followed a tracked link: a person's browser, a bot, or a prefetch nobody asked for.

Only "browser" clicks count as link clicks; the others are stored so a manager can see them,
and counted apart (analytics counts `ua_class == "browser"` only).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

BROWSER = "browser"
BOT = "bot"
PREFETCH = "prefetch"

# Link-preview fetchers first (they follow every link posted in a chat or a feed), then crawlers,
# then HTTP libraries and headless browsers. Matched case-insensitively anywhere in the UA.
_BOT_TOKENS = (
    # link previews
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "meta-externalfetcher",
    "twitterbot",
    "slackbot",
    "slack-imgproxy",
    "whatsapp",
    "telegrambot",
    "discordbot",
    "linkedinbot",
    "pinterestbot",
    "redditbot",
    "skypeuripreview",
    "microsoftpreview",
    "iframely",
    "embedly",
    "vkshare",
    "viber",
    "snapchat",
    "bitlybot",
    "tumblr",
    "google-pagerenderer",
    "googleother",
    "applebot",
    # search engines and SEO / AI crawlers
    "googlebot",
    "adsbot-google",
    "mediapartners-google",
    "google-inspectiontool",
    "bingbot",
    "bingpreview",
    "yandex",
    "baiduspider",
    "duckduckbot",
    "petalbot",
    "ahrefsbot",
    "semrushbot",
    "mj12bot",
    "dotbot",
    "gptbot",
    "chatgpt-user",
    "oai-searchbot",
    "claudebot",
    "claude-web",
    "perplexitybot",
    "bytespider",
    "amazonbot",
    "ccbot",
    # HTTP libraries, command-line tools, headless browsers
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "httpie",
    "go-http-client",
    "okhttp",
    "java/",
    "apache-httpclient",
    "libwww-perl",
    "node-fetch",
    "undici",
    "axios/",
    "headlesschrome",
    "phantomjs",
    "scrapy",
    "postmanruntime",
    "insomnia",
)
# Generic words nearly every other robot puts in its UA ("SomethingBot/1.0"); a bare "bot" inside
# a word is not enough (the CUBOT phone's UA says "CUBOT X30").
_BOT_WORDS = re.compile(r"\bbot\b|bot[/;)]|crawler|spider|scraper|http[-_ ]?client|pingdom")
_BOT_TOKENS_RE = re.compile("|".join(re.escape(t) for t in _BOT_TOKENS))


def is_prefetch(method: str, headers: Mapping[str, str]) -> bool:
    """Tell whether the request is speculative: HEAD, or a browser prefetch / prerender."""
    if method == "HEAD":
        return True
    purpose = " ".join(
        headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
    ).lower()
    return "prefetch" in purpose or "preview" in purpose or "prerender" in purpose


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Tell whether a user agent belongs to a robot; an empty UA is one (browsers always send one)."""
    ua = user_agent.strip().lower()
    if not ua:
        return True
    return bool(_BOT_TOKENS_RE.search(ua) or _BOT_WORDS.search(ua))


def classify(method: str, headers: Mapping[str, str]) -> str:
    """Class a request as browser, bot or prefetch; a known bot stays a bot even on HEAD."""
    if is_bot(headers.get("User-Agent", "")):
        return BOT
    if is_prefetch(method, headers):
        return PREFETCH
    return BROWSER
