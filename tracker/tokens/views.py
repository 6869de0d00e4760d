"""The user's personal API tokens: create (shown once) and revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..models import User
from .forms import TokenForm
from .service import create_token, revoke_token, user_tokens

bp = Blueprint("tokens", __name__, url_prefix="/settings/tokens")


@bp.get("")
def index():
    """List the user's tokens, with the form to create one."""
    return _page(TokenForm(), new_token=None)


@bp.post("")
def create():
    """Create a token and show it on this response only: it is never stored or shown again."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, new_token=None), 400
    db = get_session()
    user = db.get(User, current_user.id)
    row, token = create_token(db, user=user, name=form.name.data)
    db.commit()
    # Rendered, not redirected: a redirect would have to carry the token in the session cookie.
    response = make_response(_page(TokenForm(formdata=None), new_token=token, new_row=row))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    db = get_session()
    row = revoke_token(db, user_id=current_user.id, token_id=token_id)
    if row is None:
        abort(404)
    db.commit()
    flash(_("Token “%(name)s” revoked: scripts using it are now refused.", name=row.name), "info")
    return redirect(url_for("tokens.index"))


def _page(form: TokenForm, new_token: str | None, new_row=None):
    tokens = user_tokens(get_session(), current_user.id)
    return render_template(
        "tokens/index.html", form=form, tokens=tokens, new_token=new_token, new_row=new_row
    )
