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


def _split(url: str) -> tuple[str, str, str, str]:
    """Return (host without variants, port suffix, path, query) or raise ValueError."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in raw:
        raise ValueError("not a web link")
    host = parts.hostname
    for prefix in _HOST_VARIANTS:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    return host, port, parts.path, parts.query


def platform_of(host_or_url: str) -> str | None:
    """Name the platform a link or host belongs to (tiktok, instagram, youtube, facebook)."""
    host = _split(host_or_url)[0] if "/" in host_or_url else host_or_url.lower()
    for domain, platform in _DOMAINS.items():
        if host == domain or host.endswith("." + domain):
            return platform
    return None


def normalise_post_url(url: str) -> str:
    """Return the canonical link used as a post's key; ValueError when it is not a link."""
    host, port, path, query = _split(url)
    platform = platform_of(host)
    if platform == "tiktok" and (match := _TIKTOK_POST.match(path)):
        return f"https://tiktok.com/@{match[1].casefold()}/{match[2]}/{match[3]}"
    if platform == "instagram" and (match := _INSTAGRAM_POST.match(path)):
        return f"https://instagram.com/p/{match[1]}"
    if platform == "youtube" and (video := _youtube_id(host, path, query)):
        return f"https://youtube.com/watch?v={video}"
    kept = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
    ]
    return urlunsplit(("https", host + port, path.rstrip("/"), urlencode(sorted(kept)), ""))


def _youtube_id(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
    elif match := _YOUTUBE_PATH_ID.match(path):
        candidate = match[1]
    elif path.rstrip("/") == "/watch":
        candidate = dict(parse_qsl(query)).get("v", "")
    else:
        return None
    return candidate if _YOUTUBE_ID.fullmatch(candidate) else None


def handle_from_url(url: str) -> tuple[str, str] | None:
    """Return (platform, handle) for a profile or post link that names its author."""
    try:
        host, _, path, _ = _split(url)
    except ValueError:
        return None
    platform = platform_of(host)
    segments = [s for s in path.split("/") if s]
    if not segments:
        return None
    first = segments[0]
    if platform in ("tiktok", "youtube") and first.startswith("@") and len(first) > 1:
        return platform, normalise_handle(first)
    if platform == "youtube" and first in ("c", "user") and len(segments) > 1:
        return platform, normalise_handle(segments[1])
    if platform == "instagram":
        if first == "stories" and len(segments) > 1:
            return platform, normalise_handle(segments[1])
        if first not in _INSTAGRAM_NOT_HANDLES:
            return platform, normalise_handle(first)
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
