"""The county person list page over a county of 50,000 persons (run bench_seed.py first).

    DSIP_DATABASE_URL=postgres://… .venv/bin/python bench/bench_list.py [--county 420106] [--size 50000]

Tops the county up to ``--size`` persons with ``seed --county`` if needed (then VACUUM ANALYZE, as
after any bulk load), signs in a county entry clerk with Django's test Client and prints the
median and p95 server time and the number of queries of the first page, a filtered page, page 100
and the last page in the default order (division, name), and of page 100 sorted by age and by
last change. Target < 150 ms. The load average is printed before and after: other work on the
machine shows in the figures.
"""

from __future__ import annotations

import argparse
import os
import time

from _common import ensure_divisions, setup_django, summary_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--county", default="420106")
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from dsip.accounts.models import OrgUnit, User
    from dsip.registry.models import Person
    from dsip.registry.seed import seed_persons

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ensure_divisions(args.county[:2])
    have = Person.objects.filter(division_code__startswith=args.county).count()
    if have < args.size:
        print(f"county {args.county}: {have:,} persons, seeding {args.size - have:,} more")
        seed_persons(persons=args.size - have, province=args.county[:2], county=args.county, seed=4242)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_person")  # the seed only vacuums loads of 100k+
    size = Person.objects.filter(division_code__startswith=args.county).count()
    unit, _ = OrgUnit.objects.get_or_create(name=f"{args.county} 残联(bench)", division_code=args.county,
                                            defaults={"kind": "federation", "level": "county",
                                                      "division_id": args.county})
    user, _ = User.objects.get_or_create(username=f"bench_clerk_{args.county}",
                                         defaults={"org_unit": unit, "roles": ["entry_clerk"]})
    client = Client()
    client.force_login(user)
    url = reverse("registry:person_list")
    print(f"persons in county {args.county}: {size:,} (registry total {Person.objects.count():,})")
    last = str(-(-size // 50))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for label, query in (("first page", {}), ("category 4, level 3", {"category": "4", "level": "3"}),
                         ("page 100", {"page": "100"}), (f"last page ({last})", {"page": last}),
                         ("page 100 by age", {"page": "100", "ordering": "-birth_date"}),
                         ("page 100 by last change", {"page": "100", "ordering": "-updated"})):
        client.get(url, query)  # warm up
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url, query)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, query)
        print(f"list page, {label}: {summary_ms(samples)}; {len(ctx.captured_queries)} queries; target < 150 ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
