"""The zh_Hans catalogue is complete, shipped compiled, and used: Chinese first, English on request.

The .po is read with a small parser of our own so the test needs neither polib
nor gettext; msgfmt is only used, when present, to check the .po the way
compilemessages would.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import dsip

MESSAGES = Path(dsip.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"
CJK = re.compile(r"[\u4e00-\u9fff]")
# %(name)s, %(n)d, %% and str.format-style {name} must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%%|\{[a-z_]*\}")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str | tuple[str, int]:
        """The key GNUTranslations uses for this entry's first form."""
        msgid = self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"
        return (msgid, 0) if self.msgid_plural is not None else msgid


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            text, keyword = ast.literal_eval(line), None
        else:
            text = ast.literal_eval(rest)
        if keyword is None:
            assert target is not None, f"{path.name}:{number}: continuation line without a keyword"
            name, index = target
        elif keyword.startswith("msgstr["):
            name, index = "msgstr", int(keyword[7:-1])
        else:
            name, index = keyword, 0
        target = (name, index)
        if name == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + text
        else:
            setattr(current, name, (getattr(current, name) or "") + text)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [e for e in parse_po(PO) if not e.obsolete and e.msgid]


def test_the_catalogue_has_a_chinese_translation_for_every_message(entries):
    assert len(entries) > 500  # the whole platform, not a stub
    empty = [f"line {e.line}: {e.msgid!r}" for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    assert not empty, "untranslated messages:\n" + "\n".join(empty)
    assert not fuzzy, "fuzzy messages (check and remove the flag):\n" + "\n".join(fuzzy)
    english_only = [f"line {e.line}: {e.msgid!r}" for e in entries
                    if CJK.search(e.msgid) is None and CJK.search(e.msgstr[0]) is None
                    and re.search(r"[a-z]{4}", PLACEHOLDER.sub("", e.msgid))
                    and e.msgid not in ("YYYY-MM-DD", "File SHA-256")]
    assert not english_only, "translations without any Chinese:\n" + "\n".join(english_only)


def test_placeholders_are_kept_exactly(entries):
    broken = []
    for e in entries:
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for index, text in e.msgstr.items():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                broken.append(f"line {e.line} msgstr[{index}]: {e.msgid!r} → {text!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_english_msgids_are_english_only(entries):
    # Bilingual msgids ("Male 男") were the old way; Chinese belongs in msgstr. The one exception
    # names the real Chinese column headers a division file must have.
    mixed = [f"line {e.line}: {e.msgid!r}" for e in entries if CJK.search(e.msgid) and "统计用区划代码" not in e.msgid]
    assert not mixed, "msgids with Chinese in them:\n" + "\n".join(mixed)


def test_the_shipped_mo_holds_exactly_the_po(entries):
    with MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # noqa: SLF001 — the compiled catalogue itself
    expected = {e.key: e.msgstr[0] for e in entries}
    stale = {key: (catalog.get(key), text) for key, text in expected.items() if catalog.get(key) != text}
    extra = set(catalog) - set(expected) - {""}
    assert not stale, f"django.mo differs from django.po; run scripts/i18n: {list(stale.items())[:5]}"
    assert not extra, f"django.mo has messages the .po no longer has; run scripts/i18n: {sorted(map(str, extra))[:5]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
def test_msgfmt_accepts_the_po_and_compiles_the_same_catalogue(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    with compiled.open("rb") as fresh, MO.open("rb") as shipped:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(shipped)._catalog  # noqa: SLF001


def test_labels_and_messages_read_in_chinese_and_in_english():
    from dsip.accounts.roles import Role
    from dsip.registry.choices import DisabilityCategory, HouseholdType, PersonStatus, Sex

    with translation.override("zh-hans"):
        assert (str(Sex.MALE.label), str(Sex.FEMALE.label)) == ("男", "女")
        assert str(DisabilityCategory.VISUAL.label) == "视力"
        assert str(HouseholdType.NON_AGRICULTURAL.label) == "非农业"
        assert str(PersonStatus.ACTIVE.label) == "在册"  # its own context: an API key's "Active" is 有效
        assert translation.gettext("Active") == "有效"
        assert str(Role.ENTRY_CLERK.label) == "录入员"
        assert translation.gettext("Unknown division code %(code)s.") % {"code": "990000"} == "区划代码 990000 不存在。"
        assert translation.ngettext("%(total)s person found", "%(total)s persons found", 3) % {"total": 3} == "共找到 3 人"
    with translation.override("en"):
        assert (str(Sex.MALE.label), str(PersonStatus.ACTIVE.label), str(Role.ENTRY_CLERK.label)) == (
            "Male", "Active", "Entry clerk")


def test_the_login_page_is_chinese_by_default_and_english_with_the_language_cookie(client, settings):
    url = reverse("accounts:login")
    chinese = client.get(url).content.decode()
    assert 'lang="zh-Hans"' in chinese
    assert "登录" in chinese and "Sign in" not in chinese

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert 'lang="en"' in english
    assert "Sign in" in english and "登录" not in english
