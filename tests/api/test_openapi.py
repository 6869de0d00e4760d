"""The OpenAPI document is generated from the models that validate requests, and is complete."""

from __future__ import annotations

import json
import re

import schemathesis

from tracker.api.registry import REF
from tracker.api.schemas.campaigns import CampaignCreate
from tracker.api.schemas.results import SnapshotIn
from tracker.kpi import METRIC_KEYS
from tracker.links.schemas import ConversionRequest

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _doc(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200, "the document needs no token"
    return response.get_json()


def test_it_is_openapi_3_1_with_bearer_tokens(client):
    doc = _doc(client)

    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "/api/v1"}]
    assert doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert doc["security"] == [{"bearerToken": []}]


def test_the_document_is_valid_openapi_and_every_reference_resolves(client):
    doc = _doc(client)

    schemathesis.openapi.from_dict(doc).validate()  # against the OpenAPI 3.1 meta-schema
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(doc)))
    assert refs and {r.removeprefix("#/components/schemas/") for r in refs} <= set(
        doc["components"]["schemas"]
    )


def test_rendering_a_recap_documents_the_report_and_the_queued_job(client):
    responses = _doc(client)["paths"]["/campaigns/{campaign_id}/reports"]["post"]["responses"]

    def schema(status):
        return responses[status]["content"]["application/json"]["schema"]

    assert schema("201") == {"$ref": "#/components/schemas/ReportPublic"}
    assert schema("202") == {"$ref": "#/components/schemas/JobPublic"}
    assert {s for s in responses if s.startswith("2")} == {"201", "202"}


def test_every_api_route_is_documented_and_every_documented_route_exists(app, client):
    doc = _doc(client)
    documented = {(m.upper(), path) for path, ops in doc["paths"].items() for m in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(m, path) for m in rule.methods & METHODS}

    assert served == documented


def test_request_schemas_are_the_validating_models_schemas(client):
    components = _doc(client)["components"]["schemas"]

    for model in (CampaignCreate, SnapshotIn, ConversionRequest):
        expected = model.model_json_schema(ref_template=REF)
        expected.pop("$defs", None)
        assert components[model.__name__] == expected, model.__name__


def test_metrics_in_the_document_are_kpi_md_keys(client):
    components = _doc(client)["components"]["schemas"]

    assert list(components["Metrics"]["properties"]) == list(METRIC_KEYS)
    assert list(components["MetricsIn"]["properties"]) == list(METRIC_KEYS)
    assert (
        components["Metrics"]["properties"]["revenue"]["anyOf"][0]["pattern"] == r"^-?\d+\.\d{4}$"
    )


def test_every_operation_documents_its_errors_and_token_writes_take_an_idempotency_key(client):
    doc = _doc(client)
    ids = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            ids.append(op["operationId"])
            assert {"400", "404", "422"} <= set(op["responses"]), (method, path)
            if op.get("security") != [] and "bearerToken" in str(
                op.get("security", doc["security"])
            ):
                assert {"401", "403"} <= set(op["responses"]), (method, path)
                if method in ("post", "put", "patch", "delete"):
                    names = [p["name"] for p in op["parameters"]]
                    assert "Idempotency-Key" in names, (method, path)
    assert len(ids) == len(set(ids)), "operationIds are unique"


def test_the_conversion_endpoint_is_described_with_its_own_secret(client):
    op = _doc(client)["paths"]["/conversions"]["post"]

    assert op["security"] == [{"conversionSecret": []}, {"conversionSecretHeader": []}]
    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ConversionRequest"
    }
    assert {"200", "201", "401", "422"} <= set(op["responses"])
