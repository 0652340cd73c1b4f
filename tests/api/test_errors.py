"""The one error shape: code, message in the active language, both languages, field errors."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from ninja import Schema
from ninja.testing import TestClient

from dsip.core.pagination import PageNumber


class _Payload(Schema):
    name: str
    count: int


def _validation_response(language: str):
    """Validate a bad payload through the real API's 422 handler."""
    from ninja.errors import ValidationError

    from dsip.api import api

    try:
        _Payload.model_validate({"count": "many"})
    except Exception as exc:  # pydantic's error, converted the way ninja does
        errors = [dict(e, loc=("body", "payload", *e["loc"])) for e in exc.errors()]  # type: ignore[attr-defined]
    request = HttpRequest()
    request.META["HTTP_ACCEPT_LANGUAGE"] = language
    from django.utils import translation

    with translation.override(language):
        return api.on_exception(request, ValidationError(errors))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_invalid_input_is_422_with_field_errors_in_the_active_language(language, db):
    import json

    response = _validation_response(language)
    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["code"] == "invalid"
    assert set(body["messages"]) == {"zh-hans", "en"}
    assert body["message"] == body["messages"][language]
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"name", "count"}
    assert all(e["code"] and e["message"] for e in body["errors"])
    # Field messages are ours, translated, not pydantic's English.
    messages = {e["field"]: e["message"] for e in body["errors"]}
    expected = {
        "en": {"name": "This field is required.", "count": "Must be a whole number."},
        "zh-hans": {"name": "此项为必填项。", "count": "须为整数。"},
    }[language]
    assert messages == expected


@pytest.mark.parametrize(("error", "en", "zh"), [
    ({"type": "string_too_long", "msg": "x", "ctx": {"max_length": 200}}, "Must be at most 200 characters.", "最多 200 个字符。"),
    ({"type": "greater_than_equal", "msg": "x", "ctx": {"ge": 1}}, "Must be at least 1.", "不能小于 1。"),
    ({"type": "date_from_datetime_parsing", "msg": "x", "ctx": {"error": "bad"}}, "Must be a date (YYYY-MM-DD).", "须为日期（YYYY-MM-DD）。"),
    ({"type": "some_new_pydantic_type", "msg": "Pydantic says no"}, "Pydantic says no", "Pydantic says no"),
])
def test_schema_messages_fill_placeholders_and_fall_back_to_pydantic(error, en, zh):
    from django.utils import translation

    from dsip.api import schema_message

    with translation.override("en"):
        assert schema_message(error) == en
    with translation.override("zh-hans"):
        assert schema_message(error) == zh


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_accept_language_picks_the_message_language(client, db, language):
    response = client.get("/api/v1/me", headers={"Accept-Language": language})
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == body["messages"][language]
    assert body["messages"]["en"] == "Sign in or give a valid API key."


def test_a_real_query_validation_error_is_422_with_the_field(client, wuchang_clerk):
    """page_size above 500 on a paginated route is refused with the field named."""
    from ninja import NinjaAPI
    from ninja.pagination import paginate

    from dsip.api import _validation_error

    local = NinjaAPI(urls_namespace="test-pagination")
    local.exception_handler(__import__("ninja").errors.ValidationError)(_validation_error)

    @local.get("/items", response=list[int], auth=None)
    @paginate(PageNumber)
    def items(request):
        return list(range(1, 1201))

    test_client = TestClient(local)
    too_big = test_client.get("/items?page_size=501")
    assert too_big.status_code == 422
    assert [e["field"] for e in too_big.json()["errors"]] == ["page_size"]
    page = test_client.get("/items?page=3&page_size=500").json()
    assert page == {"items": list(range(1001, 1201)), "count": 1200, "page": 3, "page_size": 500}
    assert test_client.get("/items").json()["page_size"] == 50
