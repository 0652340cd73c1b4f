from django.urls import reverse


def test_home_requires_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_home_shows_the_users_region(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "武昌区" in response.content.decode()
