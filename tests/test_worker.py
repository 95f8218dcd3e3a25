"""The worker: one job body run with its log captured and its failure described."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ptt.db import connect
from ptt.scheduler import worker


def spec(home: Path, kind: str, args: dict[str, Any]) -> dict[str, Any]:
    connect(home / "ptt.db").close()
    return {
        "db": str(home / "ptt.db"), "kind": kind, "args": args, "job_id": None,
        "job_name": "probe", "execution_id": 1, "result_path": str(home / "r.json"),
        "parent_pid": 0,
    }  # fmt: skip


def test_it_reports_a_body_that_raises_with_type_message_and_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTT_HOME", str(tmp_path))

    # A cleanup job stored without its age: the body fails on the missing argument.
    outcome = worker.run(spec(tmp_path, "cleanup", {}))

    assert outcome["status"] == "failed"
    assert outcome["error_type"] == "KeyError"
    assert outcome["error_message"] == "'older_than'"
    assert "Traceback (most recent call last)" in outcome["traceback"]
    assert outcome["log_truncated"] == 0


def test_it_reports_an_unknown_kind_as_a_failed_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTT_HOME", str(tmp_path))

    outcome = worker.run(spec(tmp_path, "vanished-kind", {}))

    assert (outcome["status"], outcome["error_type"]) == ("failed", "InvalidJobError")
    assert outcome["error_message"].startswith(
        "--run: unknown job kind 'vanished-kind'"
    )


def test_it_bounds_the_captured_log_with_a_truncation_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTT_HOME", str(tmp_path))
    monkeypatch.setattr(worker, "LOG_LIMIT_BYTES", 2000)
    command = "for i in $(seq 1 200); do echo line $i of a chatty job; done"

    outcome = worker.run(spec(tmp_path, "command", {"command": command}))

    assert outcome["status"] == "success"
    assert outcome["log_truncated"] == 1
    assert outcome["log"].endswith("[... log truncated ...]")
    assert len(outcome["log"]) < 2100
    assert outcome["metrics"]["exit_status"] == 0
