"""Personas shared by every test: read the tests as sentences about these people.

- Hubei 湖北 (42) › Wuhan 武汉 (4201) › Wuchang 武昌区 (420106) and Hongshan 洪山区 (420111)
- ``wuchang_clerk``: entry clerk of the Wuchang federation
- ``hongshan_clerk``: entry clerk in another county of the same city
- ``wuchang_reviewer``: county reviewer in Wuchang (needs two-factor)
- ``province_reviewer``: province reviewer / data admin in Hubei (needs two-factor)
- ``national_auditor``: national auditor (needs two-factor)
- ``analyst``: provincial analyst (aggregates only)
- ``civil_affairs_liaison``: 民政 liaison for Hubei
"""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD, DivisionFactory, OrgUnitFactory, UserFactory


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def hubei(db):
    return DivisionFactory(code="42", name="湖北省", level=2)


@pytest.fixture
def wuhan(hubei):
    return DivisionFactory(code="4201", name="武汉市", level=4, parent=hubei)


@pytest.fixture
def wuchang(wuhan):
    return DivisionFactory(code="420106", name="武昌区", level=6, parent=wuhan)


@pytest.fixture
def hongshan(wuhan):
    return DivisionFactory(code="420111", name="洪山区", level=6, parent=wuhan)


@pytest.fixture
def wuchang_township(wuchang):
    return DivisionFactory(code="420106001", name="积玉桥街道", level=9, parent=wuchang)


@pytest.fixture
def wuchang_fed(wuchang):
    return OrgUnitFactory(name="武昌区残联", division=wuchang)


@pytest.fixture
def hongshan_fed(hongshan):
    return OrgUnitFactory(name="洪山区残联", division=hongshan)


@pytest.fixture
def hubei_fed(hubei):
    return OrgUnitFactory(name="湖北省残联", division=hubei)


@pytest.fixture
def national_centre(db):
    return OrgUnitFactory(name="中国残联信息中心", division=None, division_code="")


@pytest.fixture
def wuchang_clerk(wuchang_fed):
    return UserFactory(username="wuchang_clerk", org_unit=wuchang_fed, roles=["entry_clerk"])


@pytest.fixture
def hongshan_clerk(hongshan_fed):
    return UserFactory(username="hongshan_clerk", org_unit=hongshan_fed, roles=["entry_clerk"])


@pytest.fixture
def wuchang_reviewer(wuchang_fed):
    return UserFactory(username="wuchang_reviewer", org_unit=wuchang_fed, roles=["county_reviewer"])


@pytest.fixture
def province_reviewer(hubei_fed):
    return UserFactory(username="province_reviewer", org_unit=hubei_fed, roles=["province_reviewer"])


@pytest.fixture
def analyst(hubei_fed):
    return UserFactory(username="analyst", org_unit=hubei_fed, roles=["analyst"])


@pytest.fixture
def national_auditor(national_centre):
    return UserFactory(username="national_auditor", org_unit=national_centre, roles=["national_auditor"])


@pytest.fixture
def civil_affairs_liaison(hubei):
    unit = OrgUnitFactory(name="湖北省民政厅", division=hubei, kind="department", department="mz")
    return UserFactory(username="mz_liaison", org_unit=unit, roles=["department_liaison"])


@pytest.fixture
def verified(client):
    """Log a client in as a user and mark the session as two-factor verified (for privileged roles)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _login(user):
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return _login


@pytest.fixture
def english(client, settings):
    """Run a test in English, for assertions on English message text (the platform's default is zh-hans)."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
