"""One decorator per API route: it validates, authorises, commits, and documents.

`@api.get(...)` / `@api.post(...)` record each route's method, path, query, body and
response models, then the OpenAPI document is generated from that record with the same
pydantic models that validate requests, so the two cannot drift apart.

A decorated view receives, as keyword arguments:
- the objects named by its path (`/campaigns/<int:campaign_id>` gives `campaign`), already
  loaded and scoped to the caller's workspace and brand by `scope.LOADERS` (404 otherwise);
- `query`, the parsed query string, when the route declares a `query` model;
- `body`, the parsed JSON body, when it declares a `body` model.
It returns an instance of its `response` model (or a Flask Response for files, and for the
answers of `other_successes`, whose status it chooses). Writes are committed here, once,
together with the Idempotency-Key record when the client sent one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import Blueprint, Response, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from sqlalchemy.exc import IntegrityError

from ..db import get_session
from . import idempotency
from .errors import ApiError, from_validation, json_response
from .schemas.common import MAX_BIGINT, ErrorBody

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
WRITE_ROLES = ("admin", "manager")
ALL_ROLES = ("admin", "manager", "viewer", "brand")
REF = "#/components/schemas/{model}"
_RULE_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")

ERROR_STATUSES = {
    400: "The request is malformed (not JSON, or a bad header).",
    401: "No token, or an unknown or revoked one.",
    403: "The token's role may not do this.",
    404: "No such object in the caller's workspace (or brand).",
    409: "Conflicts with existing data, or an Idempotency-Key reused with another request.",
    422: "Invalid fields; `fields` names each one with its reason.",
}


@dataclass(frozen=True)
class Success:
    """A success answer besides an operation's main one: when it is sent, and its body."""

    description: str
    model: type[BaseModel] | None = None  # None: the main answer's body


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    roles: tuple[str, ...] = ALL_ROLES
    public: bool = False
    media_type: str = "application/json"  # of the success response
    request_media_type: str = "application/json"
    extra_responses: dict[int, str] = field(default_factory=dict)  # more errors
    other_successes: dict[int, Success] = field(default_factory=dict)  # status → answer
    parameters: list[dict[str, Any]] = field(default_factory=list)  # documented by hand (files)
    security: list[dict[str, list[str]]] | None = None  # None: the API token
    error_model: type[BaseModel] = ErrorBody

    @property
    def write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def path(self) -> str:
        """The OpenAPI path: /campaigns/<int:campaign_id> → /campaigns/{campaign_id}."""
        return _RULE_ARG.sub(r"{\2}", self.rule)


class Api:
    """The operations of one blueprint, and the OpenAPI document describing them."""

    def __init__(self, blueprint: Blueprint, *, title: str, version: str, description: str) -> None:
        self.blueprint = blueprint
        self.title = title
        self.version = version
        self.description = description
        self.operations: list[Operation] = []
        self.loaders: dict[str, tuple[str, Callable[[int], Any]]] = {}
        self._document: dict[str, Any] | None = None

    # ------------------------------------------------------------------ declaring routes

    def loader(self, arg: str, name: str) -> Callable[[Callable[[int], Any]], Callable[[int], Any]]:
        """Register how a path argument (`campaign_id`) becomes a scoped object (`campaign`)."""

        def decorator(load: Callable[[int], Any]) -> Callable[[int], Any]:
            self.loaders[arg] = (name, load)
            return load

        return decorator

    def route(self, method: str, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        def decorator(view: Callable) -> Callable:
            roles = options.pop("roles", None)
            if roles is None:
                roles = WRITE_ROLES if method in WRITE_METHODS else ALL_ROLES
            op = Operation(
                method=method, rule=rule, endpoint=view.__name__, roles=tuple(roles), **options
            )
            if any(o.endpoint == op.endpoint for o in self.operations):
                raise ValueError(f"two API views are named {op.endpoint!r}: names are operationIds")
            for _conv, arg in _RULE_ARG.findall(rule):
                if arg not in self.loaders:
                    raise LookupError(f"{rule}: no scope loader for path argument {arg!r}")
            wrapped = self._wrap(op, view)
            if op.public:
                wrapped.is_public = True  # type: ignore[attr-defined]
            self.blueprint.add_url_rule(rule, op.endpoint, wrapped, methods=[method])
            self.operations.append(op)
            self._document = None
            return view

        return decorator

    def get(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("GET", rule, **options)

    def post(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("POST", rule, **options)

    def put(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("PUT", rule, **options)

    def patch(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("PATCH", rule, **options)

    def delete(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self.route("DELETE", rule, **options)

    def document_external(self, op: Operation) -> None:
        """Describe a route another blueprint serves under /api/v1 (it validates it itself)."""
        self.operations.append(op)
        self._document = None

    # ------------------------------------------------------------------ handling requests

    def _wrap(self, op: Operation, view: Callable) -> Callable:
        @wraps(view)
        def handle(**path: Any) -> Response:
            if not op.public and current_user.role not in op.roles:
                raise ApiError(403, _forbidden_message(op))
            kwargs = self._load_path(path)
            if op.query is not None:
                kwargs["query"] = _parse(op.query, request.args.to_dict())
            raw = None
            if op.body is not None:
                raw = (
                    _form_body() if op.request_media_type == "multipart/form-data" else _json_body()
                )
                kwargs["body"] = _parse(op.body, raw)
            if op.write and not op.public:
                return _run_write(op, view, kwargs, raw)
            return _respond(op, view(**kwargs))

        return handle

    def _load_path(self, path: dict[str, Any]) -> dict[str, Any]:
        kwargs = {}
        for arg, value in path.items():
            name, load = self.loaders[arg]
            if isinstance(value, int) and not 1 <= value <= MAX_BIGINT:
                raise ApiError(404, "No such object.")
            kwargs[name] = load(value)
        return kwargs

    # ------------------------------------------------------------------ the document

    def openapi(self) -> dict[str, Any]:
        if self._document is None:
            self._document = self._build_document()
        return self._document

    def _build_document(self) -> dict[str, Any]:
        models: set[tuple[type[BaseModel], str]] = {(ErrorBody, "serialization")}
        for op in self.operations:
            if op.body is not None:
                models.add((op.body, "validation"))
            if op.response is not None:
                models.add((op.response, "serialization"))
            for other in op.other_successes.values():
                if other.model is not None:
                    models.add((other.model, "serialization"))
            models.add((op.error_model, "serialization"))
        ordered = sorted(models, key=lambda m: (m[0].__name__, m[1]))
        refs, defs = models_json_schema(ordered, ref_template=REF)
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            paths.setdefault(op.path, {})[op.method.lower()] = self._operation(op, refs)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "servers": [{"url": self.blueprint.url_prefix or "/"}],
            "security": [{"bearerToken": []}],
            "paths": paths,
            "components": {
                "schemas": defs.get("$defs", {}),
                "securitySchemes": {
                    "bearerToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal API token (Settings → API tokens, or "
                        "`tracker tokens create`). It has its user's role and scope.",
                    },
                    "conversionSecret": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "The campaign's conversion secret (not an API token).",
                    },
                    "conversionSecretHeader": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "X-Tracker-Secret",
                    },
                },
            },
            "tags": [{"name": t} for t in dict.fromkeys(op.tag for op in self.operations)],
        }

    def _operation(self, op: Operation, refs: dict) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": [*_path_parameters(op), *_query_parameters(op), *op.parameters],
        }
        if op.description:
            doc["description"] = op.description
        if op.write and not op.public:
            doc["parameters"].append(idempotency.PARAMETER)
        if op.security is not None:
            doc["security"] = op.security
        elif op.public:
            doc["security"] = []
        if op.body is not None:
            doc["requestBody"] = {
                "required": True,
                "content": {op.request_media_type: {"schema": refs[(op.body, "validation")]}},
            }
        success: dict[str, Any] = {"description": op.summary}
        if op.response is not None:
            success["content"] = {op.media_type: {"schema": refs[(op.response, "serialization")]}}
        elif op.media_type != "application/json":
            success["content"] = {op.media_type: {"schema": {"type": "string", "format": "binary"}}}
        responses: dict[str, Any] = {str(op.status): success}
        for status, other in op.other_successes.items():
            responses[str(status)] = {**success, "description": other.description}
            if other.model is not None:
                schema = refs[(other.model, "serialization")]
                responses[str(status)]["content"] = {"application/json": {"schema": schema}}
        error = {"application/json": {"schema": refs[(op.error_model, "serialization")]}}
        statuses = dict(ERROR_STATUSES)
        if op.public:
            statuses.pop(401), statuses.pop(403)
        statuses.update(op.extra_responses)
        for status, text in sorted(statuses.items()):
            if str(status) not in responses:
                responses[str(status)] = {"description": text, "content": error}
        doc["responses"] = responses
        return doc


# ---------------------------------------------------------------------------- helpers


def _forbidden_message(op: Operation) -> str:
    if op.write:
        return f"Your role ({current_user.role}) reads only: writing needs a manager or admin."
    return f"Your role ({current_user.role}) cannot read this."


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _json_body() -> Any:
    """The JSON body, numbers read as exact decimals, text checked for what databases refuse."""
    if not request.is_json:
        raise ApiError(400, "Send a JSON body with Content-Type: application/json.")
    try:
        data = json.loads(
            request.get_data(cache=True), parse_float=Decimal, parse_constant=_reject_constant
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The body is not valid JSON.", {"(body)": str(exc)}) from exc
    problem = _bad_text(data, "")
    if problem is not None:
        raise ApiError(422, "The body has text a database cannot store.", {problem[0]: problem[1]})
    return data


def _form_body() -> dict[str, Any]:
    """A multipart form: its text fields, and each file's bytes under the field's name."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "Send the file as multipart/form-data.")
    data: dict[str, Any] = request.form.to_dict()
    data.update({name: storage.read() for name, storage in request.files.items()})
    problem = _bad_text({k: v for k, v in data.items() if isinstance(v, str)}, "")
    if problem is not None:
        raise ApiError(422, "The form has text a database cannot store.", {problem[0]: problem[1]})
    return data


def _bad_text(value: Any, path: str) -> tuple[str, str] | None:
    """NUL characters and lone surrogates pass JSON but no database stores them."""
    if isinstance(value, str):
        if "\x00" in value:
            return path or "(body)", "contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "(body)", "is not valid Unicode text"
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _bad_text(key, path or "(body)") or _bad_text(item, f"{path}.{key}".lstrip("."))
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _bad_text(item, f"{path}.{i}".lstrip("."))
            if found:
                return found
    return None


def _parse(model: type[BaseModel], data: Any) -> BaseModel:
    if not isinstance(data, dict):
        raise ApiError(422, "The body must be a JSON object.", {"(body)": "must be an object"})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation(exc) from exc


def _respond(op: Operation, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if op.response is None:
        return Response(status=op.status)
    if not isinstance(result, op.response):
        raise TypeError(f"{op.endpoint} must return {op.response.__name__}")
    return json_response(result.model_dump(mode="json"), op.status)


def _run_write(op: Operation, view: Callable, kwargs: dict[str, Any], raw: Any) -> Response:
    """Run a write in one transaction; replay or refuse a reused Idempotency-Key."""
    session = get_session()
    key = idempotency.key_from_request()
    fingerprint = idempotency.fingerprint(raw) if key else ""
    if key:
        stored = idempotency.lookup(session, current_user.id, key, fingerprint)
        if stored is not None:
            return stored
    try:
        response = _respond(op, view(**kwargs))
        if key and 200 <= response.status_code < 300:
            idempotency.remember(session, current_user.id, key, fingerprint, response)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if key:
            stored = idempotency.lookup(session, current_user.id, key, fingerprint)
            if stored is not None:  # a concurrent retry with the same key won the race
                return stored
        raise ApiError(
            409, "This conflicts with existing data (a duplicate, or a rule of the database)."
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return response


def _path_parameters(op: Operation) -> list[dict[str, Any]]:
    out = []
    for converter, arg in _RULE_ARG.findall(op.rule):
        schema = (
            {"type": "integer", "minimum": 1, "maximum": MAX_BIGINT}
            if converter == "int"
            else {"type": "string"}
        )
        out.append({"name": arg, "in": "path", "required": True, "schema": schema})
    return out


def _query_parameters(op: Operation) -> list[dict[str, Any]]:
    if op.query is None:
        return []
    schema = op.query.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        # A query parameter is absent or has a value: "null" is not something a URL can say.
        branches = [b for b in prop.pop("anyOf", []) if b != {"type": "null"}]
        if len(branches) == 1:
            prop.update(branches[0])
        elif branches:
            prop["anyOf"] = branches
        if prop.get("default", "") is None:
            del prop["default"]
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            param["description"] = description
        out.append(param)
    return out
