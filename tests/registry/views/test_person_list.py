from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.registry.views.people import person_data, register

LIST = reverse("registry:person_list")
FIND = reverse("registry:person_lookup")


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


def test_find_by_id_number_is_a_post_that_redirects_to_the_person(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    wanted = register(wuchang_clerk, 2)
    client.force_login(wuchang_clerk)
    number = person_data(2)["id_number"]
    # Spaces and a lowercase x must not matter.
    response = client.post(FIND, {"lookup-id_number": f" {number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[wanted.pk])
    assert number not in response["Location"]


def test_find_by_certificate_number(client, wuchang_clerk):
    wanted = register(wuchang_clerk, 3)
    client.force_login(wuchang_clerk)
    response = client.post(FIND, {"lookup-certificate_number": person_data(3)["certificate_number"]})
    assert response["Location"] == reverse("registry:person_detail", args=[wanted.pk])


def test_find_outside_the_region_says_not_found_in_your_region(client, wuchang_clerk, hongshan_clerk, hongshan):
    register(hongshan_clerk, 4, county="420111")
    client.force_login(wuchang_clerk)
    number = person_data(4, county="420111")["id_number"]
    response = client.post(FIND, {"lookup-id_number": number}, headers={"Accept-Language": "en"})
    body = response.content.decode()
    assert response.status_code == 404
    assert "No person with this number in your region." in body
    assert person_data(4, county="420111")["name"] not in body
    assert client.post(FIND, {}).status_code == 400  # neither number given


def test_id_numbers_are_not_a_get_filter_any_more(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    register(wuchang_clerk, 2)
    client.force_login(wuchang_clerk)
    body = client.get(LIST, {"id_number": person_data(2)["id_number"]}).content.decode()
    assert person_data(1)["name"] in body  # ignored: no filtering by a number in the URL
    assert 'name="id_number"' not in body and 'name="certificate_number"' not in body
    assert 'method="post" action="' + FIND + '"' in body
    assert client.get(FIND).status_code == 405


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


def test_pages_follow_the_default_order_division_then_name(client, wuchang_clerk, monkeypatch):
    from dsip.registry.views import list as listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    names = sorted(person_data(n)["name"] for n in range(5))
    for n in range(5):
        register(wuchang_clerk, n)
    client.force_login(wuchang_clerk)
    bodies = [client.get(LIST, {"page": page}).content.decode() for page in (1, 2, 3)]
    for page, wanted in enumerate((names[0:2], names[2:4], names[4:5])):
        assert all(name in bodies[page] for name in wanted)
        assert not any(name in bodies[page] for name in names if name not in wanted)
    assert len(set(names)) == 5
    assert 'rel="next"' in bodies[0] and 'rel="next"' not in bodies[2]
