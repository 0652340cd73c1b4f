from __future__ import annotations

import json

from dsip.audit.models import AuditEntry
from dsip.registry import services
from dsip.registry.models import Person
from tests.registry.views.people import person_data, register

BASE = "/api/v1/persons"


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_list_is_scoped_masked_and_paginated(client, wuchang_clerk, hongshan_clerk, hongshan):
    for n in range(3):
        register(wuchang_clerk, n)
    register(hongshan_clerk, 9, county="420111")
    client.force_login(wuchang_clerk)
    answer = client.get(BASE, {"page_size": 2}).json()
    assert answer["count"] == 3
    assert len(answer["items"]) == 2
    item = answer["items"][0]
    assert item["division_name"] == "武昌区"
    assert "id_number" not in item and "*" in item["id_number_mask"]
    assert person_data(9, county="420111")["name"] not in json.dumps(answer, ensure_ascii=False)


def test_lookup_by_exact_id_is_a_post(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    wanted = register(wuchang_clerk, 2)
    client.force_login(wuchang_clerk)
    answer = _post(client, f"{BASE}/lookup", {"id_number": person_data(2)["id_number"].lower()})
    assert answer.status_code == 200
    assert answer.json()["id"] == wanted.pk
    assert person_data(2)["id_number"] not in json.dumps(answer.json())  # masked
    by_cert = _post(client, f"{BASE}/lookup", {"certificate_number": person_data(2)["certificate_number"]})
    assert by_cert.json()["id"] == wanted.pk
    assert _post(client, f"{BASE}/lookup", {}).status_code == 422


def test_lookup_outside_the_region_is_404(client, wuchang_clerk, hongshan_clerk, hongshan):
    register(hongshan_clerk, 3, county="420111")
    client.force_login(wuchang_clerk)
    response = _post(client, f"{BASE}/lookup", {"id_number": person_data(3, county="420111")["id_number"]})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_id_number_is_no_list_filter(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    register(wuchang_clerk, 2)
    client.force_login(wuchang_clerk)
    answer = client.get(BASE, {"id_number": person_data(2)["id_number"]}).json()
    assert answer["count"] == 2  # ignored, not a filter: numbers do not belong in URLs


def test_detail_has_certificate_and_is_404_outside_the_region(client, wuchang_clerk, hongshan_clerk):
    person = register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    answer = client.get(f"{BASE}/{person.pk}").json()
    assert answer["certificates"][0]["category"] == "4"
    assert answer["certificates"][0]["number_mask"] == person_data(1)["certificate_number"][:4] + "*" * 12 + person_data(1)["certificate_number"][-4:]
    assert person_data(1)["id_number"] not in json.dumps(answer)
    client.force_login(hongshan_clerk)
    response = client.get(f"{BASE}/{person.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_create_and_field_errors(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    created = _post(client, BASE, person_data(1))
    assert created.status_code == 201
    assert created.json()["name"] == person_data(1)["name"]
    assert Person.objects.count() == 1

    # A service refusing the data answers 422 like the schema does.
    bad = _post(client, BASE, person_data(2, id_number="420106198001010000"))
    assert bad.status_code == 422
    body = bad.json()
    assert body["code"] == "invalid"
    assert any(e["field"] == "id_number" for e in body["errors"])

    dup = _post(client, BASE, person_data(1, name="另一个"))
    assert dup.status_code == 409
    assert dup.json()["code"] == "duplicate"
    existing = {e["field"]: e["message"] for e in dup.json()["errors"]}["existing_id"]
    assert existing == str(Person.objects.get().pk)


def test_create_outside_the_region_is_refused(client, hongshan_clerk, wuchang):
    client.force_login(hongshan_clerk)
    response = _post(client, BASE, person_data(1))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "division_code", "code": "out_of_scope", "message": response.json()["errors"][0]["message"]}
    ]
    assert not Person.objects.exists()


def test_patch_with_version_and_409_on_stale_version(client, wuchang_clerk):
    person = register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    ok = _patch(client, f"{BASE}/{person.pk}", {"version": 1, "phone": "13900003333", "reason": "更正"})
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    assert ok.json()["phone_mask"] == "139****3333"

    stale = _patch(client, f"{BASE}/{person.pk}", {"version": 1, "name": "新名字"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    fields = {e["field"]: e for e in body["errors"]}
    assert "phone" in fields and "139****3333" in fields["phone"]["message"]
    assert fields["version"]["message"] == "2"
    assert "13900003333" not in json.dumps(body)
    assert Person.objects.get(pk=person.pk).name == person.name


def test_clerk_may_not_reveal_but_reviewer_may_with_audit(client, verified, wuchang_clerk, wuchang_reviewer):
    person = register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    denied = _post(client, f"{BASE}/{person.pk}/reveal", {"field": "phone", "reason": "核对电话"})
    assert denied.status_code == 403
    client = verified(wuchang_reviewer)
    shown = _post(client, f"{BASE}/{person.pk}/reveal", {"field": "phone", "reason": "核对电话"})
    assert shown.status_code == 200
    assert shown.json() == {"field": "phone", "value": person_data(1)["phone"]}
    assert AuditEntry.objects.filter(object_id=str(person.pk), reason="核对电话", action__contains="reveal").exists()


def test_analyst_gets_403_on_the_list(client, analyst):
    client.force_login(analyst)
    response = client.get(BASE)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_service_update_seen_through_api(client, wuchang_clerk):
    person = register(wuchang_clerk, 1)
    services.person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1,
                           data={"marital_status": "20"}, source="entry")
    client.force_login(wuchang_clerk)
    assert client.get(f"{BASE}/{person.pk}").json()["marital_status"] == "20"


def test_patch_sets_household_dates(client, wuchang_clerk):
    person = register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    answer = _patch(client, f"{BASE}/{person.pk}", {"version": 1, "dibao": True, "dibao_since": "2023-05-01"})
    assert answer.status_code == 200, answer.json()
    household = answer.json()["household"]
    assert household["dibao"] is True
    assert household["dibao_since"] == "2023-05-01"
    later = _patch(client, f"{BASE}/{person.pk}", {"version": 2, "dibao_until": "2024-12-31"})
    assert later.json()["household"]["dibao_until"] == "2024-12-31"


def test_create_and_patch_schemas_share_one_field_list():
    from dsip.registry.api import PersonIn, PersonPatch
    from dsip.registry.services._records import EDITABLE_FIELDS

    editable = set(EDITABLE_FIELDS) - {"household_id"}
    assert set(PersonIn.model_fields) == editable | {"sex", "birth_date"}
    assert set(PersonPatch.model_fields) == set(PersonIn.model_fields) | {"version", "reason"}
    assert all(not f.is_required() for name, f in PersonPatch.model_fields.items() if name != "version")


def test_service_and_schema_invalid_data_share_status_and_code(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    schema = _post(client, BASE, {"name": "张三"})  # required fields missing: the schema refuses
    service = _post(client, BASE, person_data(3, phone="12345"))  # a bad phone: the service refuses
    assert schema.status_code == service.status_code == 422
    assert schema.json()["code"] == service.json()["code"] == "invalid"
    assert [e["field"] for e in service.json()["errors"]] == ["phone"]
