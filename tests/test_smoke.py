from django.urls import reverse


def test_home_requires_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_shows_the_users_region(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "武昌区" in response.content.decode()


def test_static_shell_files_are_served(client, db):
    for name in ("dsip/dsip.css", "dsip/dsip.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content if response.streaming else [response.content])


def test_healthz_answers_without_sign_in(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
