"""Every page and every API endpoint, tried by everyone who must not reach it.

The routes come from app.url_map, so a page added tomorrow is checked without editing
this file (a new path argument needs one test object in world.py, and the test says so).
Expected answers:
- anonymous: sent to sign in (web) or 401 (API), except the reviewed @public endpoints;
- any user of another workspace, whatever their role: 404 or 403 on every route that names
  one of A's objects, and none of A's names on the routes that name nothing (lists);
- a brand user of another brand of the same workspace: the same;
- read-only roles (viewer, brand user of the campaign's own brand): 403 or 404 on every write;
- and, so that none of this passes by accident, A's own manager opens every route (its
  pages are also checked for the security headers and for inline script or style).
"""

from __future__ import annotations

import re

import pytest

from tracker.tokens.service import create_token

from ..conftest import TEST_PASSWORD
from .world import (
    BRAND_NAME,
    CAMPAIGN_NAME,
    INFLUENCER_NAME,
    ROLES,
    build_world,
    is_object_scoped,
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
DENIED = {403, 404}
# Reviewed: reachable without signing in. A new public endpoint fails the test below until
# someone looks at it and adds it here.
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.set_language",
    "links.follow",
    "links.record_conversion",
    "reporting.asset",
    "reporting.brand_css",
    "sharing.shared",
    "sharing.shared_pdf",
    "api.openapi",
}
# Skipped by the owner check only: each renders a PDF (seconds); the same campaign id is
# proven by the campaign's other pages, and tests/reporting covers the PDF itself.
RENDERS_A_PDF = {"reporting.download"}
# Writes that concern only the signed-in user's own session or account.
SELF_SERVICE = {"auth.logout", "auth.set_language", "tokens.create"}


@pytest.fixture
def world(app, factory, session):
    return build_world(factory, session, app.config["TRACKER_REPORTS_DIR"])


def _routes(app, api: bool):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or rule.rule.startswith("/api/") != api:
            continue
        if getattr(app.view_functions[rule.endpoint], "is_public", False):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


class Visitor:
    """A signed-in browser (web) or a token-carrying script (API) acting as one user."""

    def __init__(self, app, session, user) -> None:
        self.web = app.test_client()
        self.api = app.test_client()
        self.headers = {}
        if user is not None:
            signed_in = self.web.post(
                "/login", data={"email": user.email, "password": TEST_PASSWORD}
            )
            assert signed_in.status_code == 302, f"{user.email} could not sign in"
            _row, token = create_token(session, user=user, name="access tests")
            session.commit()
            self.headers = {"Authorization": f"Bearer {token}"}

    def open(self, path: str, method: str):
        if path.startswith("/api/"):
            body = {"json": {}} if method in WRITES else {}
            return self.api.open(path, method=method, headers=self.headers, **body)
        return self.web.open(path, method=method, data={} if method in WRITES else None)


def _report(failures: list[str]) -> str:
    return f"{len(failures)} route(s) answered wrongly:\n  " + "\n  ".join(failures)


def test_public_endpoints_are_the_reviewed_ones(app):
    public = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "is_public", False)
    }

    assert public == PUBLIC_ENDPOINTS, "review the new public endpoint, then list it above"


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
def test_anonymous_visitors_must_sign_in_everywhere(app, session, world, api):
    visitor = Visitor(app, session, None)
    failures = []
    for rule, method in _routes(app, api):
        response = visitor.open(world.path_for(rule), method)
        if api:
            ok = response.status_code == 401
        else:
            ok = response.status_code == 302 and "/login" in response.headers.get("Location", "")
        if not ok:
            failures.append(f"{method} {rule.rule} → {response.status_code}")
    assert not failures, _report(failures)


def _denied_everywhere(app, visitor, world, api: bool, secrets: tuple[str, ...]) -> list[str]:
    failures = []
    for rule, method in _routes(app, api):
        path = world.path_for(rule)
        if is_object_scoped(rule):
            response = visitor.open(path, method)
            if response.status_code not in DENIED:
                failures.append(f"{method} {path} → {response.status_code} (expected 403/404)")
        elif method == "GET":
            response = visitor.open(path, method)
            body = response.get_data(as_text=True)
            leaked = [s for s in secrets if s in body]
            if response.status_code >= 500 or leaked:
                failures.append(f"GET {path} → {response.status_code}, shows {leaked}")
    return failures


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
@pytest.mark.parametrize("role", ROLES)
def test_users_of_another_workspace_reach_nothing_of_it(app, session, world, role, api):
    visitor = Visitor(app, session, world.outsiders[role])

    failures = _denied_everywhere(
        app, visitor, world, api, (CAMPAIGN_NAME, BRAND_NAME, INFLUENCER_NAME)
    )

    assert not failures, _report(failures)


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
def test_a_brand_user_reaches_nothing_of_another_brand(app, session, world, api):
    visitor = Visitor(app, session, world.a2_brand)

    failures = _denied_everywhere(
        app, visitor, world, api, (CAMPAIGN_NAME, BRAND_NAME, INFLUENCER_NAME)
    )

    assert not failures, _report(failures)


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
@pytest.mark.parametrize("who", ["viewer", "brand user of the brand"])
def test_read_only_roles_cannot_write_anything(app, session, world, who, api):
    visitor = Visitor(app, session, world.a1_viewer if who == "viewer" else world.a1_brand)
    failures = []
    for rule, method in _routes(app, api):
        if method not in WRITES or rule.endpoint in SELF_SERVICE:
            continue
        response = visitor.open(world.path_for(rule), method)
        if response.status_code not in DENIED:
            failures.append(f"{method} {rule.rule} → {response.status_code}")

    assert not failures, _report(failures)


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
def test_the_owner_opens_every_page_so_the_denials_above_mean_something(app, session, world, api):
    """A's manager reaches every route naming A's objects; pages also get their security
    checks here (headers, no inline script or style the CSP would block), rendered once."""
    visitor = Visitor(app, session, world.a1_manager)
    failures = []
    for rule, method in _routes(app, api):
        if method != "GET" or not is_object_scoped(rule) or rule.endpoint in RENDERS_A_PDF:
            continue
        response = visitor.open(world.path_for(rule), method)
        if response.status_code in (401, 403, 404) or response.status_code >= 500:
            failures.append(f"GET {rule.rule} → {response.status_code}")
        failures += [f"GET {rule.rule}: {problem}" for problem in security_problems(response)]

    assert not failures, _report(failures)


def security_problems(response) -> list[str]:
    """What in a response breaks the security defaults (tracker/security.py, COMMON.md)."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    if (
        "script-src 'self'" not in csp
        or "unsafe-inline" in csp
        or "frame-ancestors 'none'" not in csp
    ):
        problems.append(f"weak CSP {csp!r}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    problems += [
        f"{h} is {response.headers.get(h)!r}"
        for h, v in expected.items()
        if response.headers.get(h) != v
    ]
    if response.status_code == 200 and response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            if found := pattern.search(body):
                problems.append(
                    f"inline code the CSP blocks: {body[max(found.start() - 40, 0) : found.end() + 40]!r}"
                )
    return problems
