"""Reads of the person registry, always scoped to the user's region."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dsip.core.scoping import get_scoped_or_404, prefix_q, scoped
from dsip.registry.models import DuplicateCandidate, DuplicateStatus, Person, PersonVersion
from dsip.registry.services._records import certificate_blind_index, id_blind_index
from dsip.registry.validation import normalise_id_number

_ORDER_COLUMNS = {
    "name": "name", "birth_date": "birth_date", "division": "division_code", "division_code": "division_code",
    "category": "category", "level": "level", "updated": "updated_at", "updated_at": "updated_at",
    "created": "created_at", "id": "id",
}


def _ordering(column: str, descending: bool) -> tuple[str, ...]:
    """ORDER BY for a column, always ending in ``id`` so pages are stable.

    By division the order is (division_code, name, id): the index person_div_name
    serves it together with the scope range, so any page of a county costs the
    same. Other columns are sorted after the scope range has selected the rows.
    """
    sign = "-" if descending else ""
    if column == "division_code":
        return tuple(sign + c for c in ("division_code", "name", "id"))
    if column == "id":
        return (sign + "id",)
    return (sign + column, sign + "id")


# Allow-listed ``ordering`` values ('-' for descending) -> ORDER BY.
ORDERING: dict[str, tuple[str, ...]] = {
    f"{sign}{key}": _ordering(column, bool(sign)) for key, column in _ORDER_COLUMNS.items() for sign in ("", "-")
}
# Division, then name: the order of the paper forms a county clerk enters from, and
# the one an index serves over a county of any size (recently changed: ``-updated``).
DEFAULT_ORDERING = ORDERING["division"]
HOUSEHOLD_FILTERS = {"dibao": "household__dibao", "tekun": "household__tekun", "low_income": "household__low_income"}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Person]:
    """Persons the user may see, not merged away, filtered and ordered by allow-listed keys.

    Filters: ``q`` (name contains, or pinyin prefix), ``id_number`` / ``certificate_number`` (exact,
    through the blind index), ``division`` (prefix), ``category``, ``level``, ``status``,
    ``age_min`` / ``age_max`` (whole years today), ``household_status`` (dibao, tekun,
    low_income; or those keys set true), ``ordering``.
    """
    filters = dict(filters or {})
    qs = scoped(Person.objects.filter(merged_into__isnull=True), user)
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(name_pinyin__startswith=q.lower().replace(" ", "")))
    id_number = normalise_id_number(filters.get("id_number") or "")
    if id_number:
        qs = qs.filter(id_number_bidx=id_blind_index(id_number))
    cert = normalise_id_number(filters.get("certificate_number") or "")
    if cert:
        qs = qs.filter(certificates__number_bidx=certificate_blind_index(cert))
    division = str(filters.get("division") or "").strip()
    if division:
        qs = qs.filter(prefix_q("division_code", division))
    for key in ("category", "level", "status", "sex", "household_type"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    today = timezone.localdate()
    age_min, age_max = filters.get("age_min"), filters.get("age_max")
    if age_min not in (None, ""):
        qs = qs.filter(birth_date__lte=_years_before(today, int(age_min)))
    if age_max not in (None, ""):
        # Younger than age_max + 1 whole years: born after that day.
        qs = qs.filter(birth_date__gt=_years_before(today, int(age_max) + 1))
    statuses = filters.get("household_status")
    if isinstance(statuses, str):
        statuses = [statuses] if statuses else []
    for key in list(statuses or []) + [k for k in HOUSEHOLD_FILTERS if filters.get(k) in (True, "1", "true", "on")]:
        if key in HOUSEHOLD_FILTERS:
            # Current status only: flagged and not ended before today.
            qs = qs.filter(Q(**{HOUSEHOLD_FILTERS[key]: True})
                           & (Q(**{f"household__{key}_until__isnull": True})
                              | Q(**{f"household__{key}_until__gte": today})))
    return qs.order_by(*ORDERING.get(str(filters.get("ordering") or ""), DEFAULT_ORDERING))


def person_page(queryset: QuerySet[Person], start: int, stop: int) -> QuerySet[Person]:
    """Rows ``start:stop`` of a ``person_list`` queryset, picked by id first (a "deferred join").

    The inner query selects and sorts only ids and the sort key (an index-only
    scan for the default order, by name or by age), so OFFSET skips narrow
    index entries instead of whole rows, and a sort never spills wide rows to
    disk; the outer query then reads just the page's rows by primary key. One
    query, and the ids come from the scoped queryset, so scope is unchanged.
    """
    ids = queryset.order_by(*queryset.query.order_by).values("pk")[start:stop]
    return Person.objects.filter(pk__in=ids).order_by(*queryset.query.order_by)


def person_get(*, user: Any, person_id: int) -> Person:
    """One person the user may see (merged records too: their page points to the kept one); else 404."""
    return get_scoped_or_404(Person.objects.select_related("household", "merged_into"), user, pk=person_id)


def person_find_by_id_number(*, user: Any, id_number: str) -> Person | None:
    number = normalise_id_number(id_number)
    if not number:
        return None
    return scoped(Person.objects.all(), user).filter(id_number_bidx=id_blind_index(number)).first()


def person_certificates(*, user: Any, person_id: int) -> QuerySet:
    person = person_get(user=user, person_id=person_id)
    return person.certificates.prefetch_related("components").order_by("-is_current", "-issue_date", "-id")


def person_history(*, user: Any, person_id: int) -> list[PersonVersion]:
    """All versions of a person the user may see, newest first."""
    person = person_get(user=user, person_id=person_id)
    return list(PersonVersion.objects.filter(person=person).order_by("-version"))


def person_as_of(*, user: Any, person_id: int, when: datetime | date) -> dict[str, Any] | None:
    """The masked record as it was at ``when`` (a date means the end of that day); None before it existed."""
    person = person_get(user=user, person_id=person_id)
    if not isinstance(when, datetime):
        when = datetime.combine(when, time.max)
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    row = PersonVersion.objects.filter(person=person, created_at__lte=when).order_by("-version").first()
    if row is None:
        return None
    return {**row.snapshot, "version": row.version, "as_of": row.created_at.isoformat()}


def duplicate_candidate_list(*, user: Any, status: str | None = DuplicateStatus.OPEN) -> QuerySet[DuplicateCandidate]:
    """Candidate pairs inside the user's region (the pair's common division), open ones by default."""
    qs = scoped(DuplicateCandidate.objects.select_related("person_a", "person_b"), user)
    if status:
        qs = qs.filter(status=status)
        if status == DuplicateStatus.OPEN:
            qs = qs.filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
    return qs.order_by("-score", "-created_at", "-id")


def duplicate_candidate_get(*, user: Any, candidate_id: int) -> DuplicateCandidate:
    return get_scoped_or_404(DuplicateCandidate.objects.select_related("person_a", "person_b"), user, pk=candidate_id)


def person_merge_conflicts(*, user: Any, keep_id: int, other_id: int) -> dict[str, list[Any]]:
    """Masked ``{field: [keep, other]}`` of the fields a reviewer must choose between."""
    from dsip.registry.services._records import person_plain
    from dsip.registry.services.merge import merge_conflicts

    keep = person_get(user=user, person_id=keep_id)
    other = person_get(user=user, person_id=other_id)
    if keep.pk == other.pk:
        raise Http404
    return merge_conflicts(person_plain(keep), person_plain(other))
