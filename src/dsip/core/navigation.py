"""The navigation menu: each item names the action it needs, so each role sees only what it may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from dsip.accounts.roles import Action, may


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    action: Action | None = None


MENU: list[NavItem] = [
    NavItem("home", _("Home")),
    NavItem("registry:person_list", _("Persons"), Action.PERSON_VIEW),
    NavItem("registry:import", _("Import"), Action.PERSON_IMPORT),
    NavItem("audit:entry_list", _("Audit trail"), Action.AUDIT_VIEW),
    NavItem("accounts:api_keys", _("API keys"), Action.API_KEYS_MANAGE),
    NavItem("api-1.0.0:openapi-view", _("API docs")),
]


def menu_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    if user is None or not user.is_authenticated:
        return []
    verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
    if getattr(user, "needs_two_factor", False) and not (verified is not None and verified()):
        return []  # every screen would send them to two-factor first
    items = []
    for item in MENU:
        if item.action is not None and not may(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the screen is not built yet
        items.append({"url": url, "label": item.label, "current": current_path == url})
    return items
