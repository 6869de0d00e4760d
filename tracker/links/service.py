"""Tracked links and conversions: the redirect's hot path, visitor hashing, attribution.

The redirect is the busiest route of the app (every click of every creator's audience), so it
does no ORM work: the code → destination mapping is cached per process, and the click is one
INSERT, committed at once, that also checks the cached mapping is still the link's (so an
edited destination applies from the next click, in every process).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, insert
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable
from sqlmodel import Session, select
from werkzeug.urls import iri_to_uri

from ..models import Campaign, Click, Conversion, Participation, utcnow
from .direct import DirectStatement
from .schemas import ConversionRequest

UTM_MEDIUM = "influencer"  # the scheme; docs/tracking.md says what GA4 makes of it
CLICK_ID_PARAM = "tclid"
# Parameters the link sets itself; a destination that already carries them gets ours instead.
_OWN_PARAMS = frozenset({"utm_source", "utm_medium", "utm_campaign", "utm_content", CLICK_ID_PARAM})
_LINK_CACHE_SIZE = 50_000
MAX_LINK_CODE_LENGTH = 16
CONVERSION_SECRET_MAX_LENGTH = 64
FUTURE_TOLERANCE = timedelta(days=1)  # shop clocks drift; a week ahead is a wrong date


# ---------------------------------------------------------------------------- destination URLs


def is_web_address(url: str | None) -> bool:
    """Tell whether a destination is an absolute http(s) address a browser may be sent to."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def utm_parameters(*, platform: str, campaign_slug: str, link_code: str) -> dict[str, str]:
    """The UTM parameters of a participation's tracked link, in GA4's lower-case form."""
    return {
        "utm_source": platform.lower(),
        "utm_medium": UTM_MEDIUM,
        "utm_campaign": campaign_slug.lower(),
        "utm_content": link_code,
    }


def _split_destination(destination: str, params: dict[str, str]) -> tuple[str, str]:
    """(prefix, fragment): prefix is the destination with `params` and ends with "tclid=".

    The destination's own query parameters are kept byte for byte, in order; only the ones
    the link sets itself are replaced.
    """
    parts = urlsplit(iri_to_uri(destination.strip()))
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and unquote_plus(piece.split("=", 1)[0]) not in _OWN_PARAMS
    ]
    added = [f"{key}={quote(value, safe='')}" for key, value in params.items()]
    query = "&".join([*kept, *added, f"{CLICK_ID_PARAM}="])
    prefix = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
    return prefix, (f"#{parts.fragment}" if parts.fragment else "")


def landing_url(
    destination: str,
    *,
    platform: str,
    campaign_slug: str,
    link_code: str,
    tclid: str | None = None,
) -> str:
    """The address a visitor lands on (without a click id: what the tracking page shows)."""
    params = utm_parameters(platform=platform, campaign_slug=campaign_slug, link_code=link_code)
    prefix, fragment = _split_destination(destination, params)
    if tclid is None:
        prefix = prefix[: -len(f"&{CLICK_ID_PARAM}=")]
        return prefix + fragment
    return f"{prefix}{tclid}{fragment}"


# ---------------------------------------------------------------------------- link lookup


@dataclass(frozen=True)
class LinkTarget:
    """What a link code leads to, and the row values it was built from.

    `prefix` is None when the campaign has no usable destination.
    """

    participation_id: int
    code: str
    platform: str
    campaign_slug: str
    destination: str | None
    timezone: str
    prefix: str | None
    fragment: str
    zone: ZoneInfo

    def location(self, tclid: str) -> str:
        """The landing URL of one click; `tclid` is its signed id (click_token)."""
        assert self.prefix is not None
        return f"{self.prefix}{tclid}{self.fragment}"

    def local_day(self, moment: datetime) -> date:
        """The click's day in the campaign's time zone (the day unique visitors are counted on)."""
        return moment.astimezone(self.zone).date()


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _lookup(engine: Engine, code: str) -> LinkTarget | None:
    query = (
        select(
            Participation.id,
            Participation.link_code,
            Participation.platform,
            Campaign.slug,
            Campaign.destination_url,
            Campaign.timezone,
        )
        .join(Campaign, Campaign.id == Participation.campaign_id)
        .where(Participation.link_code == code)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    pid, link_code, platform, slug, destination, zone = row
    prefix, fragment = None, ""
    if is_web_address(destination):
        params = utm_parameters(platform=platform, campaign_slug=slug, link_code=link_code)
        prefix, fragment = _split_destination(destination, params)
    return LinkTarget(
        pid, link_code, platform, slug, destination, zone, prefix, fragment, _zone(zone)
    )


def resolve(engine: Engine, code: str) -> LinkTarget | None:
    """Find a link code; codes are generated lower-case, so a code typed in capitals works too."""
    if not code or len(code) > MAX_LINK_CODE_LENGTH or not code.isalnum() or not code.isascii():
        return None
    target = _lookup(engine, code)
    if target is None and code != code.lower():
        target = _lookup(engine, code.lower())
    return target


def _insert_click_statement() -> Executable:
    """INSERT one click, but only while the link still has the values its target was built from.

    The check costs two primary-key lookups inside the INSERT; no row comes back when the
    participation was removed or its code, platform, campaign slug, destination or time zone
    changed since the target was cached.
    """
    part, campaign, click = Participation.__table__, Campaign.__table__, Click.__table__
    values = ("clicked_at", "day", "visitor_hash", "ua_class")
    checked = core_select(
        part.c.id, *(bindparam(name, type_=click.c[name].type) for name in values)
    ).join_from(part, campaign, campaign.c.id == part.c.campaign_id)
    checked = checked.where(
        part.c.id == bindparam("participation_id"),
        part.c.link_code == bindparam("code"),
        part.c.platform == bindparam("platform"),
        campaign.c.slug == bindparam("campaign_slug"),
        campaign.c.destination_url == bindparam("destination"),
        campaign.c.timezone == bindparam("timezone"),
    )
    return insert(click).from_select(["participation_id", *values], checked).returning(click.c.id)


_INSERT_CLICK = _insert_click_statement()


class LinkCache:
    """Link code → active target, per process: most clicks then need no lookup.

    Entries never go stale unnoticed: the click INSERT only writes while the link's rows still
    hold the values the entry was built from (record_link_click). Unknown codes and links
    without a destination are not cached, so a new link or a new destination works at once.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.insert_click = DirectStatement(engine, _INSERT_CLICK)
        self._entries: dict[str, LinkTarget] = {}
        self._lock = threading.Lock()

    def get(self, code: str) -> LinkTarget | None:
        target = self._entries.get(code)
        if target is not None:
            return target
        target = resolve(self.engine, code)
        if target is not None and target.prefix is not None:
            with self._lock:
                if len(self._entries) >= _LINK_CACHE_SIZE:
                    self._entries.clear()
                self._entries[code] = target
        return target

    def forget(self, code: str) -> None:
        with self._lock:
            self._entries.pop(code, None)


# ---------------------------------------------------------------------------- clicks


@lru_cache(maxsize=16)
def _day_key(secret_key: str, day: date) -> bytes:
    return hmac.new(
        secret_key.encode(), b"tracker.links.visitor:" + day.isoformat().encode(), hashlib.sha256
    ).digest()


def visitor_hash(secret_key: str, day: date, ip: str, user_agent: str) -> str:
    """A visitor's pseudonym for one day: HMAC-SHA256 of IP and user agent under a daily key.

    The key is derived from SECRET_KEY and the day, so the IP cannot be recovered by hashing
    candidate addresses without the secret, and one visitor's hashes on two days cannot be joined.
    """
    message = f"{ip}\n{user_agent}".encode("utf-8", "replace")
    return hmac.new(_day_key(secret_key, day), message, hashlib.sha256).hexdigest()


def record_click(
    cache: LinkCache, target: LinkTarget, *, visitor: str, ua_class: str, at: datetime, day: date
) -> int | None:
    """Insert one click through `target` and commit; return its id (the tclid's number).

    None, and nothing written, when the link changed since `target` was looked up.
    """
    rows = cache.insert_click.rows(
        {
            "clicked_at": at,
            "day": day,
            "visitor_hash": visitor,
            "ua_class": ua_class,
            "participation_id": target.participation_id,
            "code": target.code,
            "platform": target.platform,
            "campaign_slug": target.campaign_slug,
            "destination": target.destination,
            "timezone": target.timezone,
        },
    )
    return int(rows[0][0]) if rows else None


def record_link_click(
    cache: LinkCache,
    code: str,
    *,
    secret_key: str,
    ip: str,
    user_agent: str,
    ua_class: str,
    at: datetime,
) -> tuple[LinkTarget | None, int | None]:
    """Record a click through link `code` at `at`; return (target, click id).

    The target is None for an unknown code; the click id is None, and nothing is recorded, when
    the link's campaign has no usable destination.
    """
    for _attempt in range(3):
        target = cache.get(code)
        if target is None or target.prefix is None:
            return target, None
        day = target.local_day(at)
        visitor = visitor_hash(secret_key, day, ip, user_agent)
        click_id = record_click(cache, target, visitor=visitor, ua_class=ua_class, at=at, day=day)
        if click_id is not None:
            return target, click_id
        cache.forget(code)  # the cached target is out of date: look the link up again
    raise RuntimeError(f"link {code!r} changed on every attempt to record a click")


# ---------------------------------------------------------------------------- click ids

# The tclid a landing URL carries is "<click id>.<signature>": the signature is the first
# CLICK_SIGNATURE_LENGTH characters (96 bits) of base64url(HMAC-SHA256(key, "<click id>")), the
# key derived from SECRET_KEY. A visitor who edits the number cannot sign the new one, so they
# cannot claim another person's click (the row ids stay sequential; only the token is checked).
CLICK_SIGNATURE_LENGTH = 16
_CLICK_TOKEN = re.compile(rf"([0-9]{{1,19}})\.([A-Za-z0-9_-]{{{CLICK_SIGNATURE_LENGTH}}})")


class InvalidClickToken(ValueError):
    """A click id that this server did not issue: malformed, unsigned, or altered."""


@lru_cache(maxsize=4)
def _click_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"tracker.links.click-id", hashlib.sha256).digest()


def _click_signature(secret_key: str, click_id: int) -> str:
    digest = hmac.new(_click_key(secret_key), str(click_id).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:CLICK_SIGNATURE_LENGTH]


def click_token(secret_key: str, click_id: int) -> str:
    """The tclid of a click: its id and a signature only this server can compute."""
    return f"{click_id}.{_click_signature(secret_key, click_id)}"


def click_id_from_token(secret_key: str, token: str) -> int:
    """The click id a tclid stands for, if this server signed it; else InvalidClickToken.

    A bare number (the unsigned ids of earlier versions, or one typed by hand) is refused too.
    """
    match = _CLICK_TOKEN.fullmatch(token.strip())
    if match is None:
        raise InvalidClickToken(
            "is not a click id of this tracker: send the tclid value of the landing URL "
            "unchanged (digits, a dot and a signature, e.g. 48213.hG4kT0pX9qLm2cVb)"
        )
    click_id = int(match.group(1))
    # Only ids this server signed pass, so a valid signature also bounds the id.
    if not hmac.compare_digest(_click_signature(secret_key, click_id), match.group(2)):
        raise InvalidClickToken("was altered: its signature does not match")
    return click_id


# ---------------------------------------------------------------------------- conversions


class ConversionRejected(ValueError):
    """Input that parsed but cannot be recorded; `field` names the culprit for the JSON body."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def campaign_for_secret(session: Session, secret: str) -> Campaign | None:
    """The campaign whose conversion secret this is, compared in constant time."""
    if not secret or len(secret) > CONVERSION_SECRET_MAX_LENGTH:
        return None
    campaign = session.exec(select(Campaign).where(Campaign.conversion_secret == secret)).first()
    if campaign is None or campaign.conversion_secret is None:
        return None
    if not hmac.compare_digest(campaign.conversion_secret.encode(), secret.encode()):
        return None
    return campaign


def rotate_conversion_secret(session: Session, campaign: Campaign) -> str:
    """Give the campaign a new conversion secret; the old one stops working at once."""
    campaign.conversion_secret = secrets.token_urlsafe(24)
    session.add(campaign)
    session.flush()
    return campaign.conversion_secret


def _existing(session: Session, campaign_id: int, order_id: str) -> Conversion | None:
    return session.exec(
        select(Conversion).where(
            Conversion.campaign_id == campaign_id, Conversion.order_id == order_id
        )
    ).first()


def _participation_for_code(session: Session, campaign_id: int, code: str) -> Participation | None:
    # A handful of codes per campaign: compare casefolded in Python (SQL's upper() is ASCII-only).
    wanted = code.strip().casefold()
    for participation in session.exec(
        select(Participation).where(
            Participation.campaign_id == campaign_id, Participation.promo_code.is_not(None)
        )
    ):
        if participation.promo_code.strip().casefold() == wanted:
            return participation
    return None


def _click_of_campaign(session: Session, campaign_id: int, click_id: int) -> tuple[int, int] | None:
    row = session.exec(
        select(Click.id, Click.participation_id)
        .join(Participation, Participation.id == Click.participation_id)
        .where(Click.id == click_id, Participation.campaign_id == campaign_id)
    ).first()
    return None if row is None else (row[0], row[1])


def record_conversion(
    session: Session,
    campaign: Campaign,
    data: ConversionRequest,
    *,
    secret_key: str,
    now: datetime | None = None,
) -> tuple[Conversion, bool]:
    """Record an order for the campaign once; return (conversion, duplicate).

    Attribution: the promo code when it is one of this campaign's, else the click when it is
    one of this campaign's. The click id must carry this server's signature (`secret_key`):
    an altered or unsigned one is refused, never used. A promo code the campaign does not know
    is kept on the record when a click attributes the order; with nothing to attribute to, the
    order is refused. The same order id again returns the first record untouched (first
    report wins), also when two reports race: the unique constraint decides and the loser
    reads the winner's row.
    """
    now = now or utcnow()
    existing = _existing(session, campaign.id, data.order_id)
    if existing is not None:
        return existing, True

    occurred_at = data.occurred_at or now
    occurred_at = (
        occurred_at.replace(tzinfo=UTC) if occurred_at.tzinfo is None else occurred_at
    ).astimezone(UTC)
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ConversionRejected("occurred_at", "is in the future")

    click = None
    if data.click_id is not None:
        try:
            click_id = click_id_from_token(secret_key, data.click_id)
        except InvalidClickToken as exc:
            raise ConversionRejected("click_id", str(exc)) from exc
        click = _click_of_campaign(session, campaign.id, click_id)
        if click is None:
            raise ConversionRejected("click_id", "is not a click on this campaign's links")
    by_code = (
        _participation_for_code(session, campaign.id, data.promo_code) if data.promo_code else None
    )
    if by_code is not None:
        participation_id, attributed_by = by_code.id, "promo_code"
    elif click is not None:
        participation_id, attributed_by = click[1], "click"
    elif data.promo_code:
        raise ConversionRejected("promo_code", "is not a promo code of this campaign")
    else:
        raise ConversionRejected("promo_code", "give promo_code or click_id to attribute the order")

    conversion = Conversion(
        campaign_id=campaign.id,
        participation_id=participation_id,
        order_id=data.order_id,
        amount=data.amount,
        currency=data.currency,
        occurred_at=occurred_at,
        attributed_by=attributed_by,
        promo_code=by_code.promo_code if by_code is not None else data.promo_code,
        click_id=click[0] if click is not None else None,
        source="endpoint",
    )
    session.add(conversion)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = _existing(session, campaign.id, data.order_id)
        if existing is None:
            raise
        return existing, True
    return conversion, False
