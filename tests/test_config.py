"""Settings from the environment: a bad value is refused at once, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptt.config import load_settings
from ptt.errors import ConfigError
from tests.helpers import run_ptt


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PTT_RATE_LIMIT", "abc", "PTT_RATE_LIMIT='abc' is not a number"),
        (
            "PTT_RATE_LIMIT",
            "-1",
            "PTT_RATE_LIMIT='-1' is below 0 (requests per second; 0 lifts the limit)",
        ),
        (
            "PTT_CONCURRENCY",
            "0",
            "PTT_CONCURRENCY='0' is not a whole number of 1 or more",
        ),
        (
            "PTT_CONCURRENCY",
            "2.5",
            "PTT_CONCURRENCY='2.5' is not a whole number of 1 or more",
        ),
        (
            "PTT_US_HOUSE_BASE_URL",
            "disclosures-clerk.house.gov",
            "PTT_US_HOUSE_BASE_URL='disclosures-clerk.house.gov' is not an http or "
            "https address (e.g. http://127.0.0.1:8000); fix or unset it",
        ),
        (
            "PTT_CALIFORNIA_URL",
            "/tmp/schedule-a1.csv",
            "PTT_CALIFORNIA_URL='/tmp/schedule-a1.csv' is not an http or https "
            "address (e.g. http://127.0.0.1:8000); fix or unset it",
        ),
    ],
)
def test_it_refuses_a_setting_it_cannot_use(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"PTT_HOME": str(tmp_path), variable: value})

    assert caught.value.message == message


def test_it_takes_the_settings_a_mirror_needs(tmp_path: Path) -> None:
    settings = load_settings(
        env={
            "PTT_HOME": str(tmp_path),
            "PTT_RATE_LIMIT": "0",
            "PTT_CONCURRENCY": "8",
            "PTT_SEC_BASE_URL": "http://127.0.0.1:8000/",
        }
    )

    assert (settings.rate_limit, settings.concurrency) == (0.0, 8)
    assert settings.base_url("sec") == "http://127.0.0.1:8000"


def test_a_bad_base_url_fails_the_command_at_once_in_one_line(tmp_path: Path) -> None:
    result = run_ptt(
        tmp_path, "collect", "--source", "us-house", PTT_US_HOUSE_BASE_URL="notaurl"
    )

    assert result.returncode == 1
    assert result.stderr == (
        "Error: PTT_US_HOUSE_BASE_URL='notaurl' is not an http or https address "
        "(e.g. http://127.0.0.1:8000); fix or unset it\n"
    )
