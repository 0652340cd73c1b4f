from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dsip.core.scoping import ScopedQuerySet, prefix_q


class Level(models.IntegerChoices):
    """Division level; the value is the length of the canonical code."""

    PROVINCE = 2, _("Province")
    PREFECTURE = 4, _("Prefecture")
    COUNTY = 6, _("County")
    TOWNSHIP = 9, _("Township")
    VILLAGE = 12, _("Village / community")


LEVEL_LENGTHS = (2, 4, 6, 9, 12)


class UrbanRural(models.TextChoices):
    """Urban-rural classification codes of the statistical division list."""

    CITY_CENTRE = "111", _("Urban centre")
    CITY_FRINGE = "112", _("Urban-rural fringe")
    TOWN_CENTRE = "121", _("Town centre")
    TOWN_FRINGE = "122", _("Town fringe")
    SPECIAL = "123", _("Special area")
    RURAL_TOWN = "210", _("Township centre")
    VILLAGE = "220", _("Village")

    @classmethod
    def is_urban(cls, code: str) -> bool | None:
        return None if not code else code.startswith("1")


class DivisionQuerySet(ScopedQuerySet["Division"]):
    scope_field = "code"

    def within(self, scope: str | None) -> DivisionQuerySet:
        """Divisions inside the scope plus the ancestors of the scope (for pickers and breadcrumbs)."""
        if scope is None:
            return self.none()
        if scope == "":
            return self.all()
        ancestors = [scope[:n] for n in LEVEL_LENGTHS if n < len(scope)]
        return self.filter(prefix_q("code", scope) | models.Q(code__in=ancestors))

    def active(self) -> DivisionQuerySet:
        return self.filter(abolished=False)


class Division(models.Model):
    """An administrative or statistical division, keyed by its canonical short code.

    A county is stored as ``420106`` and a village as ``420106001001``, so the
    code of every division inside ``4201`` starts with ``4201``.
    """

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    urban_rural = models.CharField(_("urban-rural class"), max_length=3, choices=UrbanRural.choices, blank=True)
    abolished = models.BooleanField(_("abolished"), default=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def scope_code(self) -> str:
        return self.code

    def full_code(self) -> str:
        """The 12-digit statistical form (right-padded with zeros)."""
        return self.code.ljust(12, "0")
