from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.registry.views.people import person_data, register

LIST = reverse("registry:person_list")


def test_clerk_sees_her_county_masked_and_not_the_other_county(client, wuchang_clerk, hongshan_clerk, hongshan):
    register(wuchang_clerk, 1)
    register(hongshan_clerk, 2, county="420111")
    client.force_login(wuchang_clerk)
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert person_data(1)["name"] in body
    assert person_data(2, county="420111")["name"] not in body
    assert person_data(1)["id_number"] not in body
    assert person_data(1)["id_number"][:4] + "**********" in body


def test_exact_id_search_finds_one_person(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    register(wuchang_clerk, 2)
    client.force_login(wuchang_clerk)
    wanted = person_data(2)
    # A lowercase x or spaces must not matter; here the plain number with spaces around it.
    response = client.get(LIST, {"id_number": f" {wanted['id_number']} "})
    body = response.content.decode()
    assert wanted["name"] in body
    assert person_data(1)["name"] not in body


def test_htmx_search_returns_only_the_results_region(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    response = client.get(LIST, {"q": person_data(1)["name"]}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="results"' in body
    assert "HX-Request" in response["Vary"]


def test_sorted_column_says_so_with_aria_sort(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    response = client.get(LIST, {"ordering": "name"})
    body = response.content.decode()
    assert 'aria-sort="ascending"' in body
    assert "ordering=-name" in body  # the header link now sorts the other way


def test_invalid_age_range_is_reported_next_to_the_field(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    response = client.get(LIST, {"age_min": "60", "age_max": "20"})
    body = response.content.decode()
    assert 'id="id_age_max_error"' in body
    assert 'href="#id_age_max"' in body


def test_analyst_may_not_open_the_person_list(client, analyst):
    client.force_login(analyst)
    assert client.get(LIST).status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_page_and_api_list_queries_do_not_grow_with_the_page(client, wuchang_clerk, wuchang_township):
    for n in range(5):
        register(wuchang_clerk, n, division_code="420106001" if n % 2 else "420106")
    client.force_login(wuchang_clerk)
    page_small = _queries(client, LIST)
    api_small = _queries(client, "/api/v1/persons")
    for n in range(5, 50):
        register(wuchang_clerk, n, division_code="420106001" if n % 2 else "420106")
    page_large = _queries(client, LIST)
    api_large = _queries(client, "/api/v1/persons")
    assert page_small == page_large
    assert api_small == api_large
