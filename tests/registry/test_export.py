from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from dsip.audit.models import AuditEntry
from dsip.registry.export import HEADERS, export_rows, xlsx_chunks
from dsip.registry.models import Person
from tests.registry.views.people import person_data, register

EXPORT = reverse("registry:export")


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def test_reviewer_exports_the_filtered_list_masked_and_audited(client, verified, wuchang_clerk, wuchang_reviewer):
    for n in range(3):
        register(wuchang_clerk, n, category="4" if n < 2 else "5", level="2",
                 certificate_number=person_data(n)["id_number"] + ("42" if n < 2 else "52"))
    c = verified(wuchang_reviewer)
    response = c.get(EXPORT, {"category": "4"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = _workbook(response).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[0][0] == "身份证号（脱敏）"
    assert len(rows) == 3  # header + the two physical-disability persons
    text = repr(rows)
    for n in range(3):
        assert person_data(n)["id_number"] not in text
        assert person_data(n)["phone"] not in text
    assert "肢体" in text and "武昌区" in text
    entry = AuditEntry.objects.filter(action="person.exported").get()
    assert entry.changes["rows"] == 2
    assert entry.changes["filters"] == {"category": "4"}
    assert entry.actor_username == "wuchang_reviewer"


def test_an_id_number_in_the_export_url_is_ignored_and_not_audited(client, verified, wuchang_clerk, wuchang_reviewer):
    register(wuchang_clerk, 1)
    register(wuchang_clerk, 2)
    c = verified(wuchang_reviewer)
    number = person_data(1)["id_number"]
    b"".join(c.get(EXPORT, {"id_number": number}).streaming_content)
    entry = AuditEntry.objects.filter(action="person.exported").get()
    assert entry.changes["rows"] == 2  # not a filter of the list any more
    assert number not in str(entry.changes)


def test_clerk_may_not_export(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    assert client.get(EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action="person.exported").exists()


def test_export_leaves_out_other_counties(client, verified, wuchang_clerk, hongshan_clerk, wuchang_reviewer, hongshan):
    register(wuchang_clerk, 1)
    register(hongshan_clerk, 2, county="420111")
    ws = _workbook(verified(wuchang_reviewer).get(EXPORT)).active
    names = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == [person_data(1)["name"]]


def test_rows_stream_in_batches(wuchang_clerk, monkeypatch):
    import dsip.registry.export as export

    monkeypatch.setattr(export, "CHUNK_ROWS", 2)
    for n in range(5):
        register(wuchang_clerk, n)
    rows = list(export_rows(Person.objects.order_by("pk")))
    assert [r[1] for r in rows] == [person_data(n)["name"] for n in range(5)]
    data = b"".join(xlsx_chunks(iter(rows), headers=HEADERS))
    ws = load_workbook(io.BytesIO(data), read_only=True).active
    assert len(list(ws.iter_rows(values_only=True))) == 6


def test_clerk_cannot_get_an_unmasked_export(client, wuchang_clerk):
    register(wuchang_clerk, 1)
    client.force_login(wuchang_clerk)
    assert client.post(EXPORT, {"export-reason": "核对低保名单"}).status_code == 403
    assert not AuditEntry.objects.filter(action="person.exported").exists()


def test_a_role_that_may_export_but_not_reveal_gets_no_clear_values(wuchang_reviewer, monkeypatch):
    """No role has that combination today; the service refuses it anyway, should the matrix change."""
    import pytest

    import dsip.registry.export as export
    from dsip.accounts.roles import Action
    from dsip.core.errors import DomainError

    monkeypatch.setattr(export, "may", lambda user, action: action != Action.PERSON_REVEAL)
    with pytest.raises(DomainError) as refused:
        export.person_export(actor=wuchang_reviewer, filters={}, unmasked=True, reason="核对低保名单")
    assert refused.value.status == 403
    count, _chunks = export.person_export(actor=wuchang_reviewer, filters={})  # masked is still fine
    assert AuditEntry.objects.get(action="person.exported").changes["masked"] is True


def test_reviewer_with_a_reason_gets_clear_values_and_the_reason_is_audited(client, verified, wuchang_clerk,
                                                                             wuchang_reviewer):
    for n in range(3):
        register(wuchang_clerk, n)
    c = verified(wuchang_reviewer)
    response = c.post(f"{EXPORT}?q={person_data(1)['name']}", {"export-reason": "核对低保名单"})
    assert response.status_code == 200
    assert "unmasked" in response["Content-Disposition"]
    rows = list(_workbook(response).active.iter_rows(values_only=True))
    assert rows[0][0] == "身份证号"
    assert len(rows) == 2  # the filter from the query string applies
    assert person_data(1)["id_number"] in rows[1]
    assert person_data(1)["phone"] in rows[1]
    assert person_data(1)["address"] in rows[1]
    entry = AuditEntry.objects.filter(action="person.exported").get()
    assert entry.changes["masked"] is False
    assert entry.reason == "核对低保名单"
    assert entry.changes["rows"] == 1


def test_unmasked_export_needs_a_reason(client, verified, wuchang_clerk, wuchang_reviewer):
    register(wuchang_clerk, 1)
    c = verified(wuchang_reviewer)
    response = c.post(EXPORT, {"export-reason": ""})
    assert response.status_code == 400
    assert 'id="id_export-reason_error"' in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.exported").exists()
    # The masked GET export stays the default and says so in the audit.
    b"".join(c.get(EXPORT).streaming_content)
    assert AuditEntry.objects.get(action="person.exported").changes["masked"] is True


def test_the_list_offers_the_reasoned_export_only_to_who_may_reveal(client, verified, wuchang_clerk, wuchang_reviewer):
    from django.urls import reverse

    register(wuchang_clerk, 1)
    body = verified(wuchang_reviewer).get(reverse("registry:person_list")).content.decode()
    assert 'name="export-reason"' in body
    client.force_login(wuchang_clerk)
    assert 'name="export-reason"' not in client.get(reverse("registry:person_list")).content.decode()
