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
