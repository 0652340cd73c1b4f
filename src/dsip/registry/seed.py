"""A synthetic province: realistic, deterministic persons over real county codes.

``dsip seed --persons N --province CODE [--county CODE] --seed S`` fills the
registry for demos, tests and benchmarks. Everything is derived from
``random.Random`` seeded per (seed, county, chunk), so the same arguments give
the same ID numbers, names and certificates on any machine and with any
number of worker processes. Birth dates are drawn relative to a fixed
reference date (``REF_DATE``) for the same reason; only the re-assessment due
dates follow the real calendar so that "due soon" lists are never empty.

Distributions (approximate, documented in docs/data-formats.md):

* category, among certificate holders (physical about half, as in the
  federation's certificate statistics; the 2006 second national sample survey
  counts more hearing and multiple disability among all persons, but the
  registry holds certificate holders): physical 50 %, mental 11 %, multiple
  10 %, intellectual 9 %, hearing 9 %, visual 9 %, speech 2 %;
* level: 1 → 14 %, 2 → 22 %, 3 → 28 %, 4 → 36 % (skewed to the milder levels);
* age, skewed older: 0–14 4 %, 15–44 18 %, 45–59 26 %, 60–79 39 %, 80–99 13 %;
* agricultural household 62 %; 低保 18 % (rural 22 %), 特困 3 %, low income 7 %;
* about 30 % of certificates carry a re-assessment date, a sixth of those due
  within the next 90 days or overdue.

The heavy part is sealing four values per person (ID, certificate, phone,
address) through ``field_cipher().seal`` as the application does. Generation
runs in worker processes (two on this machine) and the parent streams the rows
into the database with one bulk path: PostgreSQL ``COPY`` through psycopg 3,
``executemany`` batches on SQLite. Every person also gets version 1 in its
history (source ``seed``); the run writes one audit entry and one outbox event
(``person.bulk_loaded``) rather than a million of each, which consumers treat
as "rebuild from the registry".
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import multiprocessing
import operator
import os
import random
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from dsip.audit.services import audit_record
from dsip.core.crypto import field_cipher
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.masking import mask_address, mask_certificate, mask_id_number, mask_phone
from dsip.core.outbox import outbox_append
from dsip.registry.bulk import CopyText, Table, bulk_insert, encode_rows
from dsip.registry.choices import VersionSource
from dsip.registry.models import Certificate, CertificateComponent, Household, Person, PersonVersion
from dsip.registry.services._records import HOUSEHOLD_FIELDS, SNAPSHOT_FIELDS, sealed_context
from dsip.registry.validation import CHECK_CHARS, WEIGHTS

REF_DATE = date(2025, 1, 1)
# The same associated data and blind-index purposes as the registry services, so seeded values open and match.
CTX_ID = sealed_context("id_number")
CTX_ADDRESS = sealed_context("address")
CTX_PHONE = sealed_context("phone")
CTX_GUARDIAN = sealed_context("guardian_phone")
CTX_CERT = sealed_context("certificate_number")
PERSON_PLAIN = (
    "name", "sex", "birth_date", "ethnicity", "division_code", "household_type", "marital_status", "education_level",
    "guardian_name", "guardian_relation", "relation_to_head", "status", "status_date", "status_source",
    "category", "level",
)
HOUSEHOLD_COLUMNS = HOUSEHOLD_FIELDS
CHUNK = 20_000  # persons per generated chunk (and per database batch)
BULK_MODE_FROM = 100_000  # from this many persons, rebuild indexes at the end instead of maintaining them

# ---------------------------------------------------------------------------
# Vocabularies

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_MALE_CHARS = "伟强军勇杰磊涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊峰建国志文林海东亮成兵春荣德胜祥福贵生忠"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲桂兰萍红梅琴云莲慧燕婷雪琳倩颖洁玉珍凤彩春菊淑华美小佳欣"
_STREETS = "解放路 中山路 人民路 建设路 和平街 友谊路 胜利街 民主路 新华路 长江路 滨江路 学府路 幸福路 光明街".split()
_VILLAGE_GROUPS = "一组 二组 三组 四组 五组 六组 七组 八组".split()
_RELATIONS = ["父亲", "母亲", "配偶", "子女", "兄弟姐妹"]

CATEGORY_WEIGHTS = (("4", 50), ("6", 11), ("7", 10), ("5", 9), ("2", 9), ("1", 9), ("3", 2))
LEVEL_WEIGHTS = (("1", 14), ("2", 22), ("3", 28), ("4", 36))
AGE_BANDS = ((0, 14, 4), (15, 44, 18), (45, 59, 26), (60, 79, 39), (80, 99, 13))
MARITAL = (("10", 22), ("20", 58), ("30", 14), ("40", 6))
EDUCATION = (("0", 18), ("1", 34), ("2", 30), ("3", 11), ("4", 4), ("5", 3))


def _cum(pairs: Iterable[tuple[Any, float]]) -> tuple[list[Any], list[float]]:
    values, cum, total = [], [], 0.0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, [c / total for c in cum]


def _pick(rng: random.Random, table: tuple[list[Any], list[float]]) -> Any:
    values, cum = table
    return values[bisect.bisect_left(cum, rng.random())]


_SURNAME_TABLE = _cum((s, 1.0 / (i + 4)) for i, s in enumerate(_SURNAMES))
_CAT = _cum(CATEGORY_WEIGHTS)
_LVL = _cum(LEVEL_WEIGHTS)
_AGE = _cum(((lo, hi), w) for lo, hi, w in AGE_BANDS)
_MAR = _cum(MARITAL)
_EDU = _cum(EDUCATION)


def _pinyin_table() -> dict[str, str]:
    from pypinyin import lazy_pinyin

    chars = set(_SURNAMES + _MALE_CHARS + _FEMALE_CHARS)
    return {c: lazy_pinyin(c)[0] for c in chars}


# ---------------------------------------------------------------------------
# Plans: which county gets how many persons, and which ids


@dataclass(frozen=True)
class Place:
    code: str
    urban: bool | None  # None when the class is unknown


@dataclass(frozen=True)
class ChunkPlan:
    county: str
    address_prefix: str  # "湖北省武汉市武昌区"
    places: tuple[Place, ...]
    chunk_no: int
    chunks: int  # chunks of this county; birth days are partitioned by it so IDs stay unique
    count: int
    person_id_base: int
    household_id_base: int
    seed: int


@dataclass
class Chunk:
    """Rows of one chunk, as tuples in the column order of ``Columns``."""

    households: list[tuple] | CopyText = field(default_factory=list)
    persons: list[tuple] | CopyText = field(default_factory=list)
    certificates: list[tuple] | CopyText = field(default_factory=list)
    components: list[tuple] | CopyText = field(default_factory=list)
    versions: list[tuple] | CopyText = field(default_factory=list)
    id_bidx: list[str] = field(default_factory=list)


class Columns:
    """The ``bulk.Table`` of each table a seed writes, by key."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {
            "households": Table(Household), "persons": Table(Person), "certificates": Table(Certificate),
            "components": Table(CertificateComponent, with_id=False), "versions": Table(PersonVersion, with_id=False),
        }

    def row(self, key: str, values: dict[str, Any]) -> tuple:
        return self.tables[key].row(values)


def _counties(province: str, county: str | None) -> list[tuple[str, str, tuple[Place, ...]]]:
    """(county code, address prefix, places) for the target area, from the regions table."""
    from dsip.regions.models import Division

    if county:
        if not county.startswith(province) or len(county) != 6 or not county.isdigit():
            raise DomainError(code=ErrorCode.INVALID, message=f"--county {county} must be a 6-digit code inside {province}.")
        codes = [county]
    else:
        codes = list(
            Division.objects.filter(level=6, code__startswith=province, abolished=False).values_list("code", flat=True)
        )
        if not codes:
            raise DomainError(
                code=ErrorCode.UNKNOWN_DIVISION,
                message=f"No counties under {province}: load the division list first (dsip regions load-base).",
            )
    names = dict(Division.objects.filter(code__in={c[:n] for c in codes for n in (2, 4, 6)}).values_list("code", "name"))
    villages: dict[str, list[Place]] = {}
    for code, urban_rural in Division.objects.filter(level=12, code__startswith=province if not county else county,
                                                      abolished=False).values_list("code", "urban_rural").order_by("code"):
        villages.setdefault(code[:6], []).append(Place(code, urban_rural.startswith("1") if urban_rural else None))
    out = []
    for code in sorted(codes):
        prefix = "".join(names.get(code[:n], "") for n in (2, 4, 6) if names.get(code[:n], "") != names.get(code[:n - 2], None))
        out.append((code, prefix or code, tuple(villages.get(code, [])) or (Place(code, None),)))
    return out


def _allocate(total: int, counties: list[Any], rng: random.Random) -> list[int]:
    """Split ``total`` over counties with uneven, deterministic weights (county populations differ)."""
    weights = [rng.lognormvariate(0, 0.5) for _ in counties]
    s = sum(weights)
    counts = [int(total * w / s) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


# ---------------------------------------------------------------------------
# Generation (runs in worker processes)

_WORKER_STATE: dict[str, Any] = {}


def _worker_state() -> dict[str, Any]:
    if not _WORKER_STATE:
        _WORKER_STATE["cols"] = Columns()
        _WORKER_STATE["pinyin"] = _pinyin_table()
    return _WORKER_STATE


def generate_chunk(plan: ChunkPlan, now: datetime, today: date, actor: tuple[int | None, str],
                   encode: bool = False) -> Chunk:
    """The rows of one chunk; ``encode`` returns them as COPY text (``bulk.encode_rows``) for PostgreSQL."""
    state = _worker_state()
    cols: Columns = state["cols"]
    pinyin: dict[str, str] = state["pinyin"]
    cipher = field_cipher()
    rng = random.Random(f"dsip-seed:{plan.seed}:{plan.county}:{plan.chunk_no}")
    ref_ord = REF_DATE.toordinal()
    used: set[str] = set()
    out = Chunk()
    actor_id, actor_name = actor
    for i in range(plan.count):
        pid = plan.person_id_base + i
        hid = plan.household_id_base + i
        place = plan.places[rng.randrange(len(plan.places))]
        # Sex first, then a birth day in this chunk's share of days, then a free sequence number.
        male = rng.random() < 0.52
        lo, hi = _pick(rng, _AGE)
        while True:
            age_days = rng.randrange(lo * 365, (hi + 1) * 365)
            day = ref_ord - age_days
            day -= (day - plan.chunk_no) % plan.chunks
            birth = date.fromordinal(day)
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"{plan.county}{birth:%Y%m%d}{seq:03d}"
            if first17 not in used:
                used.add(first17)
                break
        id_number = first17 + CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]
        surname = _pick(rng, _SURNAME_TABLE)
        chars = _MALE_CHARS if male else _FEMALE_CHARS
        given = chars[rng.randrange(len(chars))] + (chars[rng.randrange(len(chars))] if rng.random() < 0.7 else "")
        name = surname + given
        name_pinyin = "".join(pinyin[c] for c in name)

        rural = (not place.urban) if place.urban is not None else rng.random() < 0.62
        household_type = "A" if rural else "N"
        category = _pick(rng, _CAT)
        level = _pick(rng, _LVL)
        components: list[tuple[str, str]] = []
        if category == "7":
            cats = rng.sample(["1", "2", "3", "4", "5", "6"], 2)
            components = sorted((c, _pick(rng, _LVL)) for c in cats)
            level = min(lvl for _c, lvl in components)
        age = (ref_ord - day) // 365
        if place.code != plan.county:
            address = f"{plan.address_prefix}{_VILLAGE_GROUPS[rng.randrange(8)]}{rng.randrange(1, 200)}号" if rural else \
                f"{plan.address_prefix}{_STREETS[rng.randrange(len(_STREETS))]}{rng.randrange(1, 400)}号"
        else:
            address = f"{plan.address_prefix}{_STREETS[rng.randrange(len(_STREETS))]}{rng.randrange(1, 400)}号"
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else ""
        needs_guardian = age < 18 or category in ("5", "6")
        guardian_phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if needs_guardian else ""
        guardian_name = (surname + _MALE_CHARS[rng.randrange(len(_MALE_CHARS))]) if needs_guardian else ""
        marital = "10" if age < 20 else _pick(rng, _MAR)
        education = _pick(rng, _EDU) if age >= 7 else "0"
        dibao = rng.random() < (0.22 if rural else 0.12)
        tekun = not dibao and rng.random() < 0.03
        low_income = not dibao and not tekun and rng.random() < 0.07
        since = REF_DATE - timedelta(days=rng.randrange(30, 3650))
        status, status_date = "active", None
        if rng.random() < 0.01:
            status, status_date = "deceased", REF_DATE - timedelta(days=rng.randrange(1, 700))

        issue = date.fromordinal(max(day + 30, ref_ord - rng.randrange(30, 3650)))
        reassess = None
        if rng.random() < 0.3:
            reassess = today + timedelta(days=rng.randrange(-60, 90)) if rng.random() < 1 / 6 else \
                today + timedelta(days=rng.randrange(90, 4 * 365))
        cert_number = id_number + category + level

        sex = "M" if male else "F"
        plain = {
            "name": name, "sex": sex, "birth_date": birth,
            "ethnicity": "01" if rng.random() < 0.93 else f"{rng.randrange(2, 57):02d}",
            "id_number": id_number, "division_code": place.code, "household_type": household_type,
            "address": address, "phone": phone, "marital_status": marital, "education_level": education,
            "guardian_name": guardian_name,
            "guardian_relation": _RELATIONS[rng.randrange(len(_RELATIONS))] if needs_guardian else "",
            "guardian_phone": guardian_phone, "relation_to_head": "户主" if age >= 18 else "子女",
            "status": status, "status_date": status_date, "status_source": "seed" if status_date else "",
            "certificate_number": cert_number, "category": category, "level": level, "issue_date": issue,
            "reassess_date": reassess, "components": components,
            "dibao": dibao, "dibao_since": since if dibao else None, "dibao_until": None,
            "tekun": tekun, "tekun_since": since if tekun else None, "tekun_until": None,
            "low_income": low_income, "low_income_since": since if low_income else None, "low_income_until": None,
            "household_id": hid,
        }
        id_bidx = cipher.blind_index(id_number, purpose="id_number")
        out.id_bidx.append(id_bidx)
        out.households.append(cols.row("households", {
            **{k: plain[k] for k in HOUSEHOLD_COLUMNS}, "id": hid, "division_code": place.code,
            "created_at": now, "updated_at": now,
        }))
        out.persons.append(cols.row("persons", {
            **{k: plain[k] for k in PERSON_PLAIN}, "id": pid, "name_pinyin": name_pinyin,
            "id_number_enc": cipher.seal(id_number, context=CTX_ID), "id_number_bidx": id_bidx,
            "id_number_mask": mask_id_number(id_number), "household_id": hid,
            "address_enc": cipher.seal(address, context=CTX_ADDRESS), "address_mask": mask_address(address),
            "phone_enc": cipher.seal(phone, context=CTX_PHONE),
            "phone_bidx": cipher.blind_index(phone, purpose="phone"), "phone_mask": mask_phone(phone),
            "guardian_phone_enc": cipher.seal(guardian_phone, context=CTX_GUARDIAN),
            "guardian_phone_mask": mask_phone(guardian_phone),
            "version": 1, "created_at": now, "updated_at": now,
        }))
        out.certificates.append(cols.row("certificates", {
            "id": pid, "person_id": pid, "number_enc": cipher.seal(cert_number, context=CTX_CERT),
            "number_bidx": cipher.blind_index(cert_number, purpose="certificate_number"),
            "number_mask": mask_certificate(cert_number), "category": category, "level": level,
            "issue_date": issue, "reassess_date": reassess, "is_current": True,
        }))
        for c, lvl in components:
            out.components.append(cols.row("components", {"certificate_id": pid, "category": c, "level": lvl}))
        out.versions.append(cols.row("versions", {
            "person_id": pid, "version": 1, "division_code": place.code, "created_at": now,
            "actor_id": actor_id, "actor_username": actor_name, "source": VersionSource.SEED.value,
            "reason": "synthetic data", "changes": "{}",
            "snapshot": json.dumps(_snapshot(plain), ensure_ascii=False),
        }))
    if encode:
        for key in ("households", "persons", "certificates", "components", "versions"):
            setattr(out, key, encode_rows(getattr(out, key)))
        out.id_bidx = []  # only needed to filter existing persons, which the encoded path never does
    return out


def _snapshot(plain: dict[str, Any]) -> dict[str, Any]:
    """The masked snapshot of version 1: what ``masked_snapshot`` gives, built directly (it runs a million times)."""
    snap = {name: plain[name] for name in SNAPSHOT_FIELDS}
    snap["id_number"] = mask_id_number(plain["id_number"])
    snap["certificate_number"] = mask_certificate(plain["certificate_number"])
    snap["address"] = mask_address(plain["address"])
    snap["phone"] = mask_phone(plain["phone"])
    snap["guardian_phone"] = mask_phone(plain["guardian_phone"])
    for name in _DATE_FIELDS:
        if snap[name] is not None:
            snap[name] = snap[name].isoformat()
    snap["components"] = [list(c) for c in plain["components"]]
    return snap


_DATE_FIELDS = tuple(n for n in SNAPSHOT_FIELDS if n.endswith(("_date", "_since", "_until")))


# ---------------------------------------------------------------------------
# Writing


def _write(cols: Columns, chunk: Chunk) -> None:
    for key in ("households", "persons", "certificates", "components", "versions"):
        bulk_insert(cols.tables[key], getattr(chunk, key))


def _reserve_ids(models_: Iterable[type[models.Model]], n: int) -> dict[type[models.Model], int]:
    """First free id of each table after locking it; ids [base, base + n) are ours for this run."""
    bases = {}
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table from model meta
            bases[model] = cursor.fetchone()[0] + 1
    return bases


def _fix_sequences(models_: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT bookkeeping follows explicit ids by itself
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )


@contextlib.contextmanager
def _bulk_load_mode(models_: Iterable[type[models.Model]], enabled: bool) -> Iterator[None]:
    """On PostgreSQL, for large loads: drop secondary indexes and foreign keys, rebuild them once at the end.

    Building an index over a million sorted rows is several times faster than
    maintaining it row by row, and re-adding a foreign key checks all rows in
    one join instead of one trigger call per row. Unique constraints and primary
    keys stay, so uniqueness is still enforced while loading. Everything runs in
    the caller's transaction (PostgreSQL DDL is transactional): a failure
    restores the indexes with the rollback.
    """
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [tables],
        )
        fks = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique", [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in fks:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in fks:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        # Fresh statistics, or the planner treats a million new rows as an empty table until autovacuum runs.
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def _vacuum_after_load(models_: Iterable[type[models.Model]]) -> None:
    """VACUUM ANALYZE the loaded tables on PostgreSQL, once the load has committed.

    Fresh rows are not marked all-visible until a VACUUM, so until autovacuum
    gets to them every "index-only" scan still reads the heap: the county list's
    COUNT and its id-first page scans cost 3-6x more (bench_list: ~25 ms pages
    vs 60-100 ms). VACUUM cannot run in a transaction; inside one (tests, a
    caller's atomic block) this is skipped and autovacuum does it later.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')


@dataclass
class SeedResult:
    persons: int
    skipped_existing: int
    counties: int
    seconds: float


def _plans(total: int, province: str, county: str | None, seed: int, person_base: int,
           household_base: int) -> list[ChunkPlan]:
    counties = _counties(province, county)
    counts = _allocate(total, counties, random.Random(f"dsip-seed:{seed}:alloc:{province}:{county}"))
    plans, pid, hid = [], person_base, household_base
    for (code, prefix, places), count in zip(counties, counts, strict=True):
        chunks = max(1, -(-count // CHUNK))
        for k in range(chunks):
            n = count // chunks + (1 if k < count % chunks else 0)
            if n:
                plans.append(ChunkPlan(code, prefix, places, k, chunks, n, pid, hid, seed))
                pid += n
                hid += n
    return plans


def _drop_existing(chunk: Chunk, existing: set[str]) -> int:
    """Remove persons already in the registry (a re-run with the same seed adds nothing)."""
    keep = [i for i, b in enumerate(chunk.id_bidx) if b not in existing]
    dropped = len(chunk.id_bidx) - len(keep)
    if not dropped:
        return 0
    kept_ids = {chunk.persons[i][0] for i in keep}
    chunk.households = [chunk.households[i] for i in keep]
    chunk.persons = [chunk.persons[i] for i in keep]
    chunk.certificates = [chunk.certificates[i] for i in keep]
    chunk.versions = [chunk.versions[i] for i in keep]
    chunk.components = [r for r in chunk.components if r[0] in kept_ids]
    chunk.id_bidx = [chunk.id_bidx[i] for i in keep]
    return dropped


def _generate(plans: list[ChunkPlan], workers: int, now: datetime, today: date,
              actor: tuple[int | None, str], encode: bool) -> Iterator[Chunk]:
    """Chunks in plan order; with workers > 1 at most 2 × workers chunks are in flight (bounded memory)."""
    if workers <= 1:
        for plan in plans:
            yield generate_chunk(plan, now, today, actor, encode)
        return
    # fork: children inherit settings and keys; they never touch the database and leave through os._exit,
    # so the parent's connection is not closed by them.
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: list[Future[Chunk]] = []
        it = iter(plans)
        for plan in itertools.islice(it, workers * 2):
            pending.append(pool.submit(generate_chunk, plan, now, today, actor, encode))
        while pending:
            chunk = pending.pop(0).result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(generate_chunk, nxt, now, today, actor, encode))
            yield chunk


def seed_persons(*, persons: int, province: str, county: str | None = None, seed: int = 1, actor: Any = None,
                 workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> SeedResult:
    """Generate and load ``persons`` synthetic persons in one transaction; returns counts and time."""
    import time

    started = time.perf_counter()
    if persons < 1:
        raise DomainError(code=ErrorCode.INVALID, message="--persons must be at least 1.")
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if persons >= 50_000 else 1
    now = timezone.now()
    today = timezone.localdate()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    actor_key = (actor.pk if authenticated else None, actor.get_username() if authenticated else "seed")
    cols = Columns()
    written = skipped = 0
    tables = (Household, Person, Certificate)
    with transaction.atomic():
        bases = _reserve_ids(tables, persons)
        base = max(bases[Person], bases[Certificate])
        plans = _plans(persons, province, county, seed, base, bases[Household])
        scope = county or province
        existing: set[str] = set()
        if Person.objects.filter(division_code__startswith=scope).exists():
            existing = set(Person.objects.filter(division_code__startswith=scope).values_list("id_number_bidx", flat=True))
        with _bulk_load_mode(tables + (CertificateComponent, PersonVersion), persons >= BULK_MODE_FROM):
            # Workers format COPY text themselves unless rows must be filtered against existing persons.
            encode = connection.vendor == "postgresql" and not existing
            for chunk in _generate(plans, workers, now, today, actor_key, encode):
                if existing:
                    skipped += _drop_existing(chunk, existing)
                _write(cols, chunk)
                written += len(chunk.persons)
                if progress:
                    progress(written + skipped, persons)
        _fix_sequences(tables + (CertificateComponent, PersonVersion))
        summary = {"persons": written, "skipped_existing": skipped, "seed": seed, "province": province,
                   "county": county or "", "counties": len({p.county for p in plans})}
        audit_record(action="person.seeded", object_type="registry.Person", division_code=scope,
                     changes=summary, reason="synthetic data", actor=actor)
        if written:
            outbox_append(topic="person.bulk_loaded", aggregate_type="registry.Person", aggregate_id=scope,
                          division_code=scope, payload={"source": "seed", **summary})
    if written:
        _vacuum_after_load((Person,))  # the list's index-only scans; ~1-3 s for a million persons
    return SeedResult(written, skipped, summary["counties"], time.perf_counter() - started)
