from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dsip.audit.models import AuditEntry
from dsip.registry import services
from tests.registry.views.people import person_data, register


def test_person_page_is_masked_and_shows_certificate_and_history(client, wuchang_clerk):
    person = register(wuchang_clerk, 1)
    services.person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1,
                           data={"phone": "13900002222"}, source="entry", reason="电话更正")
    client.force_login(wuchang_clerk)
    body = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    data = person_data(1)
    assert data["id_number"] not in body
    assert data["certificate_number"] not in body
    assert "13900002222" not in body
    assert "139****2222" in body
    assert body.count("<time datetime=") == 2  # two versions on the timeline
    assert "电话更正" in body  # the reason of the change is on the timeline
    assert '<ol class="timeline"' in body
    # A clerk may not reveal: no reveal form.
    assert reverse("registry:person_reveal", args=[person.pk]) not in body


def test_as_of_a_date_before_registration_says_the_record_did_not_exist(client, wuchang_clerk):
    person = register(wuchang_clerk, 2)
    client.force_login(wuchang_clerk)
    url = reverse("registry:person_detail", args=[person.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    before = client.get(url, {"when": yesterday}, headers={"HX-Request": "true"}).content.decode()
    today = client.get(url, {"when": timezone.localdate().isoformat()}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="as-of-result"' in before and "<table" not in before
    assert person.name in today and "<table" in today
    assert person_data(2)["id_number"] not in today


def test_reviewer_reveals_with_a_reason_and_it_is_audited(client, verified, wuchang_clerk, wuchang_reviewer):
    person = register(wuchang_clerk, 3)
    c = verified(wuchang_reviewer)
    url = reverse("registry:person_reveal", args=[person.pk])
    assert url in c.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    response = c.post(url, {"field": "id_number", "reason": "核对低保名单"})
    assert response.status_code == 200
    assert person_data(3)["id_number"] in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.filter(object_id=str(person.pk), action__contains="reveal").latest("seq")
    assert entry.reason == "核对低保名单"
    assert person_data(3)["id_number"] not in str(entry.changes)


def test_reveal_without_a_reason_reveals_nothing(client, verified, wuchang_clerk, wuchang_reviewer):
    person = register(wuchang_clerk, 4)
    c = verified(wuchang_reviewer)
    response = c.post(reverse("registry:person_reveal", args=[person.pk]), {"field": "id_number", "reason": ""})
    assert response.status_code == 400
    assert person_data(4)["id_number"] not in response.content.decode()


def test_clerk_may_not_reveal(client, wuchang_clerk):
    person = register(wuchang_clerk, 5)
    client.force_login(wuchang_clerk)
    response = client.post(reverse("registry:person_reveal", args=[person.pk]), {"field": "id_number", "reason": "想看看"})
    assert response.status_code == 403


def test_history_names_fields_and_choices_in_the_readers_words(client, wuchang_clerk):
    person = register(wuchang_clerk, 3)
    services.person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1,
                           data={"phone": "13900003333", "household_type": "A"}, source="entry")
    client.force_login(wuchang_clerk)
    body = client.get(reverse("registry:person_history", args=[person.pk])).content.decode()
    assert '<th scope="row">联系电话</th>' in body
    assert '<th scope="row">phone</th>' not in body
    # household_type N → A shows as 非农业 → 农业, not the codes.
    assert "<td>非农业</td><td>农业</td>" in body
    assert "<td>N</td>" not in body
    english = client.get(reverse("registry:person_history", args=[person.pk]), headers={"Accept-Language": "en"})
    assert '<th scope="row">Phone</th>' in english.content.decode()


def test_as_of_shows_choice_labels(client, wuchang_clerk):
    person = register(wuchang_clerk, 4)
    client.force_login(wuchang_clerk)
    url = reverse("registry:person_detail", args=[person.pk])
    today = client.get(url, {"when": timezone.localdate().isoformat()}, headers={"HX-Request": "true"}).content.decode()
    assert "<td>肢体</td>" in today and "<td>二级</td>" in today
