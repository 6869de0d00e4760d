"""Signing in and out, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import login_user, logout_user

from ..access import LoginUser, public
from ..db import get_session
from ..extensions import limiter
from .forms import LoginForm
from .service import authenticate

bp = Blueprint("auth", __name__)


def _login_key() -> str:
    """One budget of attempts per address and email, so one user cannot lock out another."""
    email = (request.form.get("email") or "").strip().lower()
    return f"login|{get_remote_address()}|{email}"


def _login_limit() -> str:
    return current_app.config["TRACKER_LOGIN_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    _login_limit,
    key_func=_login_key,
    methods=["POST"],
    # Only failed attempts use the budget: a successful sign-in redirects.
    deduct_when=lambda response: response.status_code != 302,
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = authenticate(db, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong email or password."))
        else:
            db.commit()
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(LoginUser(user))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def render_login_limited():
    """The sign-in page again, saying why nothing was checked (answered with 429)."""
    form = LoginForm()
    form.email.data = request.form.get("email", "")
    message = _("Too many sign-in attempts. Wait a minute, then try again.")
    return render_template("auth/login.html", form=form, limited=message), 429


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/lang")
@public
def set_language():
    """Remember the chosen language for this session, then go back where the user was."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next"), default=url_for("campaigns.index")))


def _safe_next(target: str | None, default: str | None = None) -> str:
    """Only follow local paths, never another host."""
    if (
        target
        and target.startswith("/")
        and not urlsplit(target).netloc
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return default or url_for("campaigns.index")
