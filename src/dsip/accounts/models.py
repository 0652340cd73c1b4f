from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from dsip.accounts.roles import Action, Role, actions_of, needs_two_factor
from dsip.core.scoping import ScopedQuerySet


class OrgKind(models.TextChoices):
    FEDERATION = "federation", _("Disabled Persons' Federation")
    DEPARTMENT = "department", _("Government department")
    PROVIDER = "provider", _("Service provider")


class OrgLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village / community")


LEVEL_BY_CODE_LENGTH = {2: OrgLevel.PROVINCE, 4: OrgLevel.CITY, 6: OrgLevel.COUNTY, 9: OrgLevel.TOWNSHIP, 12: OrgLevel.VILLAGE}


class Department(models.TextChoices):
    CIVIL_AFFAIRS = "mz", _("Civil affairs")
    PUBLIC_SECURITY = "ga", _("Public security")
    HEALTH = "wj", _("Health")
    HUMAN_RESOURCES = "rs", _("Human resources and social security")
    EDUCATION = "jy", _("Education")
    HOUSING = "zj", _("Housing")
    MEDICAL_INSURANCE = "yb", _("Medical insurance")
    FINANCE = "cz", _("Finance")
    STATISTICS = "tj", _("Statistics")


class OrgUnitQuerySet(ScopedQuerySet["OrgUnit"]):
    scope_field = "division_code"


class OrgUnit(models.Model):
    """A federation office, department or provider located at a division.

    ``division_code`` is denormalised from ``division`` ("" for the national
    level) so that scope is a prefix test on one column.
    """

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=OrgKind.choices, default=OrgKind.FEDERATION)
    level = models.CharField(_("level"), max_length=10, choices=OrgLevel.choices)
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("division"), on_delete=models.PROTECT, null=True, blank=True
    )
    division_code = models.CharField(_("division code"), max_length=12, blank=True, db_index=True)
    department = models.CharField(_("department"), max_length=4, choices=Department.choices, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["division_code", "name"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [models.UniqueConstraint(fields=["name", "division_code"], name="orgunit_unique_name_in_division")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.division_code


class UserQuerySet(ScopedQuerySet["User"]):
    scope_field = "org_unit__division_code"


class DsipUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in. Belongs to one org unit; its division is the user's region scope."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    is_service_account = models.BooleanField(_("service account (API only)"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = DsipUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def scope_code(self) -> str | None:
        """Division prefix the user may see, "" for national, None when the user has no org unit."""
        if self.org_unit_id is None:
            return None
        return self.org_unit.division_code

    @cached_property
    def actions(self) -> frozenset[Action]:
        return actions_of(self.roles)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]

    @property
    def needs_two_factor(self) -> bool:
        return needs_two_factor(self.roles)

    def display_name(self) -> str:
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, for the no-reuse rule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class ApiKeyQuerySet(ScopedQuerySet["ApiKey"]):
    scope_field = "user__org_unit__division_code"


class ApiKey(models.Model):
    """A revocable key for a department client. Only a SHA-256 of the secret is stored.

    The full key is ``dsip_<prefix>_<secret>``; ``prefix`` finds the row and the
    hash of the whole key proves it. The key acts as ``user`` (a service account)
    with that user's roles and region.
    """

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    user = models.ForeignKey(User, verbose_name=_("acts as"), on_delete=models.PROTECT, related_name="api_keys")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")

    def __str__(self) -> str:
        return f"{self.name} (dsip_{self.prefix}_…)"
