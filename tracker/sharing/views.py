"""Share links: managers create and revoke them; a brand opens one without an account.

A link shows the web version of one campaign's recap and its PDF, and nothing else.
Unknown, revoked and expired tokens all answer the same 404, so a link that stopped
working tells nothing about why.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import can_write, get_campaign_or_404, public
from ..currency import MissingRateError
from ..db import get_session
from ..extensions import limiter
from ..models import ShareLink
from ..reporting import build_recap, recap_filename, recap_pdf
from ..reporting.web import pdf_response, recap_page
from .forms import ShareLinkForm
from .service import campaign_links, create_share_link, resolve_share_token, revoke_share_link
from .service import status as link_status

bp = Blueprint("sharing", __name__)

# What a public recap response must not leak or let others keep.
PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",  # the token must not leave through links in the recap
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "private, no-store",
}


def _manage_page(campaign, form: ShareLinkForm, new_url: str | None = None, status: int = 200):
    links = campaign_links(get_session(), campaign)
    return render_template(
        "sharing/index.html",
        campaign=campaign,
        form=form,
        links=[(link, link_status(link)) for link in links],
        new_url=new_url,
    ), status


@bp.get("/campaigns/<int:campaign_id>/share")
@can_write
def index(campaign_id: int):
    """The campaign's share links and the form to create one."""
    campaign = get_campaign_or_404(campaign_id)
    return _manage_page(campaign, ShareLinkForm(locale=campaign.locale))


@bp.post("/campaigns/<int:campaign_id>/share")
@can_write
def create(campaign_id: int):
    """Create a link and show its address once: only its hash is kept."""
    db = get_session()
    campaign = get_campaign_or_404(campaign_id)
    form = ShareLinkForm()
    if not form.validate_on_submit():
        return _manage_page(campaign, form, status=400)
    _link, token = create_share_link(
        db,
        campaign=campaign,
        locale=form.locale.data,
        expires_on=form.expires_on.data,
        created_by=current_user.id,
    )
    db.commit()
    new_url = url_for("sharing.shared", token=token, _external=True)
    # Rendered, not redirected: the address must not travel through the session cookie.
    response, status = _manage_page(campaign, ShareLinkForm(locale=campaign.locale), new_url, 201)
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/campaigns/<int:campaign_id>/share/<int:link_id>/revoke")
@can_write
def revoke(campaign_id: int, link_id: int):
    """Revoke a link: it answers 404 from now on."""
    db = get_session()
    campaign = get_campaign_or_404(campaign_id)
    link = db.get(ShareLink, link_id)
    if link is None or link.campaign_id != campaign.id:
        abort(404)
    revoke_share_link(db, link)
    db.commit()
    flash(_("The link is revoked: it no longer opens the recap."), "success")
    return redirect(url_for("sharing.index", campaign_id=campaign.id))


def _shared_recap(token: str):
    db = get_session()
    found = resolve_share_token(db, token)
    if found is None:
        abort(404)
    link, campaign = found
    try:
        return link, campaign, build_recap(db, campaign, link.locale, today=date.today())
    except MissingRateError:
        abort(503)


@bp.get("/share/<token>")
@public
def shared(token: str):
    """The web version of the shared campaign's recap."""
    _link, _campaign, recap = _shared_recap(token)
    html = recap_page(recap, pdf_url=url_for("sharing.shared_pdf", token=token))
    return html, 200, PRIVATE_HEADERS


@bp.get("/share/<token>/recap.pdf")
@public
@limiter.limit("20 per minute")
def shared_pdf(token: str):
    """The shared campaign's recap as a PDF."""
    _link, campaign, recap = _shared_recap(token)
    response = pdf_response(
        recap_pdf(recap), recap_filename(recap.brand, campaign, recap.locale, recap.today)
    )
    response.headers.update(PRIVATE_HEADERS)
    return response
