"""``ptt actions``: filters that are checked, and output fit for people and programs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_ptt


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--since", "yesterday"],
            "Error: --since 'yesterday' is not a date or time (YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SSZ)\n",
        ),
        (
            ["--since", "2026-13-45"],
            "Error: --since '2026-13-45' is not a date or time (YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SSZ)\n",
        ),
        (
            ["--status", "done"],
            "Error: unknown status 'done' (known: initiated, in_progress, completed, "
            "failed)\n",
        ),
    ],
)
def test_it_refuses_a_filter_it_cannot_apply_instead_of_showing_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_ptt(tmp_path, "actions", *args)

    assert result.returncode == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_it_takes_a_date_or_a_time_for_since(tmp_path: Path) -> None:
    run_ptt(tmp_path, "db", "init", PTT_NOW="2026-03-01T10:00:00Z")

    by_day = run_ptt(tmp_path, "actions", "--since", "2026-03-01", "--json")
    by_time = run_ptt(tmp_path, "actions", "--since", "2026-03-01T10:00:01Z")

    assert [a["action_type"] for a in json.loads(by_day.stdout)] == [
        "database_initialized"
    ]
    assert by_time.returncode == 0
    assert len(by_time.stdout.splitlines()) == 1  # the CSV header only


def test_it_gives_programs_the_details_as_an_object(tmp_path: Path) -> None:
    run_ptt(tmp_path, "db", "init")

    as_json = run_ptt(tmp_path, "actions", "--json")
    as_ndjson = run_ptt(tmp_path, "actions", "--format", "ndjson")

    details = json.loads(as_json.stdout)[0]["details"]
    assert details["from_version"] == 0
    assert isinstance(details["to_version"], int)
    assert isinstance(json.loads(as_ndjson.stdout)["details"], dict)
