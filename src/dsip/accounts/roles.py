"""Roles, actions and the one role × action matrix.

This module is the only place that says who may do what. Views, API handlers
and services ask ``may(user, Action.X)``; ``docs/roles.md`` is rendered from
``MATRIX`` by ``dsip roles --markdown`` and a test keeps the two equal.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    ENTRY_CLERK = "entry_clerk", _("Entry clerk")
    COUNTY_REVIEWER = "county_reviewer", _("County reviewer")
    PROVINCE_REVIEWER = "province_reviewer", _("Province reviewer / data admin")
    ANALYST = "analyst", _("Analyst")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
    PROVIDER_STAFF = "provider_staff", _("Service provider staff")
    SYSTEM_ADMIN = "system_admin", _("System admin")
    NATIONAL_AUDITOR = "national_auditor", _("National auditor")


class Action(models.TextChoices):
    PERSON_VIEW = "person.view", _("View person records (masked)")
    PERSON_EDIT = "person.edit", _("Enter and correct person records")
    PERSON_REVEAL = "person.reveal", _("Reveal masked personal data, with a reason")
    PERSON_EXPORT = "person.export", _("Export person lists")
    PERSON_IMPORT = "person.import", _("Import person files")
    PERSON_MERGE = "person.merge", _("Merge duplicate persons")
    SURVEY_COLLECT = "survey.collect", _("Collect needs surveys")
    REVIEW_SUBMIT = "review.submit", _("Check and submit county records")
    REVIEW_APPROVE = "review.approve", _("Approve records into the provincial registry")
    STATS_VIEW = "stats.view", _("View aggregate statistics")
    EXCHANGE_USE = "exchange.use", _("Send and receive department data")
    DELIVERY_RECORD = "delivery.record", _("Receive referrals and record services")
    AUDIT_VIEW = "audit.view", _("Read the audit trail")
    USERS_MANAGE = "users.manage", _("Manage users and org units")
    REGIONS_MANAGE = "regions.manage", _("Import division lists")
    API_KEYS_MANAGE = "api_keys.manage", _("Issue and revoke API keys")


R, A = Role, Action
MATRIX: dict[Role, frozenset[Action]] = {
    R.COLLECTOR: frozenset({A.PERSON_VIEW, A.SURVEY_COLLECT}),
    R.ENTRY_CLERK: frozenset({A.PERSON_VIEW, A.PERSON_EDIT, A.PERSON_IMPORT, A.SURVEY_COLLECT}),
    R.COUNTY_REVIEWER: frozenset(
        {A.PERSON_VIEW, A.PERSON_EDIT, A.PERSON_REVEAL, A.PERSON_EXPORT, A.REVIEW_SUBMIT, A.STATS_VIEW}
    ),
    R.PROVINCE_REVIEWER: frozenset(
        {
            A.PERSON_VIEW, A.PERSON_EDIT, A.PERSON_REVEAL, A.PERSON_EXPORT, A.PERSON_IMPORT,
            A.PERSON_MERGE, A.REVIEW_SUBMIT, A.REVIEW_APPROVE, A.STATS_VIEW, A.REGIONS_MANAGE,
            A.API_KEYS_MANAGE, A.AUDIT_VIEW,
        }
    ),
    R.ANALYST: frozenset({A.STATS_VIEW}),
    R.DEPARTMENT_LIAISON: frozenset({A.EXCHANGE_USE}),
    R.PROVIDER_STAFF: frozenset({A.DELIVERY_RECORD}),
    R.SYSTEM_ADMIN: frozenset({A.USERS_MANAGE, A.REGIONS_MANAGE, A.API_KEYS_MANAGE, A.AUDIT_VIEW}),
    R.NATIONAL_AUDITOR: frozenset({A.AUDIT_VIEW, A.STATS_VIEW}),
}

# Roles whose holders must pass TOTP two-factor (MLPS level 3: privileged users).
TWO_FACTOR_ROLES: frozenset[Role] = frozenset(
    {R.COUNTY_REVIEWER, R.PROVINCE_REVIEWER, R.SYSTEM_ADMIN, R.NATIONAL_AUDITOR}
)


def actions_of(roles: list[str] | tuple[str, ...]) -> frozenset[Action]:
    out: set[Action] = set()
    for name in roles:
        out |= MATRIX.get(Role(name), frozenset())
    return frozenset(out)


def may(user: Any, action: Action) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return action in user.actions


def needs_two_factor(roles: list[str] | tuple[str, ...]) -> bool:
    return any(Role(r) in TWO_FACTOR_ROLES for r in roles)


def matrix_markdown() -> str:
    roles = list(Role)
    lines = [
        "# Role × action matrix 角色权限矩阵",
        "",
        "Generated from `dsip/accounts/roles.py` by `dsip roles --markdown`; do not edit by hand.",
        "Every role is further limited to its org unit's region (a prefix of the division code).",
        "Roles marked † must sign in with TOTP two-factor.",
        "",
        "| action | " + " | ".join(f"{r.value}{' †' if r in TWO_FACTOR_ROLES else ''}" for r in roles) + " |",
        "| --- | " + " | ".join("---" for _ in roles) + " |",
    ]
    for action in Action:
        cells = ["✔" if action in MATRIX[r] else "" for r in roles]
        lines.append(f"| `{action.value}` {action.label} | " + " | ".join(cells) + " |")
    lines += ["", "## Roles", ""]
    # The document stays bilingual: English label, then the Chinese one from the catalogue.
    with translation.override("zh-hans"):
        chinese = {r: str(r.label) for r in roles}
    lines += [f"- `{r.value}`: {r.label} {chinese[r]}" for r in roles]
    return "\n".join(lines) + "\n"
