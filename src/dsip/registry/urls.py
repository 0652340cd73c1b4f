from __future__ import annotations

from django.urls import include, path

from dsip.registry.views import detail, duplicates, edit, export, reveal
from dsip.registry.views import list as listing

app_name = "registry"
urlpatterns = [
    path("", listing.person_list, name="person_list"),
    path("new/", edit.person_create, name="person_create"),
    path("find/", listing.person_lookup, name="person_lookup"),
    path("export/", export.person_export, name="export"),
    path("duplicates/", duplicates.duplicate_list, name="duplicates"),
    path("duplicates/<int:candidate_id>/", duplicates.merge, name="merge"),
    path("duplicates/<int:candidate_id>/dismiss/", duplicates.dismiss, name="dismiss"),
    path("import/", include("dsip.registry.urls_import")),
    path("<int:person_id>/", detail.person_detail, name="person_detail"),
    path("<int:person_id>/edit/", edit.person_edit, name="person_edit"),
    path("<int:person_id>/reveal/", reveal.person_reveal, name="person_reveal"),
    path("<int:person_id>/history/", detail.person_history, name="person_history"),
]
