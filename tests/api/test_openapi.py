"""The OpenAPI document validates, documents every operation with an example, and its browsable
docs are served by Jifen itself (no CDN: deployments sit on isolated intranets)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from openapi_spec_validator import validate

from jifen.api.api import api


def _document() -> dict[str, Any]:
    # As served: JSON's keys are text (the status codes are integers in Python).
    return dict(json.loads(json.dumps(api.get_openapi_schema(), default=str)))


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return dict(document["components"]["schemas"][name])
    if schema.get("type") == "array":
        return _resolve(document, schema["items"])
    return schema


@pytest.mark.django_db
def test_the_document_served_validates_as_openapi_3() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = _document()
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


@pytest.mark.parametrize(("method", "path", "operation"), _operations())
def test_every_operation_is_documented_with_examples(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    document = _document()
    assert operation.get("summary"), f"{method} {path}"
    assert operation.get("tags"), f"{method} {path}"
    assert operation.get("security"), f"{method} {path} must require the bearer token"
    responses = operation["responses"]
    assert {"401", "404", "422"} <= set(responses), f"{method} {path}: errors undocumented"
    success = next(code for code in responses if code.startswith("2"))
    body = responses[success]["content"]["application/json"]["schema"]
    assert _resolve(document, body).get("examples"), f"{method} {path}: no example answer"
    request = operation.get("requestBody")
    for kind, media in (request or {}).get("content", {}).items():
        example = media.get("examples") or _resolve(document, media["schema"]).get("examples")
        assert example, f"{method} {path}: no example {kind} body"


@pytest.mark.django_db
def test_the_docs_page_loads_only_jifens_own_files() -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "an outside address in the docs"
    for asset in re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html):
        assert finders.find(asset), f"{asset} is not among the static files"
    assert "swagger-ui-bundle.js" in html
