"""The cascading division picker: a chain of <select>s over a plain code input.

Without JavaScript the user types the code into a text input (the selects are
rendered disabled and hidden, so they are not submitted). ``regions/picker.js``
hides the text input, enables the selects, and each select loads the next
level's <option>s from ``regions:children`` with htmx. The submitted value is
the text input if present, else the deepest chosen select.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from dsip.core.scoping import scope_code_of
from dsip.regions.codes import ancestor_codes
from dsip.regions.models import LEVEL_LENGTHS, Level
from dsip.regions.selectors import division_children, lookup_codes


class DivisionPickerWidget(forms.Widget):
    template_name = "regions/widgets/division_picker.html"
    use_fieldset = True

    class Media:
        js = ["regions/picker.js"]
        css = {"all": ["regions/regions.css"]}

    def __init__(self, attrs: dict[str, Any] | None = None, *, user: Any = None, max_level: int = Level.VILLAGE):
        super().__init__(attrs)
        self.user = user
        self.max_level = max_level

    @property
    def levels(self) -> list[int]:
        return [n for n in LEVEL_LENGTHS if n <= self.max_level]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str | None:
        typed = data.get(name)
        if typed not in (None, ""):
            return typed
        for level in reversed(self.levels):
            chosen = data.get(f"{name}__{level}")
            if chosen:
                return chosen
        return typed

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}__{level}" in data for level in self.levels)

    def _path(self, value: Any) -> list[str]:
        """Codes to preselect: the value's ancestors, or the user's own region when there is no value."""
        code = ""
        if value:
            try:
                code = lookup_codes(value)[0]
            except ValueError:
                code = ""
        if not code:
            code = scope_code_of(self.user) or ""
        return [*ancestor_codes(code), code] if code else []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        path = {len(c): c for c in self._path(value)}
        selects = []
        parent: str | None = ""
        for i, level in enumerate(self.levels):
            # None (not []) marks a level whose parent is not chosen yet.
            options = list(division_children(user=self.user, parent_code=parent)) if parent is not None else None
            selected = path.get(level, "")
            if selected and not any(d.code == selected for d in options or []):
                selected = ""
            next_level = self.levels[i + 1] if i + 1 < len(self.levels) else None
            selects.append({
                "level": level,
                "label": Level(level).label,
                "name": f"{name}__{level}",
                "id": f"{base_id}__{level}",
                "next_id": f"{base_id}__{next_level}" if next_level else "",
                "options": options,
                "selected": selected,
            })
            parent = selected or None
        context["widget"].update({
            "selects": selects,
            "children_url": reverse("regions:children"),
            "text_value": "" if value is None else str(value),
            "invalid": context["widget"]["attrs"].get("aria-invalid") == "true",
        })
        return context
