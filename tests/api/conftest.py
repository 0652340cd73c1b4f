"""Service accounts and keys for API tests."""

from __future__ import annotations

import pytest

from dsip.accounts.apikeys import apikey_issue
from tests.factories import UserFactory


@pytest.fixture
def wuchang_service(wuchang_fed):
    """A service account of the Wuchang federation, as a department client would use."""
    return UserFactory(username="wuchang_feed", org_unit=wuchang_fed, roles=["department_liaison"],
                       is_service_account=True)


@pytest.fixture
def wuchang_key(wuchang_service):
    """(ApiKey, full key) acting as the Wuchang service account."""
    return apikey_issue(actor=None, user=wuchang_service, name="Wuchang feed")


@pytest.fixture
def bearer():
    def _headers(full_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {full_key}"}

    return _headers
