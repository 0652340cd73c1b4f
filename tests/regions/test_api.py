"""/api/v1/regions: scoped like every other read."""

import pytest

from tests.factories import DivisionFactory


@pytest.fixture
def hongshan_township(hongshan):
    return DivisionFactory(code="420111001", name="珞南街道", level=9, parent=hongshan)


def test_list_children_is_scoped_and_paginated(client, wuchang_clerk, hongshan):
    client.force_login(wuchang_clerk)

    body = client.get("/api/v1/regions/divisions", {"parent": "4201"}).json()

    assert body["count"] == 1
    assert [d["code"] for d in body["items"]] == ["420106"]
    assert body["items"][0]["full_code"] == "420106000000"


def test_list_without_parent_gives_the_visible_provinces(client, national_auditor, verified, wuchang):
    DivisionFactory(code="11", name="北京市", level=2)
    body = verified(national_auditor).get("/api/v1/regions/divisions").json()
    assert [d["code"] for d in body["items"]] == ["11", "42"]


def test_out_of_scope_parent_and_division_are_404(client, hongshan_clerk, wuchang_township):
    client.force_login(hongshan_clerk)

    listed = client.get("/api/v1/regions/divisions", {"parent": "420106"})
    detail = client.get("/api/v1/regions/divisions/420106001")

    assert listed.status_code == 404 and detail.status_code == 404
    assert detail.json()["code"] == "not_found"


def test_detail_accepts_the_12_digit_form_and_gives_the_path(client, wuchang_clerk, wuchang_township):
    client.force_login(wuchang_clerk)

    body = client.get("/api/v1/regions/divisions/420106001000").json()

    assert body["code"] == "420106001" and body["parent"] == "420106"
    assert [p["code"] for p in body["path"]] == ["42", "4201", "420106", "420106001"]


def test_malformed_code_is_422_with_our_error_shape(client, wuchang_clerk):
    client.force_login(wuchang_clerk)

    response = client.get("/api/v1/regions/divisions/42x")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][0]["field"] == "code"


def test_anonymous_is_401(client, wuchang):
    assert client.get("/api/v1/regions/divisions").status_code == 401


def test_list_query_count_does_not_grow_with_rows(client, wuchang_clerk, wuchang, django_assert_max_num_queries):
    for n in range(1, 30):
        DivisionFactory(code=f"420106{n:03d}", name=f"街道{n}", level=9, parent=wuchang)
    client.force_login(wuchang_clerk)

    # session, user, org unit, parent, count, page, session save: constant, whatever the row count
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/regions/divisions", {"parent": "420106"}).json()

    assert body["count"] == 29
