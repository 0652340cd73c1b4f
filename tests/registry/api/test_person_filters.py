"""List filters that cannot match anything are refused with the field named, not answered with an empty list."""

from __future__ import annotations

import pytest

from tests.registry.views.people import person_data, register

BASE = "/api/v1/persons"


@pytest.mark.parametrize(("params", "field", "code"), [
    ({"division": "abc"}, "division", "format"),
    ({"division": "999999"}, "division", "unknown_division"),
    ({"division": "420111"}, "division", "out_of_scope"),
    ({"category": "9"}, "category", "choice"),
    ({"level": "5"}, "level", "choice"),
    ({"status": "alive"}, "status", "choice"),
    ({"ordering": "id_number"}, "ordering", "choice"),
])
def test_a_filter_that_cannot_match_is_422_naming_the_field(client, wuchang_clerk, hongshan, params, field, code):
    register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    response = client.get(BASE, params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)]


def test_filter_errors_speak_the_callers_language(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    body = client.get(BASE, {"category": "9"}, headers={"Accept-Language": "zh-hans"}).json()
    assert body["errors"][0]["message"].startswith("不是")


def test_valid_filters_still_filter(client, wuchang_clerk, wuchang_township):
    register(wuchang_clerk, 1)
    register(wuchang_clerk, 2, category="1", certificate_number=person_data(2)["id_number"] + "12")
    client.force_login(wuchang_clerk)
    # The 12-digit official form of the county is accepted and canonicalised.
    answer = client.get(BASE, {"division": "420106000000", "category": "1", "ordering": "-name"})
    assert answer.status_code == 200
    assert [i["name"] for i in answer.json()["items"]] == [person_data(2)["name"]]
    assert client.get(BASE, {"division": "420106001"}).json()["count"] == 0
