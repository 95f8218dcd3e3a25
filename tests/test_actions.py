"""The action log: one row per action, updated as it goes."""

from __future__ import annotations

import json
from pathlib import Path

from ptt import db
from ptt.actions import log_action, recent_actions, start_action


def test_it_keeps_an_action_that_starts_and_ends_in_one_row(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")

    action = start_action(
        conn, "data_collection_start", target="us-house", details={"year": 2025}
    )
    action.progress({"documents": 3})
    action.complete("12 records", {"records_new": 12})

    rows = recent_actions(conn)
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "completed"
    assert row["result_message"] == "12 records"
    assert json.loads(row["details"]) == {"records_new": 12}
    assert row["finished_at"] is not None
    assert row["duration_seconds"] >= 0
    assert row["source"] == "cli"


def test_it_records_a_failure_with_its_error(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")

    action = start_action(conn, "job_executed", source="scheduled_job", job_id=4)
    action.fail("the index could not be read")

    row = recent_actions(conn)[0]
    assert (row["status"], row["error_message"], row["job_id"]) == (
        "failed",
        "the index could not be read",
        4,
    )


def test_it_filters_recent_actions(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    log_action(conn, "job_created", target="a")
    log_action(conn, "job_paused", target="a")
    log_action(conn, "job_created", target="b", status="failed", error="bad cron")

    created = recent_actions(conn, action_type="job_created")
    failed = recent_actions(conn, status="failed")

    assert [r["target"] for r in created] == ["b", "a"]
    assert [r["target"] for r in failed] == ["b"]
    assert len(recent_actions(conn, limit=1)) == 1
