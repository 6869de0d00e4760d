"""Extensions created once at import, bound to each app in create_app()."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# No default limits: only the routes that need one (sign-in) declare it. Storage comes from
# RATELIMIT_STORAGE_URI (memory, or Redis when REDIS_URL is set).
limiter = Limiter(key_func=get_remote_address)
