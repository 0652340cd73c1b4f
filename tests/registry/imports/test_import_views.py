"""The upload page, the progress page and the report download, as a clerk would use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dsip.registry.models import ImportBatch, ImportStatus, Person
from tests.registry.imports.conftest import good_row, write_csv


@pytest.mark.django_db
def test_clerk_uploads_a_file_and_sees_it_imported(client, tmp_path, wuchang_county, wuchang_clerk,
                                                   django_capture_on_commit_callbacks):
    client.force_login(wuchang_clerk)
    page = client.get(reverse("registry:import"))
    assert page.status_code == 200 and "公民身份号码" in page.content.decode()
    path = write_csv(tmp_path / "p.csv", [good_row(0), good_row(1)])
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as fh:
        response = client.post(reverse("registry:import"), {"file": fh})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_detail", args=[batch.pk])
    assert batch.status == ImportStatus.DONE and Person.objects.count() == 2
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<progress" in html and "100%" in html and "hx-trigger" not in html  # finished: polling stops


@pytest.mark.django_db
def test_bad_file_gives_a_report_link_and_the_report_downloads(client, tmp_path, wuchang_county, wuchang_clerk,
                                                               django_capture_on_commit_callbacks):
    client.force_login(wuchang_clerk)
    path = write_csv(tmp_path / "p.csv", [good_row(0), good_row(1, 姓名="")])
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as fh:
        client.post(reverse("registry:import"), {"file": fh})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert reverse("registry:import_report", args=[batch.pk]) in page
    report = client.get(reverse("registry:import_report", args=[batch.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxml")
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_running_batch_polls_every_second(client, tmp_path, wuchang_county, wuchang_clerk):
    from dsip.registry.imports.services import import_batch_create

    batch, _ = import_batch_create(actor=wuchang_clerk, path=write_csv(tmp_path / "p.csv", [good_row(0)]))
    client.force_login(wuchang_clerk)
    html = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "0%" in html


@pytest.mark.django_db
def test_another_county_cannot_see_the_batch(client, tmp_path, wuchang_county, wuchang_clerk, hongshan_clerk):
    from dsip.registry.imports.services import import_batch_create

    batch, _ = import_batch_create(actor=wuchang_clerk, path=write_csv(tmp_path / "p.csv", [good_row(0)]))
    client.force_login(hongshan_clerk)
    assert client.get(reverse("registry:import_detail", args=[batch.pk])).status_code == 404
    assert "p.csv" not in client.get(reverse("registry:import")).content.decode()


@pytest.mark.django_db
def test_analyst_gets_403_and_wrong_extension_is_a_form_error(client, tmp_path, wuchang_county, analyst,
                                                              wuchang_clerk):
    client.force_login(analyst)
    assert client.get(reverse("registry:import")).status_code == 403
    client.force_login(wuchang_clerk)
    bad = tmp_path / "p.txt"
    bad.write_text("x")
    with open(bad, "rb") as fh:
        response = client.post(reverse("registry:import"), {"file": fh})
    assert response.status_code == 400 and ".xlsx" in response.content.decode()


@pytest.mark.django_db
def test_template_downloads(client, wuchang_county, wuchang_clerk):
    client.force_login(wuchang_clerk)
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


@pytest.mark.django_db
def test_upload_page_queries_do_not_grow_with_the_number_of_batches(client, tmp_path, wuchang_county, wuchang_clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dsip.registry.imports.services import import_batch_create

    def make(n):
        for i in range(n):
            import_batch_create(actor=wuchang_clerk, path=write_csv(tmp_path / f"f{len(str(i))}-{i}.csv",
                                                                    [good_row(i)]))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("registry:import")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(wuchang_clerk)
    make(2)
    small = count()
    make(12)
    assert count() == small
