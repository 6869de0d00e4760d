"""One key per post, whatever link the user pasted or the platform exported.

The same Reel arrives as ``instagram.com/reel/X/?igsh=…`` and
``www.instagram.com/p/X``; the same Short as ``youtu.be/X`` and
``youtube.com/shorts/X``. Matching snapshots to posts needs one key for all of
them, so host variants and tracking parameters go, and each platform's post
path is rewritten to one canonical form. IDs keep their case: Instagram and
YouTube codes are case-sensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Host prefixes that show the same page. vm./vt.tiktok.com are short links to
# other paths, so they are not host variants and stay.
_HOST_VARIANTS = ("www.", "m.", "mobile.", "web.")
_TRACKING_PARAMS = frozenset(
    {
        "igshid", "igsh", "is_from_webapp", "sender_device", "sender_web_id", "fbclid",
        "gclid", "dclid", "msclkid", "ttclid", "si", "feature", "_r", "_t", "ref",
        "ref_src", "mibextid", "share_app_id", "share_item_id", "tt_from", "u_code",
        "timestamp", "is_copy_url", "embed_source", "pp", "lang",
    }
)  # fmt: skip
_DOMAINS = {
    "tiktok.com": "tiktok",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "youtube-nocookie.com": "youtube",
    "facebook.com": "facebook",
    "fb.watch": "facebook",
}
_TIKTOK_POST = re.compile(r"/@([^/]+)/(video|photo)/(\d+)")
_INSTAGRAM_POST = re.compile(r"(?:/[^/]+)?/(?:p|reels?|tv)/([A-Za-z0-9_-]+)")
_YOUTUBE_PATH_ID = re.compile(r"/(?:shorts|embed|live|v)/([A-Za-z0-9_-]{11})")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_INSTAGRAM_NOT_HANDLES = frozenset(
    {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "about", "legal"}
)


@dataclass(frozen=True)
class PostLink:
    """What one link says: its platform, the post's key, and the author when the path names one."""

    platform: str | None
    url_key: str
    handle: str | None


@dataclass(frozen=True)
class _Parts:
    host: str  # lower-case, without www./m./mobile./web.
    port: str  # ":8080", or "" for the default
    path: str
    query: str


def _split(url: str) -> _Parts:
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host or " " in raw:
        raise ValueError("not a web link")
    for prefix in _HOST_VARIANTS:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    return _Parts(host, port, parts.path, parts.query)


def _platform(host: str) -> str | None:
    for domain, platform in _DOMAINS.items():
        if host == domain or host.endswith("." + domain):
            return platform
    return None


# The shapes exports write, read without urlsplit: a 200,000-row file has 200,000 links.
_EXPORTED_LINK = re.compile(
    r"(?i:https?://)?(?i:www\.|m\.)?(?:"
    r"(?i:tiktok\.com)/@(?P<tiktok>[\w.-]+)/(?P<kind>video|photo)/(?P<video>\d+)"
    r"|(?i:instagram\.com)/(?:(?P<author>[\w.]+)/)?(?:p|reels?|tv)/(?P<code>[\w-]+)"
    r"|(?:(?i:youtube\.com)/(?:watch\?v=|shorts/)|(?i:youtu\.be)/)(?P<youtube>[\w-]{11})"
    r")/?(?:\?(?:(?:utm_\w+|igsh(?:id)?|is_from_webapp|sender_device|si|feature)=[^&#]*&?)*)?"
)


def post_link(url: str) -> PostLink:
    """Read a link once: platform, canonical key and author; ValueError when it is not a link."""
    fast = _EXPORTED_LINK.fullmatch(url.strip())
    if fast and fast["video"]:
        handle = fast["tiktok"].casefold()
        key = f"https://tiktok.com/@{handle}/{fast['kind']}/{fast['video']}"
        return PostLink("tiktok", key, handle)
    if fast and fast["code"] and (fast["author"] or "").lower() not in _INSTAGRAM_NOT_HANDLES:
        author = fast["author"] and fast["author"].casefold()
        return PostLink("instagram", f"https://instagram.com/p/{fast['code']}", author)
    if fast and fast["youtube"]:
        return PostLink("youtube", f"https://youtube.com/watch?v={fast['youtube']}", None)
    parts = _split(url)
    platform = _platform(parts.host)
    return PostLink(platform, _key(parts, platform), _author(parts, platform))


def platform_of(host_or_url: str) -> str | None:
    """Name the platform a link or host belongs to (tiktok, instagram, youtube, facebook)."""
    if "/" in host_or_url:
        return _platform(_split(host_or_url).host)
    return _platform(host_or_url.lower())


def normalise_post_url(url: str) -> str:
    """Return the canonical link used as a post's key; ValueError when it is not a link."""
    return post_link(url).url_key


def _key(parts: _Parts, platform: str | None) -> str:
    path = parts.path
    if platform == "tiktok" and (match := _TIKTOK_POST.match(path)):
        return f"https://tiktok.com/@{match[1].casefold()}/{match[2]}/{match[3]}"
    if platform == "instagram" and (match := _INSTAGRAM_POST.match(path)):
        return f"https://instagram.com/p/{match[1]}"
    if platform == "youtube" and (video := _youtube_id(parts)):
        return f"https://youtube.com/watch?v={video}"
    kept = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
    ]
    return urlunsplit(
        ("https", parts.host + parts.port, path.rstrip("/"), urlencode(sorted(kept)), "")
    )


def _youtube_id(parts: _Parts) -> str | None:
    if parts.host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif match := _YOUTUBE_PATH_ID.match(parts.path):
        candidate = match[1]
    elif parts.path.rstrip("/") == "/watch":
        candidate = dict(parse_qsl(parts.query)).get("v", "")
    else:
        return None
    return candidate if _YOUTUBE_ID.fullmatch(candidate) else None


def handle_from_url(url: str) -> tuple[str, str] | None:
    """Return (platform, handle) for a profile or post link that names its author."""
    try:
        parts = _split(url)
    except ValueError:
        return None
    platform = _platform(parts.host)
    handle = _author(parts, platform)
    return (platform, handle) if platform and handle else None


def _author(parts: _Parts, platform: str | None) -> str | None:
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    first = segments[0]
    if platform in ("tiktok", "youtube") and first.startswith("@") and len(first) > 1:
        return normalise_handle(first)
    if platform == "youtube" and first in ("c", "user") and len(segments) > 1:
        return normalise_handle(segments[1])
    if platform == "instagram":
        if first == "stories" and len(segments) > 1:
            return normalise_handle(segments[1])
        if first not in _INSTAGRAM_NOT_HANDLES:
            return normalise_handle(first)
    return None


def normalise_handle(text: str) -> str:
    """Return the form handles are compared in: no @, no spaces, case-folded."""
    handle = text.strip()
    if "/" in handle:
        found = handle_from_url(handle)
        if found is None:
            raise ValueError("this link does not name an account")
        return found[1]
    handle = handle.lstrip("@").strip().casefold()
    if not handle or any(c.isspace() for c in handle):
        raise ValueError("not an account handle")
    return handle
