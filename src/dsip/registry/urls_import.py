"""URLs of the person import screens (owned by the import work; mounted at /persons/import/)."""

from __future__ import annotations

urlpatterns: list = []
