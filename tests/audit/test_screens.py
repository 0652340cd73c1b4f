"""Who sees which audit entries, on the page and through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dsip.audit.models import AuditEntry, Outcome
from dsip.audit.selectors import audit_entry_list
from dsip.audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(wuchang_clerk, hongshan_clerk):
    """Entries in Wuchang and Hongshan (Hubei), Beijing, and with no division at all."""
    return {
        "wuchang": audit_record(action="person.edit", object_type="person", object_id=1, division_code="420106",
                                actor=wuchang_clerk, changes={"phone": {"to": "138****0000"}}),
        "hongshan": audit_record(action="person.edit", object_type="person", object_id=2, division_code="420111",
                                 actor=hongshan_clerk),
        "beijing": audit_record(action="person.edit", object_type="person", object_id=3, division_code="110105"),
        "failed_login": audit_record(action="auth.login_failed", outcome=Outcome.FAILURE, object_type="user",
                                     changes={"username": "whoever"}),
    }


@pytest.fixture
def system_admin(national_centre):
    return UserFactory(username="sysadmin", org_unit=national_centre, roles=["system_admin"])


def _seqs(response) -> set[int]:
    return {item["seq"] for item in response.json()["items"]}


def test_a_hubei_reviewer_sees_hubei_entries_only(province_reviewer, entries):
    seqs = set(audit_entry_list(user=province_reviewer).values_list("seq", flat=True))
    assert seqs == {entries["wuchang"].seq, entries["hongshan"].seq}


def test_entries_without_a_division_are_national_only(national_auditor, province_reviewer, entries):
    assert audit_entry_list(user=national_auditor).filter(pk=entries["failed_login"].pk).exists()
    assert not audit_entry_list(user=province_reviewer).filter(pk=entries["failed_login"].pk).exists()


def test_a_division_filter_never_widens_scope(province_reviewer, entries):
    assert not audit_entry_list(user=province_reviewer, filters={"division": "11"}).exists()
    narrowed = audit_entry_list(user=province_reviewer, filters={"division": "420111"})
    assert list(narrowed) == [entries["hongshan"]]


def test_filters_by_actor_action_object_outcome_and_date(national_auditor, entries):
    def seqs(**filters):
        return set(audit_entry_list(user=national_auditor, filters=filters).values_list("seq", flat=True))

    assert seqs(actor="wuchang_clerk") == {entries["wuchang"].seq}
    assert seqs(action="auth.") == {entries["failed_login"].seq}
    assert seqs(object_type="person", object_id="2") == {entries["hongshan"].seq}
    assert seqs(outcome="failure") == {entries["failed_login"].seq}
    today = timezone.localdate()
    assert len(seqs(date_from=today, date_to=today)) == 4
    assert seqs(date_to=today - timedelta(days=1)) == set()


def test_the_list_page_for_a_hubei_reviewer(verified, province_reviewer, entries):
    client = verified(province_reviewer)
    response = client.get(reverse("audit:entry_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    assert 'for="id_actor"' in page
    assert reverse("audit:entry_detail", args=[entries["wuchang"].pk]) in page
    assert reverse("audit:entry_detail", args=[entries["beijing"].pk]) not in page
    assert "whoever" not in page


def test_the_list_page_filters_through_the_query_string(verified, national_auditor, entries):
    client = verified(national_auditor)
    page = client.get(reverse("audit:entry_list"), {"actor": "hongshan_clerk"}).content.decode()
    assert reverse("audit:entry_detail", args=[entries["hongshan"].pk]) in page
    assert reverse("audit:entry_detail", args=[entries["wuchang"].pk]) not in page


def test_a_bad_filter_is_shown_next_to_its_field(verified, national_auditor, entries):
    client = verified(national_auditor)
    response = client.get(reverse("audit:entry_list"), {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert 'aria-describedby="id_date_to_error' in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_the_list_is_paginated_by_fifty(verified, national_auditor):
    for i in range(51):
        audit_record(action="test.bulk", object_id=i)
    client = verified(national_auditor)
    first = client.get(reverse("audit:entry_list"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("audit:entry_list"), {"page": 2, "action": "test."})
    assert [e.object_id for e in second.context["page"].object_list] == ["0"]


def test_the_system_admin_may_read_the_audit_trail(verified, system_admin, entries):
    assert verified(system_admin).get(reverse("audit:entry_list")).status_code == 200


def test_a_clerk_gets_403(client, wuchang_clerk, entries):
    client.force_login(wuchang_clerk)
    assert client.get(reverse("audit:entry_list")).status_code == 403
    assert client.get(reverse("audit:entry_detail", args=[entries["wuchang"].pk])).status_code == 403


def test_detail_inside_scope_and_404_outside(verified, province_reviewer, entries):
    client = verified(province_reviewer)
    inside = client.get(reverse("audit:entry_detail", args=[entries["wuchang"].pk]))
    assert inside.status_code == 200
    assert "138****0000" in inside.content.decode()
    assert client.get(reverse("audit:entry_detail", args=[entries["beijing"].pk])).status_code == 404
    assert client.get(reverse("audit:entry_detail", args=[entries["failed_login"].pk])).status_code == 404


def test_reading_the_audit_trail_is_not_itself_audited(verified, national_auditor, entries):
    client = verified(national_auditor)
    before = AuditEntry.objects.count()
    client.get(reverse("audit:entry_list"))
    client.get(reverse("audit:entry_detail", args=[entries["wuchang"].pk]))
    client.get("/api/v1/audit/entries")
    assert AuditEntry.objects.count() == before


# ---- API ----

def test_api_lists_scoped_entries(verified, province_reviewer, entries):
    client = verified(province_reviewer)  # signing in is audited in Hubei (42) too
    response = client.get("/api/v1/audit/entries")
    assert response.status_code == 200
    body = response.json()
    assert {e["division_code"][:2] for e in body["items"]} == {"42"}
    assert _seqs(client.get("/api/v1/audit/entries", {"action": "person."})) == {
        entries["wuchang"].seq, entries["hongshan"].seq}


def test_api_filters_and_paginates(verified, national_auditor, entries):
    client = verified(national_auditor)
    response = client.get("/api/v1/audit/entries", {"action": "person.", "page_size": 2})
    body = response.json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert body["items"][0]["seq"] > body["items"][1]["seq"]
    assert _seqs(client.get("/api/v1/audit/entries", {"outcome": "failure"})) == {entries["failed_login"].seq}


def test_api_refuses_a_clerk_with_the_error_shape(client, wuchang_clerk, entries):
    client.force_login(wuchang_clerk)
    response = client.get("/api/v1/audit/entries")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert set(response.json()) >= {"code", "message", "messages", "errors"}
    assert client.get(f"/api/v1/audit/entries/{entries['wuchang'].pk}").status_code == 403


def test_api_detail_is_404_outside_scope(verified, province_reviewer, entries):
    client = verified(province_reviewer)
    ok = client.get(f"/api/v1/audit/entries/{entries['hongshan'].pk}")
    assert ok.status_code == 200
    assert ok.json()["hash"] == entries["hongshan"].hash
    missing = client.get(f"/api/v1/audit/entries/{entries['beijing'].pk}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_api_rejects_a_malformed_division_filter(verified, national_auditor, entries):
    client = verified(national_auditor)
    response = client.get("/api/v1/audit/entries", {"division": "hubei"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "division"
