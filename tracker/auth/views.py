from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ..access import LoginUser, public
from ..db import get_session
from .forms import LoginForm
from .service import authenticate

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = authenticate(db, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong email or password."))
        else:
            db.commit()
            session.permanent = True
            login_user(LoginUser(user))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    """Only follow local paths after login, never another host."""
    if (
        target
        and target.startswith("/")
        and not urlsplit(target).netloc
        and not target.startswith("//")
    ):
        return target
    return url_for("campaigns.index")
