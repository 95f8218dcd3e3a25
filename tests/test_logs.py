"""Logs: JSON lines in a daily file, latest.log, quiet console, no secrets."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from ptt.logs import capture_logs, redact, redact_text, setup_logging


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "logs"
    setup_logging(directory, verbosity=0)
    yield directory
    setup_logging(None)


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_it_writes_json_lines_with_structured_fields(log_dir: Path) -> None:
    logging.getLogger("ptt.collect").info(
        "Stored filing %s.", "20022260", extra={"source": "us-house", "rows": 12}
    )

    files = [p for p in log_dir.iterdir() if p.name != "latest.log"]
    assert len(files) == 1
    assert files[0].name.endswith(".log") and len(files[0].stem) == 10
    entry = read_lines(files[0])[-1]
    assert entry["message"] == "Stored filing 20022260."
    assert entry["level"] == "INFO"
    assert entry["logger"] == "ptt.collect"
    assert entry["source"] == "us-house"
    assert entry["rows"] == 12
    assert str(entry["timestamp"]).endswith("+00:00")


def test_it_points_latest_log_at_todays_file(log_dir: Path) -> None:
    logging.getLogger("ptt.test").warning("Something to see.")

    latest = log_dir / "latest.log"
    assert latest.is_symlink()
    target = os.readlink(latest)
    assert target.endswith(".log") and target != "latest.log"
    assert read_lines(latest)[-1]["message"] == "Something to see."


def test_it_keeps_secrets_out_of_log_lines(log_dir: Path) -> None:
    logging.getLogger("ptt.http").info(
        "Got cookie csrftoken=abc123 and sessionid=s3cr3t.",
        extra={"headers": {"Cookie": "sessionid=s3cr3t", "Accept": "text/html"}},
    )

    text = (log_dir / "latest.log").read_text()
    assert "abc123" not in text
    assert "s3cr3t" not in text
    assert "text/html" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("csrfmiddlewaretoken=XYZ&start=0", "csrfmiddlewaretoken=***&start=0"),
        ("api_key: 12345", "api_key: ***"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_it_masks_secret_values_in_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_it_masks_secret_keys_in_structures() -> None:
    assert redact({"password": "x", "rows": [1, {"token": "y"}]}) == {
        "password": "***",
        "rows": [1, {"token": "***"}],
    }


def test_it_is_quiet_on_the_console_unless_verbose(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.getLogger("ptt.x").info("An info line.")
    logging.getLogger("ptt.x").warning("A warning line.")

    err = capsys.readouterr().err
    assert "An info line." not in err
    assert "A warning line." in err


def test_it_captures_a_runs_lines_up_to_a_bound() -> None:
    setup_logging(None)
    with capture_logs(max_bytes=200) as capture:
        for i in range(50):
            logging.getLogger("ptt.job").info("Line number %s of the run.", i)

    assert capture.truncated
    assert capture.lines[-1] == capture.TRUNCATION_MARK
    assert "Line number 0 of the run." in capture.text()
    assert len(capture.text()) < 300
