"""The API's self-description and the caller's identity."""

from __future__ import annotations

import json

from flask import Response, g
from flask_login import current_user

from ..db import get_session
from ..models import Workspace
from .blueprint import api
from .schemas.common import Schema


class WorkspacePublic(Schema):
    id: int
    name: str
    slug: str


class MePublic(Schema):
    """The token's user: every request acts with this role, in this workspace (and brand)."""

    id: int
    email: str
    name: str
    role: str
    brand_id: int | None
    workspace: WorkspacePublic
    token_name: str
    token_prefix: str


@api.get("/openapi.json", summary="This API's OpenAPI 3.1 document", tag="meta", public=True)
def openapi() -> Response:
    """Serve the document generated from the routes' own models (no token needed)."""
    # Not through app.json: it sorts keys, and the document reads better in declared order.
    return Response(json.dumps(api.openapi(), ensure_ascii=False), mimetype="application/json")


@api.get("/me", response=MePublic, summary="Who the token acts as", tag="meta")
def me() -> MePublic:
    workspace = get_session().get(Workspace, current_user.workspace_id)
    return MePublic(
        id=current_user.id,
        email=current_user.email,
        name=current_user.name,
        role=current_user.role,
        brand_id=current_user.brand_id,
        workspace=WorkspacePublic.model_validate(workspace, from_attributes=True),
        token_name=g.api_token.name,
        token_prefix=g.api_token.prefix,
    )
