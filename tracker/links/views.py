"""Tracked links (/l/<code>), the conversion endpoint, and the campaign's tracking page."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from .. import analytics
from ..access import can_write, get_campaign_or_404, public
from ..api.errors import ApiError, api_error_response, from_validation
from ..audit import record as audit
from ..db import get_session
from ..extensions import csrf
from ..models import Conversion, utcnow
from . import hotpath, service
from .schemas import ConversionRequest, ConversionResponse

bp = Blueprint("links", __name__)

MAX_CONVERSION_BODY = 16 * 1024


@bp.get("/l/<code>")
@public
def follow(code: str) -> Response | tuple[str, int]:
    """Record the click, then send the visitor on to the campaign's page with UTM parameters.

    An active link's clicks are answered before Flask (tracker/links/hotpath.py); this view
    answers what that leaves: unknown and inactive links, and any click it could not record.
    """
    answer, target = hotpath.click_answer(
        current_app,
        code,
        method=request.method,
        headers=request.headers,
        ip=request.remote_addr or "",
    )
    if answer is not None:
        return Response(status=answer.status, headers=answer.headers)
    if target is None:
        return _unavailable(_("This link does not exist."), 404)
    return _unavailable(_("This link is not active: its campaign has no destination page."), 404)


def _unavailable(message: str, status: int) -> tuple[str, int]:
    return render_template("links/unavailable.html", message=message, status=status), status


# ---------------------------------------------------------------------------- conversions


def _error(exc: ApiError, www_authenticate: str | None = None) -> Response:
    """The JSON API's error body ({error, message, fields}), never cached."""
    response = api_error_response(exc)
    if www_authenticate is not None:
        response.headers["WWW-Authenticate"] = www_authenticate
    response.headers["Cache-Control"] = hotpath.NO_STORE
    return response


def _secret_from_headers() -> str:
    authorization = request.headers.get("Authorization", "")
    scheme, _sep, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("X-Tracker-Secret", "").strip()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def conversion_body(conversion: Conversion, duplicate: bool) -> dict[str, Any]:
    """The JSON of a recorded conversion, amount as an exact decimal string."""
    return ConversionResponse(
        id=conversion.id,
        campaign_id=conversion.campaign_id,
        order_id=conversion.order_id,
        amount=_decimal_text(conversion.amount),
        currency=conversion.currency,
        occurred_at=conversion.occurred_at,
        attributed_by=conversion.attributed_by,
        participation_id=conversion.participation_id,
        promo_code=conversion.promo_code,
        click_id=conversion.click_id,
        duplicate=duplicate,
    ).model_dump(mode="json")


def _decimal_text(value: Decimal) -> str:
    """19.9900 → "19.99", 20 → "20.00", 1.2345 → "1.2345": stored scale without padding zeros."""
    text = format(value.normalize(), "f")
    whole, _dot, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


@bp.post("/api/v1/conversions")
@public
@csrf.exempt
def record_conversion() -> Response:
    """Record an order reported by the shop, authenticated by the campaign's conversion secret."""
    secret = _secret_from_headers()
    if not secret:
        return _error(
            ApiError(
                401,
                "Send the campaign's conversion secret as 'Authorization: Bearer <secret>' "
                "or in an X-Tracker-Secret header.",
            ),
            www_authenticate="Bearer",
        )
    db = get_session()
    campaign = service.campaign_for_secret(db, secret)
    if campaign is None:
        return _error(
            ApiError(
                401,
                "The conversion secret is unknown: it may have been replaced on the "
                "campaign's Tracked links page.",
                error="invalid_token",
            ),
            www_authenticate='Bearer error="invalid_token"',
        )

    too_large = ApiError(
        413,
        f"The body is larger than {MAX_CONVERSION_BODY} bytes.",
        {"(body)": f"is larger than {MAX_CONVERSION_BODY} bytes"},
    )
    if (request.content_length or 0) > MAX_CONVERSION_BODY:
        return _error(too_large)
    raw = request.stream.read(MAX_CONVERSION_BODY + 1)
    if len(raw) > MAX_CONVERSION_BODY:
        return _error(too_large)
    try:
        # Decimal straight from the JSON text: 19.99 must never pass through a binary float.
        payload = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(ApiError(400, "The body is not valid JSON.", {"(body)": str(exc)}))
    if not isinstance(payload, dict):
        return _error(
            ApiError(400, "The body must be a JSON object.", {"(body)": "is not an object"})
        )
    try:
        data = ConversionRequest.model_validate(payload)
    except ValidationError as exc:
        return _error(from_validation(exc))
    try:
        conversion, duplicate = service.record_conversion(
            db, campaign, data, secret_key=current_app.config["SECRET_KEY"]
        )
    except service.ConversionRejected as exc:
        return _error(ApiError(422, "The conversion cannot be recorded.", {exc.field: exc.reason}))
    if not duplicate:
        db.commit()
    response = current_app.json.response(conversion_body(conversion, duplicate))
    response.status_code = 200 if duplicate else 201
    response.headers["Cache-Control"] = hotpath.NO_STORE
    return response


# ---------------------------------------------------------------------------- tracking page


@bp.get("/campaigns/<int:campaign_id>/tracking")
def tracking(campaign_id: int) -> str:
    """Show the campaign's tracked links and, to managers, how a shop reports conversions."""
    db = get_session()
    campaign = get_campaign_or_404(campaign_id)
    rows = analytics.participation_rows(db, campaign)
    summary = analytics.campaign_summary(db, campaign, today=utcnow().date())
    destination_ok = service.is_web_address(campaign.destination_url)
    links = [
        {
            "row": row,
            "url": url_for("links.follow", code=row.link_code, _external=True),
            "landing": service.landing_url(
                campaign.destination_url,
                platform=row.platform,
                campaign_slug=campaign.slug,
                link_code=row.link_code,
            )
            if destination_ok
            else None,
        }
        for row in rows
    ]
    return render_template(
        "links/tracking.html",
        campaign=campaign,
        links=links,
        summary=summary,
        destination_ok=destination_ok,
        endpoint=url_for("links.record_conversion", _external=True),
        show_secret=current_user.can_write,
    )


@bp.post("/campaigns/<int:campaign_id>/tracking/secret")
@can_write
def rotate_secret(campaign_id: int) -> Response:
    """Issue a new conversion secret; the shop must be given the new one."""
    db = get_session()
    campaign = get_campaign_or_404(campaign_id)
    had_secret = campaign.conversion_secret is not None
    service.rotate_conversion_secret(db, campaign)
    audit(
        db,
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        action="update",
        entity="campaign",
        entity_id=campaign.id,
        detail={"conversion_secret": "rotated" if had_secret else "created"},
    )
    db.commit()
    flash(
        _("New conversion secret created: give it to the shop; the old one no longer works.")
        if had_secret
        else _("Conversion secret created.")
    )
    return redirect(url_for("links.tracking", campaign_id=campaign.id))
