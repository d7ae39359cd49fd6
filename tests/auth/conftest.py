from __future__ import annotations

import pytest

from tap_fortnox.settings import DEFAULTS
from tests.helpers.oauth_double import CLIENT_ID, CLIENT_SECRET, FakeOAuth


@pytest.fixture
def fake_oauth():
    server = FakeOAuth()
    yield server
    server.close()


@pytest.fixture
def cc_config(fake_oauth):
    return {
        **DEFAULTS,  # what the tap's config holds for every setting left out
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "tenant_id": "7654321",
        "auth_url": fake_oauth.auth_url,
    }


@pytest.fixture
def refresh_config(fake_oauth, tmp_path):
    return {
        **DEFAULTS,  # what the tap's config holds for every setting left out
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": fake_oauth.new_refresh_token(),
        "token_store_path": str(tmp_path / "store" / "tokens.json"),
        "auth_url": fake_oauth.auth_url,
    }
