"""Included under ``accounts/api-keys/`` in the ``accounts`` namespace."""

from django.urls import path

from dsip.accounts import views_apikeys

urlpatterns = [
    path("", views_apikeys.apikey_list, name="api_keys"),
    path("new/", views_apikeys.apikey_create, name="api_key_create"),
    path("<int:pk>/revoke/", views_apikeys.apikey_revoke_view, name="api_key_revoke"),
]
