"""Every page passes the automatic accessibility and CSP checks (WCAG 2.1 AA basics, rule 9).

Like ``tests/test_scope_walk.py`` (whose URL walk it reuses), this test walks EVERY URL pattern of
the project, so a page added later is checked without editing this file:

- routes without parameters are fetched with GET;
- routes with parameters are filled with objects of the visitor's own county (Wuchang 武昌区),
  through the scope walk's ``PARAM_TARGETS``/``SEGMENT_TARGETS`` names; a route whose object this
  file does not build is skipped (it has no HTML page today: outbox events, jobs…).

Visitors: an anonymous browser, a Wuchang entry clerk (session), a Wuchang county reviewer who has
not set up two-factor yet (sees the enrolment pages) and a Hubei province reviewer (session,
two-factor verified). Every HTML answer that a person would see (200, 400, 403, 404) is
parsed with the stdlib ``html.parser`` and must have:

- ``<html lang>``, exactly one ``<h1>``, ``<main id="main">`` and a skip link ``<a href="#main">``;
- a label for every form control (``<label for>``, a wrapping ``<label>``, ``aria-label`` or
  ``aria-labelledby``) except hidden inputs and buttons;
- ``alt`` on every ``<img>``;
- no inline ``<script>`` (JSON data blocks are fine), no ``style=""``, no ``on…=""`` handlers —
  the Content-Security-Policy would block them and the page would silently break;
- a ``<caption>`` (or ``aria-label``/``aria-labelledby``) and ``<th>`` cells in every ``<table>``;
- unique ``id`` values, and ``<label for>`` pointing at an element that exists.

An htmx partial (no ``<html>`` element) gets only the checks that make sense for a fragment.
All violations are collected and reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from dsip.accounts.apikeys import apikey_issue
from dsip.audit.services import audit_record
from tests.factories import DivisionFactory, UserFactory
from tests.test_scope_walk import fill, walk_urls

HOME = "420106"  # Wuchang
# Answers a person reads in the browser; redirects and 405s have no page to check.
PAGE_STATUSES = (200, 400, 403, 404)
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
# <script type> values that are data, not code: the browser never runs them, CSP allows them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}
# Problems reported to the screen's owner and not fixed yet: (route name, text of the problem) → why.
# The test fails when one of them is gone, so the entry is removed with the fix.
KNOWN_PROBLEMS: dict[tuple[str, str], str] = {}


# --- the checker ----------------------------------------------------------------------------

@dataclass
class _Table:
    named: bool
    caption: bool = False
    th: bool = False


@dataclass
class PageFacts:
    """What the parser saw in one document or fragment."""

    html_lang: str | None = None
    has_html: bool = False
    h1: int = 0
    main_ids: list[str] = field(default_factory=list)
    skip_links: int = 0
    ids: list[str] = field(default_factory=list)
    label_for: list[str] = field(default_factory=list)
    controls: list[tuple[str, dict[str, str | None], bool]] = field(default_factory=list)  # tag, attrs, wrapped
    problems: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._labels_open = 0
        self._tables: list[_Table] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        f = self.facts
        where = _describe(tag, attrs)
        if "id" in attrs and attrs["id"]:
            f.ids.append(attrs["id"])
        if "style" in attrs:
            f.problems.append(f"style attribute on {where} (CSP blocks it)")
        handlers = sorted(name for name in attrs if name.startswith("on"))
        if handlers:
            f.problems.append(f"event handler attribute {', '.join(handlers)} on {where} (CSP blocks it)")
        if tag == "html":
            f.has_html = True
            f.html_lang = attrs.get("lang") or ""
        elif tag == "h1":
            f.h1 += 1
        elif tag == "main":
            f.main_ids.append(attrs.get("id") or "")
        elif tag == "a" and attrs.get("href") == "#main":
            f.skip_links += 1
        elif tag == "label":
            self._labels_open += 1
            if attrs.get("for"):
                f.label_for.append(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            f.controls.append((tag, attrs, self._labels_open > 0))
        elif tag == "img" and "alt" not in attrs:
            f.problems.append(f"{where} has no alt text")
        elif tag == "script":
            kind = (attrs.get("type") or "").lower()
            if not attrs.get("src") and kind not in DATA_SCRIPT_TYPES:
                f.problems.append(f"inline <script> without src{f' (type={kind})' if kind else ''} (CSP blocks it)")
        elif tag == "table":
            self._tables.append(_Table(named=bool(attrs.get("aria-label") or attrs.get("aria-labelledby"))))
        elif tag == "caption" and self._tables:
            self._tables[-1].caption = True
        elif tag == "th" and self._tables:
            self._tables[-1].th = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._labels_open:
            self._labels_open -= 1
        elif tag == "table" and self._tables:
            table = self._tables.pop()
            if not (table.caption or table.named):
                self.facts.problems.append("a <table> has no <caption>, aria-label or aria-labelledby")
            if not table.th:
                self.facts.problems.append("a <table> has no <th> header cells")


def _describe(tag: str, attrs: dict[str, str | None]) -> str:
    bits = [tag] + [f'{k}="{attrs[k]}"' for k in ("id", "name", "type", "class", "src") if attrs.get(k)]
    return "<" + " ".join(bits)[:90] + ">"


def page_problems(html: str) -> list[str]:
    """Every violation of the page rules in one HTML answer (empty when the page is fine)."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    f = parser.facts
    out = list(f.problems)
    if f.has_html:  # a whole document; an htmx partial has none of these
        if not f.html_lang:
            out.append("<html> has no lang attribute")
        if f.h1 != 1:
            out.append(f"{f.h1} <h1> elements (exactly one expected)")
        if "main" not in f.main_ids:
            out.append('no <main id="main"> landmark')
        if not f.skip_links:
            out.append('no skip link <a href="#main">')
    ids = set(f.ids)
    out += [f'id "{i}" is used {f.ids.count(i)} times' for i in sorted({i for i in f.ids if f.ids.count(i) > 1})]
    out += [f'<label for="{target}"> points at no element' for target in f.label_for if target not in ids]
    labelled = set(f.label_for)
    for tag, attrs, wrapped in f.controls:
        if tag == "input" and (attrs.get("type") or "text").lower() in UNLABELLED_TYPES:
            continue
        if wrapped or attrs.get("aria-label") or attrs.get("aria-labelledby") or attrs.get("id") in labelled:
            continue
        out.append(f"{_describe(tag, attrs)} has no label")
    return out


# --- the visitors and their own county's objects --------------------------------------------

class _NotBuilt(KeyError):
    """The route needs an object this file does not build."""


class _Targets(dict):
    def __missing__(self, key: str) -> Any:
        raise _NotBuilt(key)


def _home_county(wuchang: Any, wuchang_fed: Any, wuchang_clerk: Any) -> _Targets:
    """Objects in Wuchang that the visitors may see, keyed like the scope walk's targets."""
    from dsip.registry.models import DuplicateCandidate
    from tests.registry.factories import PersonFactory

    township = DivisionFactory(code=f"{HOME}001", name="积玉桥街道", level=9, parent=wuchang)
    person = PersonFactory(division=township.code)
    twin = PersonFactory(division=township.code, name=person.name)
    duplicate = DuplicateCandidate.objects.create(person_a=person, person_b=twin, division_code=township.code,
                                                  reason="same name")
    service = UserFactory(username="wuchang_feed_pq", org_unit=wuchang_fed, roles=["department_liaison"],
                          is_service_account=True)
    key, _ = apikey_issue(actor=None, user=service, name="Wuchang feed")
    entry = audit_record(action="pagequality.marker", object_type="person", object_id=str(person.pk),
                         division_code=HOME, changes={}, actor=wuchang_clerk)
    return _Targets({
        "division": HOME, "township": township.code, "org_unit": wuchang_fed.pk, "user": wuchang_clerk.pk,
        "username": wuchang_clerk.username, "api_key": key.pk, "api_key_prefix": key.prefix,
        "audit_entry": entry.pk, "audit_entry_seq": entry.seq, "person": person.pk, "duplicate": duplicate.pk,
    })


@pytest.fixture
def visitors(verified, wuchang_clerk, wuchang_reviewer, province_reviewer) -> dict[str, Client]:
    clerk = Client()
    clerk.force_login(wuchang_clerk)
    # Signed in with a password only and no authenticator yet: sees the two-factor pages.
    unverified = Client()
    unverified.force_login(wuchang_reviewer)
    return {"anonymous": Client(), "wuchang_clerk": clerk, "wuchang_reviewer (no 2FA yet)": unverified,
            "province_reviewer (2FA)": verified(province_reviewer)}


def _is_html(response: Any) -> bool:
    return (not getattr(response, "streaming", False)
            and response.headers.get("Content-Type", "").startswith("text/html"))


def test_every_page_passes_the_accessibility_and_csp_checks(db, wuchang, wuchang_fed, wuchang_clerk,
                                                             visitors):
    targets = _home_county(wuchang, wuchang_fed, wuchang_clerk)
    for who in ("wuchang_clerk", "province_reviewer (2FA)"):  # or every page below is a sign-in redirect
        home = visitors[who].get("/")
        assert home.status_code == 200, f"{who} is not signed in ({home.status_code})"

    violations: list[str] = []
    checked: dict[str, set[str]] = {}
    skipped: list[str] = []
    urls: list[tuple[str, str]] = []
    for route in sorted(walk_urls(), key=lambda r: r.route):
        try:
            url, problem = fill(route, targets)
        except _NotBuilt as missing:
            skipped.append(f"{route.key} (needs a {missing.args[0]})")
            continue
        if problem:  # an unknown parameter: test_scope_walk.py reports it with the fix
            skipped.append(problem)
            continue
        urls.append((route.key, url))
    urls.append(("404", "/no-such-page-pq/"))  # the 404 page is a page too

    known_seen: set[tuple[str, str]] = set()
    for key, url in urls:
        for who, client in visitors.items():
            response = client.get(url)
            if response.status_code not in PAGE_STATUSES or not _is_html(response):
                continue
            checked.setdefault(who, set()).add(url)
            html = response.content.decode(errors="replace")
            for problem in page_problems(html):
                if (key, problem) in KNOWN_PROBLEMS:
                    known_seen.add((key, problem))
                    continue
                violations.append(f"{who} GET {url} ({key}) → {response.status_code}: {problem}")

    # The walk must really have looked at the main screens, or an empty walk would pass.
    for who, expected in {"anonymous": "/accounts/login/", "wuchang_clerk": "/persons/",
                          "wuchang_reviewer (no 2FA yet)": "/accounts/two-factor/enrol/",
                          "province_reviewer (2FA)": f"/persons/{targets['person']}/"}.items():
        assert expected in checked.get(who, set()), f"{who} never got an HTML page at {expected}"
    violations += [f"{key}: {problem!r} is fixed; remove it from KNOWN_PROBLEMS"
                   for key, problem in KNOWN_PROBLEMS.keys() - known_seen]
    assert not violations, "Page quality violations:\n" + "\n".join(violations)


# --- the checker itself can fail ------------------------------------------------------------

GOOD_PAGE = """<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title>
<script src="/static/x.js" defer></script><script type="application/json" id="d">{}</script></head>
<body><a class="skip-link" href="#main">skip</a><main id="main"><h1>T</h1>
<form><label for="q">Name</label><input id="q" name="q"><input type="hidden" name="csrf">
<label>Age <input name="age"></label><select aria-label="Sort" name="s"></select><button>Go</button></form>
<img src="/a.png" alt=""><table><caption>People</caption><tr><th scope="col">Name</th></tr></table>
</main></body></html>"""


def test_a_good_page_has_no_problems():
    assert page_problems(GOOD_PAGE) == []


@pytest.mark.parametrize(("change", "expected"), [
    (('lang="zh-Hans"', ""), "no lang"),
    (("<h1>T</h1>", ""), "0 <h1>"),
    (("<h1>T</h1>", "<h1>T</h1><h1>U</h1>"), "2 <h1>"),
    (('<main id="main">', "<main>"), "<main"),
    (('href="#main"', 'href="#top"'), "skip link"),
    (('<label for="q">Name</label>', ""), 'name="q"'),
    (('alt=""', ""), "no alt"),
    (('<script src="/static/x.js" defer></script>', "<script>go()</script>"), "inline <script>"),
    (('<button>', '<button style="color:red">'), "style attribute"),
    (('<button>', '<button onclick="go()">'), "onclick"),
    (("<caption>People</caption>", ""), "no <caption>"),
    (('<th scope="col">Name</th>', "<td>Name</td>"), "no <th>"),
    (('<img src', '<p id="q"></p><img src'), 'id "q" is used 2 times'),
    (('<label for="q">', '<label for="nope">'), "points at no element"),
])
def test_each_rule_flags_a_broken_page(change, expected):
    old, new = change
    assert old in GOOD_PAGE
    problems = page_problems(GOOD_PAGE.replace(old, new, 1))
    assert any(expected in p for p in problems), problems


def test_a_fragment_is_not_asked_for_a_document_shell():
    assert page_problems('<option value="1">A</option>') == []
    assert page_problems('<input name="x">') == ['<input name="x"> has no label']


@pytest.mark.parametrize("name", ["400.html", "500.html", "403_csrf.html"])
def test_error_pages_rendered_without_a_request_pass_the_checks(name):
    from django.template import loader

    html = loader.get_template(name).render()  # Django renders these with no request and no user
    assert "<h1>" in html
    assert page_problems(html) == []
