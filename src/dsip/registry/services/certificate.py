"""The current certificate of a person, kept in step with the person's record."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from dsip.core.crypto import field_cipher
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.masking import mask_certificate
from dsip.registry.models import Certificate, CertificateComponent, Person
from dsip.registry.services._records import certificate_blind_index, sealed_context
from dsip.registry.validation import CleanPerson


def certificate_number_taken(number: str, *, exclude_person_id: int | None = None) -> bool:
    qs = Certificate.objects.filter(number_bidx=certificate_blind_index(number))
    if exclude_person_id is not None:
        qs = qs.exclude(person_id=exclude_person_id)
    return qs.exists()


def duplicate_certificate_error() -> DomainError:
    return DomainError(
        code=ErrorCode.DUPLICATE, status=409,
        errors=[FieldError("certificate_number", "duplicate", _msg_duplicate())],
    )


def _msg_duplicate() -> str:
    from django.utils.translation import gettext_lazy as _

    return _("Certificate number: another person already holds this certificate.")


def certificate_create(*, person: Person, clean: CleanPerson) -> Certificate:
    """Create the current certificate (and its components) from a cleaned record."""
    number = clean.certificate_number
    cert = Certificate(
        person=person,
        number_enc=field_cipher().seal(number, context=sealed_context("certificate_number")),
        number_bidx=certificate_blind_index(number),
        number_mask=mask_certificate(number),
        category=clean.category, level=clean.level, issue_date=clean.issue_date, reassess_date=clean.reassess_date,
        is_current=True,
    )
    cert.full_clean(exclude=["person"])
    cert.save()
    CertificateComponent.objects.bulk_create(
        CertificateComponent(certificate=cert, category=cat, level=lvl) for cat, lvl in clean.components
    )
    return cert


def certificate_retire(cert: Certificate, *, on: date | None = None) -> None:
    """The certificate stops being current; it stays for history."""
    cert.is_current = False
    cert.cancelled_at = cert.cancelled_at or on or timezone.localdate()
    cert.save(update_fields=["is_current", "cancelled_at"])


def certificate_sync(*, person: Person, clean: CleanPerson) -> None:
    """Make the person's current certificate match ``clean`` (new number → new certificate row)."""
    cert = person.certificates.filter(is_current=True).first()
    if not clean.has_certificate:
        if cert is not None:
            certificate_retire(cert)
        return
    new_bidx = certificate_blind_index(clean.certificate_number)
    if cert is None or cert.number_bidx != new_bidx:
        if cert is not None:
            certificate_retire(cert)
        certificate_create(person=person, clean=clean)
        return
    cert.category, cert.level = clean.category, clean.level
    cert.issue_date, cert.reassess_date = clean.issue_date, clean.reassess_date
    cert.save(update_fields=["category", "level", "issue_date", "reassess_date"])
    current = sorted((c.category, c.level) for c in cert.components.all())
    if current != sorted(clean.components):
        cert.components.all().delete()
        CertificateComponent.objects.bulk_create(
            CertificateComponent(certificate=cert, category=cat, level=lvl) for cat, lvl in clean.components
        )
