from __future__ import annotations

from django.urls import reverse

from dsip.registry import services
from dsip.registry.models import Person
from tests.registry.views.people import person_data, register

CREATE = reverse("registry:person_create")


def _form(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}


def test_clerk_registers_a_person_through_the_form(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    data = person_data(3)
    response = client.post(CREATE, _form(data))
    person = Person.objects.get(name=data["name"])
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[person.pk])
    assert person.division_code == "420106"
    assert person.category == "4"


def test_errors_appear_next_to_their_fields(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    data = person_data(3, id_number="420106198001010000", name="", household_type="")
    response = client.post(CREATE, _form(data))
    body = response.content.decode()
    assert response.status_code == 400
    assert not Person.objects.exists()
    for field in ("id_number", "name", "household_type"):
        assert f'id="id_{field}_error"' in body  # the error text, tied to the field...
        assert f'href="#id_{field}"' in body  # ...and linked from the summary at the top
    assert 'aria-describedby="id_id_number_helptext id_id_number_error"' in body
    assert 'aria-invalid="true"' in body


def test_registering_a_registered_id_links_to_the_existing_record(client, wuchang_clerk):
    existing = register(wuchang_clerk, 4)
    client.force_login(wuchang_clerk)
    response = client.post(CREATE, _form(person_data(4, name="王重复")))
    body = response.content.decode()
    assert response.status_code == 400
    assert reverse("registry:person_detail", args=[existing.pk]) in body
    assert Person.objects.count() == 1


def test_second_clerk_gets_the_conflict_and_keeps_her_typed_values(client, wuchang_clerk, wuchang_fed):
    from tests.factories import UserFactory

    other_clerk = UserFactory(username="wuchang_clerk2", org_unit=wuchang_fed, roles=["entry_clerk"])
    person = register(wuchang_clerk, 5)
    url = reverse("registry:person_edit", args=[person.pk])
    client.force_login(wuchang_clerk)
    page = client.get(url)
    assert 'name="version" value="1"' in page.content.decode()

    # Meanwhile the other clerk corrects the phone number.
    services.person_update(actor=other_clerk, person_id=person.pk, expected_version=1,
                           data={"phone": "13900001111"}, source="entry")

    typed = {**page.context["form"].initial, "name": "李新名", "marital_status": "20", "version": "1"}
    typed = {k: v for k, v in typed.items() if v not in (None, False)}
    response = client.post(url, typed)
    body = response.content.decode()
    assert response.status_code == 409
    assert 'value="李新名"' in body  # what she typed is still there
    assert 'name="version" value="2"' in body  # re-submitting is now a deliberate overwrite
    assert "联系电话" in body and "139****1111" in body  # what the other clerk changed (labelled), masked
    assert "13900001111" not in body
    assert Person.objects.get(pk=person.pk).name == person.name

    typed["version"] = "2"
    again = client.post(url, typed)
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.name == "李新名"
    assert person.version == 3
    assert person.phone_mask == "139****1111"  # the other clerk's change survived


def test_edit_form_never_shows_the_clear_id_number(client, wuchang_clerk):
    person = register(wuchang_clerk, 6)
    client.force_login(wuchang_clerk)
    body = client.get(reverse("registry:person_edit", args=[person.pk])).content.decode()
    assert person_data(6)["id_number"] not in body
    assert person.id_number_mask in body


def test_hongshan_clerk_cannot_open_a_wuchang_person(client, wuchang_clerk, hongshan_clerk):
    person = register(wuchang_clerk, 7)
    client.force_login(hongshan_clerk)
    for name in ("person_detail", "person_edit", "person_history"):
        assert client.get(reverse(f"registry:{name}", args=[person.pk])).status_code == 404
    response = client.post(reverse("registry:person_edit", args=[person.pk]), {"name": "偷改", "version": "1"})
    assert response.status_code == 404
    assert client.get(f"/api/v1/persons/{person.pk}").status_code == 404
