"""URLs of the person import screens (mounted at /persons/import/ inside the registry namespace)."""

from __future__ import annotations

from django.urls import path

from dsip.registry.imports import views

urlpatterns = [
    path("", views.import_upload, name="import"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("<int:batch_id>/", views.import_detail, name="import_detail"),
    path("<int:batch_id>/report.xlsx", views.import_report, name="import_report"),
]
