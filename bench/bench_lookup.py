"""Exact lookup by ID number through the blind index on a seeded registry (run bench_seed.py first).

    DSIP_DATABASE_URL=postgres://… .venv/bin/python bench/bench_lookup.py [--lookups 1000]

Prints median / p95 of the server time of ``person_find_by_id_number`` (normalise, HMAC, one
indexed query) and the database execution time of that query from EXPLAIN ANALYZE. Target < 5 ms.
"""

from __future__ import annotations

import argparse
import random
import time

from _common import setup_django, summary_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookups", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from dsip.accounts.models import OrgUnit, User
    from dsip.core.crypto import field_cipher
    from dsip.registry.models import Person
    from dsip.registry.selectors import person_find_by_id_number
    from dsip.registry.services._records import id_blind_index, sealed_context

    total = Person.objects.count()
    if total == 0:
        raise SystemExit("No persons: run bench/bench_seed.py first.")
    unit, _ = OrgUnit.objects.get_or_create(name="湖北省残联(bench)", division_code="42",
                                            defaults={"kind": "federation", "level": "province"})
    user, _ = User.objects.get_or_create(username="bench_province", defaults={"org_unit": unit,
                                                                              "roles": ["province_reviewer"]})
    rng = random.Random(1)
    max_id = Person.objects.order_by("-id").values_list("id", flat=True).first()
    sample = list(Person.objects.filter(id__in=[rng.randrange(1, max_id + 1) for _ in range(args.lookups * 2)])
                  .values_list("id_number_enc", flat=True)[: args.lookups])
    cipher = field_cipher()
    numbers = [cipher.open(enc, context=sealed_context("id_number")) for enc in sample]
    person_find_by_id_number(user=user, id_number=numbers[0])  # warm up
    samples = []
    for number in numbers:
        start = time.perf_counter()
        found = person_find_by_id_number(user=user, id_number=number.lower())
        samples.append(time.perf_counter() - start)
        assert found is not None
    print(f"persons: {total:,}")
    print(f"lookup by ID number (server time): {summary_ms(samples)}; target < 5 ms")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM registry_person WHERE id_number_bidx = %s",
                       [id_blind_index(numbers[0])])
        plan = cursor.fetchone()[0][0]
    print(f"database execution time of the query: {plan['Execution Time']:.3f} ms ({plan['Plan']['Node Type']})")


if __name__ == "__main__":
    main()
