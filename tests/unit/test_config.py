"""Settings, config checks and the command line (no config needed for --discover/--about)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_fortnox.settings import DEFAULTS
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.tap import TapFortnox, config_errors
from tests.unit.fake_fortnox import CLIENT_ID, Resource

TAP = str(Path(sys.executable).with_name("tap-fortnox"))
NAMES = [s.name for s in STREAM_TYPES]
CC = {"client_id": "id", "client_secret": "secret-value", "tenant_id": "1"}


def run_cli(*args: str, config: dict | None = None, tmp_path: Path | None = None):
    argv = [TAP, *args]
    if config is not None:
        assert tmp_path is not None
        path = tmp_path / "config.json"
        path.write_text(json.dumps(config))
        argv += ["--config", str(path)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({}, "no Fortnox credentials"),
        ({"client_id": "id", "client_secret": "s"}, "tenant_id"),
        ({**CC, "access_token": "t"}, "are both set"),
        ({**CC, "start_date": "last tuesday"}, "start_date 'last tuesday' is not an ISO 8601"),
        ({**CC, "list_only_streams": ["customers", "nope"]}, "unknown streams: nope"),
        ({**CC, "api_url": ""}, "api_url '' is not an http(s) URL"),
        ({**CC, "api_url": "api.fortnox.se/3"}, "api_url 'api.fortnox.se/3' is not an http(s)"),
        ({**CC, "auth_url": "ftp://x/oauth-v1"}, "auth_url 'ftp://x/oauth-v1' is not an http(s)"),
        ({**CC, "auth_url": None}, "auth_url is null; remove it to use the default 'https://"),
        ({**CC, "page_size": None}, "page_size is null; remove it to use the default 500"),
        ({**CC, "detect_deletes": None}, "detect_deletes is null"),
    ],
)
def test_config_errors_are_one_line_and_name_the_setting(config, fragment):
    errors = config_errors(config, NAMES)
    assert len(errors) == 1
    assert fragment in errors[0]
    assert "\n" not in errors[0]
    assert "secret-value" not in errors[0]


@pytest.mark.parametrize(
    "config",
    [
        CC,
        {**CC, "start_date": "2024-01-01"},
        {**CC, "start_date": "2024-01-01T00:00:00Z", "list_only_streams": ["customers"]},
        {"access_token": "t"},
        {
            **CC,
            "api_url": "http://127.0.0.1:8080/3",
            "auth_url": "https://apps.fortnox.se/oauth-v1",
        },
    ],
)
def test_good_configs_pass(config):
    assert config_errors(config, NAMES) == []


def test_the_tap_refuses_a_bad_config_with_all_problems_listed():
    with pytest.raises(ConfigValidationError) as info:
        TapFortnox(config={"start_date": "x"})
    assert len(info.value.errors) == 2


def test_every_setting_with_a_default_is_filled_in_when_absent():
    # The code reads these as config[name], with no second round of defaults.
    config = TapFortnox(config=CC).config
    assert {name: config[name] for name in DEFAULTS} == DEFAULTS


def test_json_schema_bounds_are_config_errors():
    with pytest.raises(ConfigValidationError):
        TapFortnox(config={**CC, "page_size": 501})


def test_every_setting_has_a_title_and_description_and_secrets_are_marked():
    props = TapFortnox.config_jsonschema["properties"]
    for name, prop in props.items():
        assert prop.get("title"), name
        assert prop.get("description"), name
    secrets = {name for name, prop in props.items() if prop.get("secret")}
    assert secrets == {"client_secret", "refresh_token", "access_token"}
    assert props["api_url"]["default"] == "https://api.fortnox.se/3"
    assert props["auth_url"]["default"] == "https://apps.fortnox.se/oauth-v1"
    assert props["rate_limit_requests"]["default"] == 25
    assert props["rate_limit_window_seconds"]["default"] == 5


def test_discover_works_without_any_config():
    result = run_cli("--discover")
    assert result.returncode == 0, result.stderr
    catalog = json.loads(result.stdout)
    streams = {s["tap_stream_id"]: s for s in catalog["streams"]}
    assert set(streams) == set(NAMES)
    for stream in streams.values():
        assert stream["key_properties"][0] == "tenant_id"
    assert streams["customers"]["replication_key"] == "sync_started_at"


def test_about_json_works_without_any_config():
    result = run_cli("--about", "--format", "json")
    assert result.returncode == 0, result.stderr
    about = json.loads(result.stdout)
    assert about["name"] == "tap-fortnox"
    settings = about["settings"]["properties"]
    assert settings["client_secret"].get("secret") is True
    assert "start_date" in settings


def test_a_bad_config_ends_with_clear_lines_and_no_traceback(tmp_path):
    result = run_cli(config={"client_id": "id", "start_date": "nope"}, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "client_secret and tenant_id are missing" in result.stderr
    assert "start_date 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_rejected_credentials_end_with_one_line_and_no_traceback(fake, tmp_path):
    fake.add_list("/3/units", Resource("Units", [{"Code": "st"}]))
    config = fake.config(client_secret="wrong-secret-value")
    result = run_cli(config=config, tmp_path=tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    # The SDK says which stream was running; the last line says what went wrong.
    assert "Client-credentials token request failed: Fortnox answered HTTP 401" in errors[-1]
    assert "Traceback" not in result.stderr
    assert "wrong-secret-value" not in result.stderr + result.stdout
    assert CLIENT_ID  # the fake's id is not secret; only the secret must stay hidden


def test_an_empty_api_url_on_the_command_line_is_one_clear_line(tmp_path):
    result = run_cli(config={**CC, "api_url": ""}, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "api_url '' is not an http(s) URL" in result.stderr
