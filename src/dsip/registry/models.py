"""The person registry: persons, certificates, households and versioned history.

Sensitive values (ID number, certificate number, phone, address, guardian
phone) are stored only sealed (``*_enc``, see ``dsip.core.crypto``), with a
keyed blind index (``*_bidx``) where exact lookup or uniqueness is needed and a
precomputed masked form (``*_mask``) for lists, so a list never decrypts.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dsip.core.scoping import ScopedQuerySet
from dsip.registry.choices import (
    DisabilityCategory,
    DisabilityLevel,
    EducationLevel,
    Ethnicity,
    HouseholdType,
    MaritalStatus,
    PersonStatus,
    Sex,
    VersionSource,
)


class HouseholdQuerySet(ScopedQuerySet["Household"]):
    scope_field = "division_code"


class Household(models.Model):
    """A household and its social-assistance status with dates (低保, 特困, low income)."""

    division_code = models.CharField(_("division code"), max_length=12, db_index=True)
    dibao = models.BooleanField(_("minimum living guarantee"), default=False)
    dibao_since = models.DateField(_("dibao since"), null=True, blank=True)
    dibao_until = models.DateField(_("dibao until"), null=True, blank=True)
    tekun = models.BooleanField(_("extreme-poverty support"), default=False)
    tekun_since = models.DateField(_("tekun since"), null=True, blank=True)
    tekun_until = models.DateField(_("tekun until"), null=True, blank=True)
    low_income = models.BooleanField(_("low-income household"), default=False)
    low_income_since = models.DateField(_("low income since"), null=True, blank=True)
    low_income_until = models.DateField(_("low income until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")


class PersonQuerySet(ScopedQuerySet["Person"]):
    scope_field = "division_code"


class Person(models.Model):
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)

    id_number_enc = models.TextField(_("ID number (sealed)"))
    id_number_bidx = models.CharField(max_length=64)  # unique: see Meta.constraints
    id_number_mask = models.CharField(_("ID number"), max_length=18)

    division_code = models.CharField(_("household registration division"), max_length=12)
    household_type = models.CharField(_("household type"), max_length=2, choices=HouseholdType.choices)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    relation_to_head = models.CharField(_("relation to household head"), max_length=20, blank=True)

    address_enc = models.TextField(_("residence address (sealed)"), blank=True)
    address_mask = models.CharField(_("residence address"), max_length=20, blank=True)
    phone_enc = models.TextField(_("phone (sealed)"), blank=True)
    phone_bidx = models.CharField(max_length=64, blank=True)
    phone_mask = models.CharField(_("phone"), max_length=20, blank=True)

    marital_status = models.CharField(_("marital status"), max_length=2, choices=MaritalStatus.choices, blank=True)
    education_level = models.CharField(_("education level"), max_length=2, choices=EducationLevel.choices, blank=True)

    guardian_name = models.CharField(_("guardian name"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("guardian relation"), max_length=20, blank=True)
    guardian_phone_enc = models.TextField(_("guardian phone (sealed)"), blank=True)
    guardian_phone_mask = models.CharField(_("guardian phone"), max_length=20, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    status_date = models.DateField(_("status effective date"), null=True, blank=True)
    status_source = models.CharField(_("status source"), max_length=40, blank=True)

    # Denormalised from the current certificate for fast filtered lists.
    category = models.CharField(_("disability category"), max_length=1, choices=DisabilityCategory.choices, blank=True)
    level = models.CharField(_("disability level"), max_length=1, choices=DisabilityLevel.choices, blank=True)

    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
                                    db_index=False)  # partial index in Meta: almost all rows are NULL
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        # Explicit indexes rather than db_index=True: on PostgreSQL a db_index/unique CharField also
        # gets a varchar_pattern_ops "_like" twin, useless for exact or range lookups, and every
        # index costs each COPY row of a seed or import. Region scope is a range on division_code
        # (dsip.core.scoping), so person_div_name serves it, the list's default order
        # (division_code, name, id) and, with merged_into last (a key column, not INCLUDE: SQLite has none),
        # an index-only COUNT of the rows not merged away.
        constraints = [
            models.UniqueConstraint(fields=["id_number_bidx"], name="person_id_number_bidx_uniq"),
        ]
        indexes = [
            models.Index(fields=["division_code", "name", "id", "merged_into"], name="person_div_name"),
            models.Index(fields=["name", "birth_date"], name="person_name_birth"),  # also ORDER BY name
            models.Index(fields=["birth_date", "name_pinyin"], name="person_birth_pinyin"),  # also birth_date alone
            # Sorting a county by age: an index-only scan of the county, then a narrow sort (without
            # it the planner walks person_birth_pinyin and filters, ~100k heap reads by page 100).
            models.Index(fields=["division_code", "birth_date", "id", "merged_into"], name="person_div_birth"),
            # Pinyin prefix search is LIKE 'x%': needs pattern ops unless the collation is C.
            models.Index(fields=["name_pinyin"], opclasses=["varchar_pattern_ops"], name="person_pinyin_prefix"),
            models.Index(fields=["phone_bidx"], name="person_phone_bidx"),
            models.Index(fields=["status"], name="person_status"),
            models.Index(fields=["merged_into"], condition=models.Q(merged_into__isnull=False),
                         name="person_merged_into"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_mask})"


class CertificateQuerySet(ScopedQuerySet["Certificate"]):
    scope_field = "person__division_code"


class Certificate(models.Model):
    """A second-generation disability certificate (第二代残疾人证)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certificates")
    number_enc = models.TextField(_("certificate number (sealed)"))
    number_bidx = models.CharField(max_length=64, unique=True)
    number_mask = models.CharField(_("certificate number"), max_length=22)
    category = models.CharField(_("category"), max_length=1, choices=DisabilityCategory.choices)
    level = models.CharField(_("level"), max_length=1, choices=DisabilityLevel.choices)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    reassess_date = models.DateField(_("next re-assessment"), null=True, blank=True, db_index=True)
    is_current = models.BooleanField(_("current"), default=True)
    cancelled_at = models.DateField(_("cancelled on"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(is_current=True), name="one_current_certificate")
        ]


class CertificateComponent(models.Model):
    """For multiple disability (category 7): each component category and level."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="components")
    category = models.CharField(_("category"), max_length=1, choices=DisabilityCategory.choices)
    level = models.CharField(_("level"), max_length=1, choices=DisabilityLevel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["certificate", "category"], name="component_once")]


class PersonVersionQuerySet(ScopedQuerySet["PersonVersion"]):
    scope_field = "division_code"


class PersonVersion(models.Model):
    """One change of a person: who, when, source, changed fields (masked) and the masked snapshot after it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    division_code = models.CharField(max_length=12, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=12, choices=VersionSource.choices)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict)  # {field: [before, after]} masked
    snapshot = models.JSONField(default=dict)  # masked state after this version

    objects = PersonVersionQuerySet.as_manager()

    class Meta:
        ordering = ["person", "version"]
        constraints = [models.UniqueConstraint(fields=["person", "version"], name="person_version_once")]


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class DuplicateCandidateQuerySet(ScopedQuerySet["DuplicateCandidate"]):
    scope_field = "division_code"


class DuplicateCandidate(models.Model):
    """Two persons who may be the same; never merged automatically."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    division_code = models.CharField(max_length=12, db_index=True)  # common prefix of both
    reason = models.CharField(max_length=40)
    score = models.FloatField(default=0)
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_id = models.BigIntegerField(null=True, blank=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once")]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    INVALID = "invalid", _("Has errors")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportBatchQuerySet(ScopedQuerySet["ImportBatch"]):
    scope_field = "division_code"


class ImportBatch(models.Model):
    """One uploaded person file. Idempotent by (file hash, scope): the same file twice is one batch."""

    file_hash = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    division_code = models.CharField(max_length=12, db_index=True)  # the uploader's scope
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    created_persons = models.PositiveIntegerField(default=0)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True)
    report_path = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file_hash", "division_code", "dry_run"], name="import_batch_once")
        ]


class ImportedRow(models.Model):
    """A row of a batch that became a person: makes re-running a batch after a crash skip done rows."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="imported_row_once")]
