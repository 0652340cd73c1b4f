"""Rule 1, checked everywhere: no route shows or changes another county's data.

The test walks EVERY Django URL pattern (``get_resolver()``, recursively, the
``/api/v1`` patterns included) and cross-checks every operation of the OpenAPI
schema, so a route added later is covered without editing this file. It fills
path parameters with the ids of objects in Hongshan 洪山区 (420111) and acts as
Wuchang 武昌区 (420106) users: an entry clerk (session), a county reviewer
(session, two-factor verified) and a Wuchang service account (API key).

- GET of a route without parameters (a list): the answer never contains the
  marker string that every Hongshan object carries; also with filters that
  name Hongshan. And its size does not move when Hongshan's data appear: each
  list is fetched once before the Hongshan objects exist and once after, and
  a JSON ``count``, the number of ``items`` (or of a bare JSON list), and for
  HTML the rows, list items, options and numbers shown in ``<main>`` must be
  equal. A count that includes another county's rows without showing them is
  caught this way.
- GET of a route with parameters (a detail): 404, 403, 405, 401, another 4xx or a
  redirect to sign-in; never 2xx, never another redirect.
- POST/PUT/PATCH/DELETE of a detail route: never 2xx or a redirect, and the
  Hongshan rows are exactly as before.
- An API-key request refused with 403/404 leaves an ``api.denied`` audit entry.

If a route has a path parameter this file does not know, the test fails and
says which name to add to ``PARAM_TARGETS`` (or ``SEGMENT_TARGETS`` for a bare
``pk``/``id``). Routes that need no region (sign-in, language, health, schema)
are in ``ALLOWLIST`` with the reason. All violations are collected and
reported together.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from dsip.accounts.apikeys import apikey_issue
from dsip.audit.models import AuditEntry
from dsip.audit.services import audit_record
from dsip.core.scoping import ScopedQuerySet
from tests.factories import DivisionFactory, OrgUnitFactory, UserFactory

MARKER = "外县标记ZZQ"
OTHER = "420111"  # Hongshan, the other county
HOME = "420106"  # Wuchang

# Route name (namespace:name) or, for unnamed patterns, the route string → why it needs no region.
ALLOWLIST: dict[str, str] = {
    "accounts:login": "sign-in page; shows no records",
    "accounts:logout": "sign-out; acts on the caller's own session",
    "accounts:password_change": "the caller's own password",
    "accounts:two_factor": "the caller's own second factor",
    "accounts:two_factor_enrol": "the caller's own TOTP device",
    "set_language": "stores the caller's language choice",
    "healthz": "liveness probe; database ping only",
    "api-1.0.0:openapi-json": "the API schema; describes routes, holds no data",
    "api-1.0.0:openapi-view": "the API docs page; no data",
}

# Path parameter name → which Hongshan object fills it (see ``_targets``).
PARAM_TARGETS: dict[str, str] = {
    "code": "division", "division_code": "division", "division": "division", "parent_code": "division",
    "county_code": "division",
    "person_id": "person", "candidate_id": "duplicate", "duplicate_id": "duplicate",
    "batch_id": "import_batch", "import_id": "import_batch", "job_id": "job",
    "entry_id": "audit_entry", "seq": "audit_entry_seq",
    "key_id": "api_key", "prefix": "api_key_prefix",
    "user_id": "user", "username": "username", "unit_id": "org_unit", "org_unit_id": "org_unit",
    "household_id": "household", "certificate_id": "certificate", "event_id": "outbox_event",
}
# For a bare ``pk``/``id``: the literal path segment before it says what it is.
GENERIC_PARAMS = {"pk", "id"}
SEGMENT_TARGETS: dict[str, str] = {
    "api-keys": "api_key", "persons": "person", "audit": "audit_entry", "entries": "audit_entry",
    "users": "user", "org-units": "org_unit", "units": "org_unit", "duplicates": "duplicate",
    "import": "import_batch", "imports": "import_batch", "batches": "import_batch", "jobs": "job",
    "households": "household", "certificates": "certificate", "regions": "division", "divisions": "division",
}
WRITE_METHODS = ("post", "put", "patch", "delete")
# Filters a list might take; naming Hongshan in them must not reveal Hongshan. The search
# text is part of the marker, not all of it, so a search box echoing it is no false alarm.
SEARCH = MARKER[2:]
LIST_FILTERS = {"code": OTHER, "division": OTHER, "division_code": OTHER, "parent": OTHER, "q": SEARCH,
                "name": SEARCH}

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Route:
    route: str  # e.g. "persons/<int:person_id>/edit/"
    name: str  # "registry:person_edit", or "" when unnamed
    parts: list[Any] = field(default_factory=list)  # the pattern objects, outermost first

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in _ROUTE_PARAM.finditer(self.route)]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")


def walk_urls(patterns: list[Any] | None = None, prefix: list[Any] | None = None,
              namespace: str = "") -> list[Route]:
    """Every URL pattern of the project, included resolvers and the ninja API flattened."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    prefix = prefix or []
    out: list[Route] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace or "") if x)
            out += walk_urls(p.url_patterns, [*prefix, p.pattern], ns)
        elif isinstance(p, URLPattern):
            parts = [*prefix, p.pattern]
            route = "".join(_route_text(x) for x in parts)
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            out.append(Route(route=route, name=name, parts=parts))
    seen: dict[str, Route] = {}
    for r in out:  # ninja emits one pattern per operation of the same path
        seen.setdefault(r.route, r)
    return list(seen.values())


def _route_text(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    if isinstance(pattern, RegexPattern):
        text = str(pattern).removeprefix("^").removesuffix("$").removesuffix("\\Z")
        # Named groups become <name> so the same filling applies; anything else stays literal.
        return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    return str(pattern)


def normalise(route: str) -> str:
    """'api/v1/persons/<int:person_id>' and '/api/v1/persons/{person_id}' → 'api/v1/persons/{}'."""
    route = _ROUTE_PARAM.sub("{}", route)
    route = re.sub(r"\{[^}]*\}", "{}", route)
    return route.strip("/")


def _converter(route: Route, name: str) -> Any:
    for part in route.parts:
        converters = getattr(part, "converters", {}) or {}
        if name in converters:
            return converters[name]
    return None


def fill(route: Route, targets: dict[str, Any]) -> tuple[str | None, str | None]:
    """The URL with every parameter set to a Hongshan value, or (None, problem)."""
    values: dict[str, str] = {}
    for match in _ROUTE_PARAM.finditer(route.route):
        name = match.group("name")
        if name in GENERIC_PARAMS:
            before = route.route[: match.start()].strip("/").split("/")
            literal = next((s for s in reversed(before) if s and "<" not in s), "")
            target = SEGMENT_TARGETS.get(literal)
            if target is None:
                return None, (f"{route.key}: parameter <{name}> follows the segment {literal!r}, which "
                              f"tests/test_scope_walk.py does not know; add {literal!r} to SEGMENT_TARGETS")
        else:
            target = PARAM_TARGETS.get(name)
            if target is None:
                return None, (f"{route.key}: path parameter <{name}> is unknown to tests/test_scope_walk.py; "
                              f"add {name!r} to PARAM_TARGETS (and its Hongshan object to _targets)")
        value = targets[target]
        converter = _converter(route, name)
        values[name] = str(converter.to_url(value) if converter is not None else value)
    url = "/" + _ROUTE_PARAM.sub(lambda m: values[m.group("name")], route.route)
    return url, None


# --- the other county's data ---------------------------------------------------------------

def _person(name: str, id_number: str, code: str, household: Any = None) -> Any:
    from dsip.core.crypto import field_cipher
    from dsip.registry.models import Person

    cipher = field_cipher()
    mark = MARKER if code.startswith(OTHER) else ""  # only Hongshan's people carry the marker
    return Person.objects.create(
        name=name, name_pinyin="zzq", sex="F", birth_date=date(1970, 1, 1),
        id_number_enc=cipher.seal(id_number, context="person.id_number"),
        id_number_bidx=cipher.blind_index(id_number, purpose="id"),
        id_number_mask=id_number[:4] + "**********" + id_number[-4:],
        division_code=code, household_type="N", household=household,
        address_mask=f"{mark}路", guardian_name=mark,
    )


def _home_county() -> None:
    """Wuchang's own data, there before the baseline, so that its lists are not empty."""
    _person(f"武昌居民{HOME}", "420106197001010011", f"{HOME}001")


def _other_county(hongshan: Any, wuchang_fed: Any) -> dict[str, Any]:
    """Objects in Hongshan, each carrying MARKER in a text a page or answer would show."""
    from dsip.core.crypto import field_cipher
    from dsip.core.models import Job, OutboxEvent
    from dsip.registry.models import Certificate, DuplicateCandidate, Household, ImportBatch

    township = DivisionFactory(code=f"{OTHER}001", name=f"{MARKER}街道", level=9, parent=hongshan)
    unit = OrgUnitFactory(name=f"洪山区{MARKER}残联", division=hongshan)
    user = UserFactory(username="hongshan_zzq", full_name=MARKER, org_unit=unit, roles=["entry_clerk"])
    service = UserFactory(username="hongshan_feed_zzq", full_name=MARKER, org_unit=unit,
                          roles=["department_liaison"], is_service_account=True)
    key, _ = apikey_issue(actor=None, user=service, name=f"{MARKER} feed")
    entry = audit_record(action="scopewalk.marker", object_type="person", object_id="1",
                         division_code=OTHER, changes={"note": MARKER}, actor=user)
    cipher = field_cipher()
    household = Household.objects.create(division_code=f"{OTHER}001", dibao=True)

    marked = _person(f"{MARKER}甲", "420111197001010022", f"{OTHER}001", household)
    twin = _person(f"{MARKER}乙", "420111197001010033", f"{OTHER}001", household)
    certificate = Certificate.objects.create(
        person=marked, number_enc=cipher.seal("42011119700101002241", context="certificate.number"),
        number_bidx=cipher.blind_index("42011119700101002241", purpose="certificate"),
        number_mask="4201************2241", category="1", level="2",
    )
    duplicate = DuplicateCandidate.objects.create(person_a=marked, person_b=twin, division_code=f"{OTHER}001",
                                                  reason=MARKER)
    batch = ImportBatch.objects.create(file_hash="f" * 64, file_name=f"{MARKER}.xlsx", division_code=OTHER,
                                       created_by=user, message=MARKER)
    job = Job.objects.create(kind="import", division_code=OTHER, created_by=user, message=MARKER)
    event = OutboxEvent.objects.create(topic="person.registered", aggregate_type="person",
                                       aggregate_id=str(marked.pk), division_code=OTHER, payload={"name": MARKER})
    return {
        "division": OTHER, "township": township.code, "org_unit": unit.pk, "user": user.pk,
        "username": user.username, "api_key": key.pk, "api_key_prefix": key.prefix,
        "audit_entry": entry.pk, "audit_entry_seq": entry.seq, "person": marked.pk, "household": household.pk,
        "certificate": certificate.pk, "duplicate": duplicate.pk, "import_batch": batch.pk, "job": job.pk,
        "outbox_event": event.pk,
    }


def scoped_models() -> list[Any]:
    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)]


def snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every region-scoped model that lies in Hongshan (plus its ancestors for divisions)."""
    return {
        m._meta.label: {row["pk"]: row for row in m._default_manager.all().within(OTHER).values("pk", *[
            f.attname for f in m._meta.concrete_fields])}
        for m in scoped_models()
    }


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out = []
    for label, rows in before.items():
        for pk, row in rows.items():
            if pk not in after[label]:
                out.append(f"{label} #{pk} deleted")
            elif after[label][pk] != row:
                changed = sorted(k for k in row if after[label][pk].get(k) != row[k])
                out.append(f"{label} #{pk} changed ({', '.join(changed)})")
        if label != "audit.AuditEntry":  # recording a refusal in Hongshan's log is right, not a leak
            out += [f"{label} #{pk} created in Hongshan" for pk in after[label].keys() - rows.keys()]
    return out


# --- judging answers ------------------------------------------------------------------------

def _login_path() -> str:
    return reverse(settings.LOGIN_URL)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        # Streaming content can be read once; keep it for the second look (judge, then list_size).
        if not hasattr(response, "_walk_body"):
            response._walk_body = b"".join(response.streaming_content).decode(errors="replace")
        return response._walk_body
    return response.content.decode(errors="replace")


def judge(*, who: str, method: str, url: str, detail: bool, allowlisted: bool, response: Any) -> list[str]:
    """The violations in one answer (empty when the answer respects the other county)."""
    out = []
    status = response.status_code
    where = f"{who} {method.upper()} {url} → {status}"
    body = _body(response)
    # A JSON answer escapes non-ASCII; look for the marker either way.
    if MARKER in body or json.dumps(MARKER).strip('"') in body:
        out.append(f"{where}: the answer shows another county's data ({MARKER!r})")
    if allowlisted or not (detail or method != "get"):
        return out
    if 200 <= status < 300:
        out.append(f"{where}: another county's object answered with success")
    elif 300 <= status < 400:
        location = response.headers.get("Location", "")
        if not location.split("?")[0].endswith(_login_path()):
            out.append(f"{where}: redirected to {location!r} instead of refusing")
    elif status >= 500:
        out.append(f"{where}: server error instead of a refusal")
    return out


_MAIN = re.compile(r"<main\b.*?</main>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_ELEMENTS = ("tr", "li", "option", "article", "dt")


def list_size(response: Any) -> dict[str, Any]:
    """What says how many things a list answer holds; equal before and after Hongshan's data appear.

    JSON: ``count`` and the number of ``items`` (or the length of a bare list, or of
    each list-valued member). HTML: the status, rows, list items, options and the
    numbers in the text of ``<main>`` (the "12 persons found" a page prints). CSV: its lines.
    """
    body = _body(response)
    size: dict[str, Any] = {"status": response.status_code}
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError:
            return size
        if isinstance(data, list):
            size["length"] = len(data)
        elif isinstance(data, dict):
            if "count" in data:
                size["count"] = data["count"]
            size.update({f"len({k})": len(v) for k, v in data.items() if isinstance(v, list)})
        return size
    if content_type.startswith("text/csv"):
        size["lines"] = len(body.splitlines())
    if not content_type.startswith("text/html"):
        return size  # a spreadsheet or other file: its bytes differ per run (zip timestamps)
    main = _MAIN.search(body)
    html = main.group(0) if main else body
    size.update({f"<{tag}>": len(re.findall(rf"<{tag}\b", html)) for tag in _ELEMENTS})
    size["numbers"] = sorted(int(n) for n in re.findall(r"(?<![\w.:-])\d+(?![\w.:-])", _TAGS.sub(" ", html)))
    return size


def size_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [f"{k} {before.get(k)!r} → {after.get(k)!r}" for k in sorted(before.keys() | after.keys())
            if before.get(k) != after.get(k)]


# --- request bodies for API writes ----------------------------------------------------------

def example_for(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """A value that passes the schema's shape check, so the handler reaches its scope check."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in schema:
            options = [s for s in schema[combo] if s.get("type") != "null"] or schema[combo]
            return example_for(options[0], components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type", "object")
    if kind == "object" and depth < 6:
        props = schema.get("properties", {})
        return {name: example_for(props[name], components, depth + 1) for name in schema.get("required", [])
                if name in props}
    return {
        "string": {"date": "2020-01-01", "date-time": "2020-01-01T00:00:00+08:00"}.get(schema.get("format", ""),
                                                                                          "scope-walk"),
        "integer": 1, "number": 1, "boolean": True, "array": [], "object": {},
    }.get(kind, "scope-walk")


def api_operations(client: Client) -> dict[str, dict[str, Any]]:
    """normalised route → {method: operation} from the live OpenAPI schema."""
    schema = client.get(reverse("api-1.0.0:openapi-json")).json()
    out: dict[str, dict[str, Any]] = {}
    for path, ops in schema["paths"].items():
        out[normalise(path)] = {m: op for m, op in ops.items() if m in ("get", *WRITE_METHODS)}
    return {"__components__": schema.get("components", {}).get("schemas", {}), **out}


def request_body(op: dict[str, Any] | None, components: dict[str, Any]) -> tuple[str, str] | None:
    if not op or "requestBody" not in op:
        return None
    content = op["requestBody"].get("content", {})
    if "application/json" in content:
        return json.dumps(example_for(content["application/json"]["schema"], components)), "application/json"
    return None


# --- the walk -------------------------------------------------------------------------------

@pytest.fixture
def personas(client, verified, wuchang_clerk, wuchang_reviewer, wuchang_fed) -> dict[str, Client]:
    clerk = Client()
    clerk.force_login(wuchang_clerk)
    service = UserFactory(username="wuchang_feed", org_unit=wuchang_fed, roles=["department_liaison"],
                          is_service_account=True)
    _, full_key = apikey_issue(actor=None, user=service, name="Wuchang feed")
    return {
        "wuchang_clerk (session)": clerk,
        "wuchang_reviewer (session, 2FA)": verified(wuchang_reviewer),
        "wuchang service (API key)": Client(headers={"Authorization": f"Bearer {full_key}"}),
    }


def _send(client: Client, method: str, url: str, body: tuple[str, str] | None) -> Any:
    if method == "get":
        return client.get(url)
    if body is not None:
        return getattr(client, method)(url, data=body[0], content_type=body[1])
    if method == "post":
        return client.post(url, data={})
    return getattr(client, method)(url)


def list_plans(route: Route, url: str) -> list[str]:
    """The GETs of a list route: plain, and with every filter naming Hongshan."""
    return [url, f"{url}?{'&'.join(f'{k}={v}' for k, v in LIST_FILTERS.items())}"]


def test_no_route_shows_or_changes_another_countys_data(db, hongshan, personas, wuchang_fed):
    _home_county()
    routes = walk_urls()
    # Every list as each persona sees it before Hongshan has anything in it.
    baseline: dict[tuple[str, str], dict[str, Any]] = {}
    for route in routes:
        if route.params or route.key in ALLOWLIST:
            continue
        url, _ = fill(route, {})
        for who, client in personas.items():
            for target in list_plans(route, url):
                try:
                    baseline[who, target] = list_size(client.get(target))
                except Exception:  # reported by the walk below
                    pass
    assert baseline, "no list route was measured"
    targets = _other_county(hongshan, wuchang_fed)
    anonymous = Client()
    operations = api_operations(anonymous)
    components = operations.pop("__components__")
    violations: list[str] = []

    # Every API operation must be reached by the URL walk (so the walk really covers the API).
    walked = {normalise(r.route) for r in routes}
    violations += [f"API operation {path} is not among the walked URL patterns"
                   for path in operations if path not in walked]
    violations += [f"allowlisted route {name!r} no longer exists; remove it from ALLOWLIST"
                   for name in ALLOWLIST if name not in {r.key for r in routes}]

    # The personas must really be signed in, or every refusal below would be a sign-in redirect.
    for who, client in personas.items():
        me = client.get(reverse("api-1.0.0:me"))
        assert me.status_code == 200, f"{who} is not authenticated on the API ({me.status_code})"
        assert me.json()["scope"] == HOME

    before = snapshot()
    assert before["registry.Person"] and before["accounts.ApiKey"], "the Hongshan marker data are missing"
    requests_made = 0
    for route in sorted(routes, key=lambda r: r.route):
        allowlisted = route.key in ALLOWLIST
        url, problem = fill(route, targets)
        if problem:
            if not allowlisted:
                violations.append(problem)
            continue
        detail = bool(route.params)
        ops = operations.get(normalise(route.route), {}) if route.is_api else {}
        for who, client in personas.items():
            plans: list[tuple[str, str]] = [("get", url)]
            if not detail:
                plans = [("get", target) for target in list_plans(route, url)]
            if detail and not allowlisted:
                plans += [(m, url) for m in WRITE_METHODS]
            for method, target in plans:
                denials_before = AuditEntry.objects.filter(action="api.denied").count()
                try:
                    response = _send(client, method, target, request_body(ops.get(method), components))
                except Exception as exc:  # a crash is a violation too; keep walking to report all
                    violations.append(f"{who} {method.upper()} {target}: raised {exc!r}")
                    continue
                requests_made += 1
                violations += judge(who=who, method=method, url=target, detail=detail,
                                    allowlisted=allowlisted, response=response)
                if (who, target) in baseline:
                    moved = size_changes(baseline[who, target], list_size(response))
                    if moved:
                        violations.append(f"{who} GET {target}: the list changed when another county's data "
                                          f"were added ({'; '.join(moved)})")
                if (ops and "API key" in who and response.status_code in (403, 404)
                        and AuditEntry.objects.filter(action="api.denied").count() == denials_before):
                    violations.append(f"{who} {method.upper()} {target}: denial {response.status_code} not audited")
                if method != "get":
                    after = snapshot()
                    changes = snapshot_changes(before, after)
                    if changes:
                        violations.append(f"{who} {method.upper()} {target} changed Hongshan: {'; '.join(changes)}")
                        before = after

    assert requests_made > 0
    assert not violations, "Scope violations (rule 1):\n" + "\n".join(violations)


# --- the walk's own machinery can fail ------------------------------------------------------

class _Answer:
    def __init__(self, status: int, body: str = "", location: str = "") -> None:
        self.status_code = status
        self.content = body.encode()
        self.headers = {"Location": location} if location else {}
        self.streaming = False


def test_judge_flags_leaks_successes_and_stray_redirects(db):
    ok = dict(who="t", url="/x/1/", allowlisted=False)
    assert judge(method="get", detail=False, response=_Answer(200, f"<td>{MARKER}</td>"), **ok)
    assert judge(method="get", detail=False, response=_Answer(200, json.dumps({"n": MARKER})), **ok)
    assert not judge(method="get", detail=False, response=_Answer(200, "<td>武昌</td>"), **ok)
    assert judge(method="get", detail=True, response=_Answer(200, "{}"), **ok)
    assert judge(method="post", detail=True, response=_Answer(302, location="/persons/1/"), **ok)
    assert not judge(method="post", detail=True, response=_Answer(302, location=_login_path() + "?next=/x"), **ok)
    assert not judge(method="get", detail=True, response=_Answer(404, "{}"), **ok)


def test_list_size_sees_a_count_that_grew_without_showing_the_rows():
    def answer(body: str, content_type: str) -> _Answer:
        a = _Answer(200, body)
        a.headers["Content-Type"] = content_type
        return a

    json_type, html_type = "application/json; charset=utf-8", "text/html; charset=utf-8"
    before = list_size(answer(json.dumps({"items": [{"id": 1}], "count": 1}), json_type))
    assert before == list_size(answer(json.dumps({"items": [{"id": 1}], "count": 1}), json_type))
    assert size_changes(before, list_size(answer(json.dumps({"items": [{"id": 1}], "count": 3}), json_type)))
    page = "<main><h2>{n} persons found</h2><table><tr><td>武昌居民 420106</td></tr></table></main>"
    before = list_size(answer(page.format(n=1), html_type))
    assert not size_changes(before, list_size(answer(page.format(n=1), html_type)))
    assert size_changes(before, list_size(answer(page.format(n=3), html_type)))
    assert size_changes(before, list_size(answer("<main><table></table></main>", html_type)))


def test_an_unknown_path_parameter_fails_with_a_hint():
    route = Route(route="widgets/<int:widget_id>/", name="x:widget", parts=[RoutePattern("widgets/<int:widget_id>/")])
    url, problem = fill(route, {})
    assert url is None
    assert "widget_id" in problem and "PARAM_TARGETS" in problem
    route = Route(route="gadgets/<int:pk>/", name="x:gadget", parts=[RoutePattern("gadgets/<int:pk>/")])
    assert "SEGMENT_TARGETS" in fill(route, {})[1]


def test_the_walk_reaches_included_and_api_routes():
    keys = {r.key for r in walk_urls()}
    routes = {r.route for r in walk_urls()}
    assert "accounts:api_key_revoke" in keys
    assert "api/v1/me" in routes
    assert "api/v1/openapi.json" in routes
