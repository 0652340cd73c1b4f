from __future__ import annotations

from django.urls import reverse

from dsip.registry.models import DuplicateCandidate, DuplicateStatus, Person
from tests.registry.views.people import id_number, person_data, register


def _pair(clerk):
    first = register(clerk, 1)
    birth = Person.objects.get(pk=first.pk).birth_date
    number = id_number("420106", birth, seq=777)
    second = register(clerk, 2, name=first.name, id_number=number, certificate_number=number + "42", phone="13700000000")
    return first, second, DuplicateCandidate.objects.get()


def test_province_reviewer_compares_and_merges_choosing_fields(client, verified, wuchang_clerk, province_reviewer):
    first, second, candidate = _pair(wuchang_clerk)
    c = verified(province_reviewer)
    listing = c.get(reverse("registry:duplicates")).content.decode()
    assert reverse("registry:merge", args=[candidate.pk]) in listing
    page = c.get(reverse("registry:merge", args=[candidate.pk]))
    body = page.content.decode()
    assert first.id_number_mask in body and second.id_number_mask in body
    assert 'name="choice_phone"' in body  # the phones differ: the reviewer must choose
    assert 'name="choice_name"' not in body  # the names are equal: nothing to choose
    choices = {name: "keep" for name in page.context["form"].fields if name.startswith("choice_")}
    assert "choice_id_number" in choices  # the ID numbers differ in digits the mask hides
    choices["choice_phone"] = "other"
    response = c.post(reverse("registry:merge", args=[candidate.pk]), {**choices, "reason": "同一人两次录入"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.phone_mask == "137****0000"
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk


def test_reviewer_dismisses_a_pair(client, verified, wuchang_clerk, province_reviewer):
    _first, _second, candidate = _pair(wuchang_clerk)
    c = verified(province_reviewer)
    response = c.post(reverse("registry:dismiss", args=[candidate.pk]), {"dismiss-reason": "双胞胎，不是同一人"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISMISSED


def test_duplicates_are_only_for_roles_that_may_merge(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    assert client.get(reverse("registry:duplicates")).status_code == 403


def test_merge_page_of_another_region_is_not_found(client, verified, wuchang_clerk, hongshan_fed):
    from tests.factories import UserFactory

    _first, _second, candidate = _pair(wuchang_clerk)
    # A merging role in Hongshan does not exist in the matrix by default; give one for the test.
    reviewer = UserFactory(username="hs_province_like", org_unit=hongshan_fed, roles=["province_reviewer"])
    c = verified(reviewer)
    assert c.get(reverse("registry:merge", args=[candidate.pk])).status_code == 404
    assert person_data(1)["name"] not in c.get(reverse("registry:duplicates")).content.decode()
