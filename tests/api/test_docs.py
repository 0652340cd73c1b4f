"""The OpenAPI schema and the docs page work offline and under our CSP."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_openapi_json_lists_our_routes(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/me" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_loads_nothing_from_another_host_and_has_no_inline_script(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert sources, "the page should load Swagger UI from our static files"
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    # Every <script> has a src: CSP (script-src 'self') blocks inline code.
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert "style=" not in html
    assert "/api/v1/openapi.json" in html


def test_the_swagger_files_the_page_needs_ship_with_the_package(client, db):
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "dsip/api-docs.js"):
        assert finders.find(name), name


def test_docs_page_sends_our_content_security_policy(client, db):
    response = client.get("/api/v1/docs")
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
