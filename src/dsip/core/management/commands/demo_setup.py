"""Prepare the demo: database, divisions, org units, one login per role, seed persons.

Runs only with ``DSIP_DEMO=1`` because it creates accounts with a published
password and prints two-factor secrets. Running it again changes nothing that
exists: org units and users are looked up by their natural keys first, and the
seed step is skipped once the demo province has persons.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from dsip.accounts.models import OrgKind, OrgUnit, User
from dsip.accounts.roles import Role, needs_two_factor
from dsip.accounts.services import org_unit_create, user_create
from dsip.accounts.two_factor import DEVICE_NAME, confirmed_device, secret_base32
from dsip.audit.services import audit_record
from dsip.core.context import actor_context
from dsip.regions.models import Division

# Meets AUTH_PASSWORD_VALIDATORS (length, three character classes, not common).
DEMO_PASSWORD = "Dsip-Demo-2025!"
PROVINCE, CITY, COUNTY, OTHER_COUNTY = "42", "4201", "420106", "420111"
DEFAULT_PERSONS = 3000
SEED = 2025


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    division_code: str | None  # None: national; "township": the first demo township of COUNTY
    kind: str = OrgKind.FEDERATION
    department: str = ""


@dataclass(frozen=True)
class LoginSpec:
    username: str
    full_name: str
    role: Role
    unit: str


UNITS = [
    UnitSpec("national", "中国残联信息中心", None),
    UnitSpec("province", "湖北省残联", PROVINCE),
    UnitSpec("civil_affairs", "湖北省民政厅", PROVINCE, OrgKind.DEPARTMENT, "mz"),
    UnitSpec("city", "武汉市残联", CITY),
    UnitSpec("county", "武昌区残联", COUNTY),
    UnitSpec("provider", "武昌区残疾人康复中心", COUNTY, OrgKind.PROVIDER),
    UnitSpec("township", "{township}残联", "township"),
    UnitSpec("other_county", "洪山区残联", OTHER_COUNTY),
]

LOGINS = [
    LoginSpec("national_auditor", "国家审计员（演示）", Role.NATIONAL_AUDITOR, "national"),
    LoginSpec("hubei_reviewer", "省级审核员（演示）", Role.PROVINCE_REVIEWER, "province"),
    LoginSpec("hubei_analyst", "省级分析员（演示）", Role.ANALYST, "province"),
    LoginSpec("hubei_admin", "系统管理员（演示）", Role.SYSTEM_ADMIN, "province"),
    LoginSpec("mz_liaison", "民政联络员（演示）", Role.DEPARTMENT_LIAISON, "civil_affairs"),
    LoginSpec("wuhan_analyst", "市级分析员（演示）", Role.ANALYST, "city"),
    LoginSpec("wuchang_reviewer", "县级审核员（演示）", Role.COUNTY_REVIEWER, "county"),
    LoginSpec("wuchang_clerk", "录入员（演示）", Role.ENTRY_CLERK, "county"),
    LoginSpec("wuchang_provider", "康复中心人员（演示）", Role.PROVIDER_STAFF, "provider"),
    LoginSpec("wuchang_collector", "采集员（演示）", Role.COLLECTOR, "township"),
    # A clerk in a second county shows region scoping: none of Wuchang's people are visible.
    LoginSpec("hongshan_clerk", "洪山区录入员（演示）", Role.ENTRY_CLERK, "other_county"),
]

def _division(code: str) -> Division:
    try:
        return Division.objects.get(code=code)
    except Division.DoesNotExist as exc:
        raise CommandError(f"Division {code} is missing after `dsip regions load-base`.") from exc


def _demo_township() -> Division:
    township = Division.objects.filter(code__startswith=COUNTY, level=9).order_by("code").first()
    if township is None:
        raise CommandError(f"No township under {COUNTY} after `dsip regions demo --county {COUNTY}`.")
    return township


def _org_unit_ensure(spec: UnitSpec, division: Division | None, name: str) -> OrgUnit:
    code = division.code if division is not None else ""
    unit = OrgUnit.objects.filter(name=name, division_code=code).first()
    if unit is not None:
        return unit
    return org_unit_create(name=name, kind=spec.kind, division_code=code, department=spec.department,
                           is_demo=True, actor=None)


@transaction.atomic
def _totp_ensure(user: User) -> TOTPDevice:
    """A confirmed device whose secret the demo prints; an existing one is kept so apps stay valid."""
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        audit_record(action="auth.2fa_enrolled", object_type="user", object_id=user.pk,
                     division_code=user.scope_code or "", changes={"device": device.pk, "demo": True})
    return device


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = "Create the demo database, org units and logins (DSIP_DEMO=1 only). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS,
                            help=f"Persons to seed in the demo county (default {DEFAULT_PERSONS}; 0 skips).")

    def handle(self, *args, persons: int, verbosity: int, **options):
        if not getattr(settings, "DEMO", False):
            raise CommandError(
                "demo_setup creates logins with a published password and prints two-factor secrets; "
                "it runs only with DSIP_DEMO=1. Never set DSIP_DEMO on a production server."
            )
        quiet = max(verbosity - 1, 0)
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=quiet, stdout=self.stdout)
        self.stdout.write("Loading divisions…")
        call_command("regions", "load-base", verbosity=quiet, stdout=self.stdout)
        call_command("regions", "demo", "--county", COUNTY, verbosity=quiet, stdout=self.stdout)

        with actor_context(channel="cli"):
            units = self._units()
            rows, secrets = self._logins(units)
        self._seed(persons, quiet)
        self._report(rows, secrets)

    def _units(self) -> dict[str, OrgUnit]:
        township = _demo_township()
        units: dict[str, OrgUnit] = {}
        for spec in UNITS:
            if spec.division_code is None:
                division, name = None, spec.name
            elif spec.division_code == "township":
                division, name = township, spec.name.format(township=township.name)
            else:
                division, name = _division(spec.division_code), spec.name
            units[spec.key] = _org_unit_ensure(spec, division, name)
        return units

    def _logins(self, units: dict[str, OrgUnit]) -> tuple[list[list[str]], list[tuple[str, str]]]:
        rows = [["username", "role", "org unit", "region", "2FA"]]
        secrets: list[tuple[str, str]] = []
        for spec in LOGINS:
            unit = units[spec.unit]
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = user_create(username=spec.username, full_name=spec.full_name, org_unit=unit,
                                   roles=[spec.role.value], password=DEMO_PASSWORD, actor=None)
            two_factor = needs_two_factor(user.roles)
            if two_factor:
                secrets.append((user.username, secret_base32(_totp_ensure(user))))
            region = f"{unit.division.name} {unit.division_code}" if unit.division else "全国 national"
            rows.append([user.username, str(spec.role.label), unit.name, region, "TOTP" if two_factor else "-"])
        return rows, secrets

    def _seed(self, persons: int, quiet: int) -> None:
        if persons <= 0:
            return
        if "seed" not in get_commands():
            self.stdout.write("Note: no `dsip seed` command in this build; the registry starts empty.")
            return
        from dsip.registry.models import Person

        if Person.objects.filter(division_code__startswith=PROVINCE).exists():
            self.stdout.write("Persons already present in the demo province; not seeding again.")
            return
        args = ["--persons", str(persons), "--province", PROVINCE, "--seed", str(SEED)]
        if self._seed_accepts("--county"):
            args += ["--county", COUNTY]
        self.stdout.write(f"Seeding {persons} demo persons… (this may take a minute)")
        call_command("seed", *args, verbosity=quiet, stdout=self.stdout)

    @staticmethod
    def _seed_accepts(option: str) -> bool:
        parser = load_command_class(get_commands()["seed"], "seed").create_parser("dsip", "seed")
        return any(option in action.option_strings for action in parser._actions)

    def _report(self, rows: list[list[str]], secrets: list[tuple[str, str]]) -> None:
        bar = "=" * 78
        out = self.stdout.write
        out("")
        out(bar)
        out("  DEMO ONLY 仅供演示 — these logins and secrets are public. Never use them in production.")
        out(bar)
        for line in _table(rows):
            out("  " + line)
        out("")
        out(f"  Password for every demo login 所有演示账号的密码:  {DEMO_PASSWORD}")
        if secrets:
            out("")
            out("  Two-factor (TOTP) secrets — add them to an authenticator app as a 'key',")
            out("  or print the current 6-digit code with:  dsip demo_totp USERNAME")
            for line in _table([["username", "TOTP secret (base32)"], *[[u, s] for u, s in secrets]]):
                out("  " + line)
        out(bar)
