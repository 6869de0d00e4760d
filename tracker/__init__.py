"""The tracker: an influencer campaign ROI tracker."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import access, db, errors, layout, security, templating
from .config import PROJECT_ROOT, from_environment, trusted_proxies
from .extensions import babel, csrf, limiter, login_manager
from .i18n import compile_catalogs, select_locale
from .jobs import service as jobs_service
from .links.hotpath import TrackedLinks


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: configuration, extensions, blueprints, commands."""
    # Templates live at the top of the repository, beside migrations/ and reports/.
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    # Inside ProxyFix, so a click's visitor is hashed from the client's address.
    app.wsgi_app = TrackedLinks(app, app.wsgi_app)
    proxies = trusted_proxies(app.config["TRACKER_TRUSTED_PROXIES"])
    if proxies:
        # Behind n proxies the client is the n-th address from the right of X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    compile_catalogs([Path(d) for d in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")])
    babel.init_app(app, locale_selector=select_locale)
    access.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    layout.init_app(app)
    errors.init_app(app)
    jobs_service.init_app(app)

    from .api import bp as api_bp
    from .auditlog.views import bp as auditlog_bp
    from .auth.views import bp as auth_bp
    from .brands.views import bp as brands_bp
    from .campaigns.views import bp as campaigns_bp
    from .dashboard.views import bp as dashboard_bp
    from .imports.views import bp as imports_bp
    from .influencers.views import bp as influencers_bp
    from .jobs.views import bp as jobs_bp
    from .links.views import bp as links_bp
    from .reporting.views import bp as reporting_bp
    from .results.views import bp as results_bp
    from .sharing.views import bp as sharing_bp
    from .spend.views import bp as spend_bp
    from .tokens.views import bp as tokens_bp
    from .workspace.views import bp as workspace_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(auditlog_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(brands_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(influencers_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(links_bp)
    app.register_blueprint(spend_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(reporting_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(workspace_bp)
    return app
