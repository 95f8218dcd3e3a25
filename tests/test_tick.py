"""``ptt tick`` as cron runs it: real processes racing, crashing, hanging, catching up."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests import congress
from tests.fixture_server import FixtureServer
from tests.helpers import ROOT, ptt_env
from tests.scheduler_support import (
    T0,
    actions,
    add,
    db,
    executions,
    job,
    process_gone,
    ptt,
    running,
    start_tick,
    tick,
    wait_for,
)


def test_it_runs_a_due_job_once_and_records_the_run(tmp_path: Path) -> None:
    add(tmp_path, "hello", "--interval", "15m", "--run", "command",
        "--command", "echo hello from the job")  # fmt: skip

    first = tick(tmp_path, T0)
    again = tick(tmp_path, "2026-01-05T00:01:00Z")

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0
    [run] = executions(tmp_path)
    assert run["status"] == "success"
    assert run["trigger"] == "schedule"
    assert run["scheduled_for"] == T0
    assert run["started_at"] == run["finished_at"] == T0
    assert run["duration_seconds"] > 0
    assert json.loads(run["metrics"])["exit_status"] == 0
    assert "| hello from the job" in run["log"]
    assert run["lease_expires_at"] is None
    assert job(tmp_path, "hello")["next_run_at"] == "2026-01-05T00:15:00Z"
    [executed] = actions(tmp_path, "job_executed")
    assert (executed["status"], executed["source"]) == ("completed", "scheduled_job")
    assert executed["execution_id"] == run["id"]


def test_it_writes_when_tick_last_ran_and_by_whom(tmp_path: Path) -> None:
    result = tick(tmp_path, T0)

    with db(tmp_path) as conn:
        state = dict(conn.execute("SELECT key, value FROM scheduler_state").fetchall())
    assert result.returncode == 0
    assert state["last_tick_at"] == T0
    assert int(state["last_tick_pid"]) > 0
    assert state["last_tick_host"]


def test_a_tick_with_nothing_due_imports_no_heavy_module(tmp_path: Path) -> None:
    add(tmp_path, "later", "--cron", "@daily", "--run", "command", "--command", "true")
    code = (
        "import sys; from ptt.__main__ import main; code = main(['tick']); "
        "heavy = {'typer', 'rich', 'click', 'httpx', 'lxml', 'pypdfium2', 'croniter'}; "
        "late = {'ptt.migrations', 'ptt.collect', 'ptt.sources', "
        "'ptt.scheduler.execution', 'ptt.scheduler.kinds'}; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in heavy or m in late)); "
        "sys.exit(code)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ptt_env(tmp_path, PTT_NOW=T0),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_tick_help_works_on_the_fast_path(tmp_path: Path) -> None:
    result = ptt(tmp_path, "tick", "--help")

    assert result.returncode == 0
    assert "--watch" in result.stdout


def test_tick_uses_the_database_given_by_option_or_environment(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "jobs.db"

    fast = ptt(tmp_path, "tick", "--db", str(other))
    through_cli = ptt(tmp_path, "--db", str(other), "tick")
    from_env = ptt(tmp_path, "tick", PTT_DB=str(tmp_path / "env.db"))
    unknown = ptt(tmp_path, "tick", "--every", "5")

    assert (fast.returncode, through_cli.returncode, from_env.returncode) == (0, 0, 0)
    assert other.exists() and (tmp_path / "env.db").exists()
    assert not (tmp_path / "ptt.db").exists()
    assert unknown.returncode == 2
    assert "Error: no such option: --every" in unknown.stderr


def test_several_ticks_started_together_give_exactly_one_execution(
    tmp_path: Path,
) -> None:
    add(tmp_path, "once", "--interval", "1h", "--run", "command",
        "--command", f"echo $PTT_EXECUTION_ID >> {tmp_path}/runs.txt; sleep 1")  # fmt: skip

    ticks = [start_tick(tmp_path, T0) for _ in range(8)]
    outputs = [t.communicate(timeout=60) for t in ticks]

    assert [t.returncode for t in ticks] == [0] * 8, outputs
    assert not any("locked" in err for _, err in outputs)
    [run] = executions(tmp_path)
    assert run["status"] == "success"
    assert (tmp_path / "runs.txt").read_text().split() == [str(run["id"])]


def test_many_ticks_and_a_writer_at_once_never_fail_with_database_locked(
    tmp_path: Path,
) -> None:
    for number in range(4):
        add(tmp_path, f"job{number}", "--interval", "1m", "--run", "command",
            "--command", "true")  # fmt: skip
    writer_code = (
        "from ptt.db import connect; from ptt.actions import log_action\n"
        f"conn = connect({str(tmp_path / 'ptt.db')!r})\n"
        "for n in range(300): log_action(conn, 'load_test', target=str(n))\n"
    )

    writer = subprocess.Popen(
        [sys.executable, "-c", writer_code], cwd=ROOT, env=ptt_env(tmp_path),
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    ticks = [
        start_tick(tmp_path, f"2026-01-05T00:0{minute}:00Z")
        for minute in (0, 0, 1, 1, 2, 2)
    ]
    outputs = [t.communicate(timeout=120) for t in ticks]
    writer_error = writer.communicate(timeout=120)[1]

    assert writer.returncode == 0, writer_error
    assert [t.returncode for t in ticks] == [0] * 6, outputs
    assert not any("locked" in err for _, err in outputs)
    assert len(actions(tmp_path, "load_test")) == 300
    runs = executions(tmp_path)
    slots = [(r["job_name"], r["scheduled_for"]) for r in runs]
    assert len(slots) == len(set(slots))
    assert {r["status"] for r in runs} == {"success"}


def test_a_tick_killed_in_the_middle_of_a_job_is_reclaimed_by_the_next(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "first-run-started"
    add(tmp_path, "fragile", "--interval", "1h", "--run", "command", "--command",
        f"test -f {marker} || {{ touch {marker}; echo $$ > {tmp_path}/pid; exec sleep 60; }}")  # fmt: skip
    victim = start_tick(tmp_path, T0)
    wait_for(lambda: running(tmp_path, "fragile") and (tmp_path / "pid").exists())
    sleeper = int(wait_for(lambda: (tmp_path / "pid").read_text().strip()))

    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    wait_for(lambda: process_gone(sleeper), timeout=10)
    result = tick(tmp_path, "2026-01-05T00:01:00Z")

    assert result.returncode == 0, result.stderr
    lost, again = executions(tmp_path)
    assert lost["status"] == "abandoned"
    assert lost["error_type"] == "OwnerDied"
    assert f"process {victim.pid}" in lost["error_message"]
    assert again["status"] == "success"
    assert again["trigger"] == "recovery"
    assert again["scheduled_for"] == "2026-01-05T00:01:00Z"
    assert job(tmp_path, "fragile")["consecutive_failures"] == 0
    [reclaimed] = actions(tmp_path, "job_recovered")
    assert reclaimed["source"] == "recovery"
    assert reclaimed["execution_id"] == lost["id"]
    assert "Reclaimed execution" in result.stderr
    leftovers = Path(tempfile.gettempdir()).glob(f"ptt-run-{lost['id']}-{victim.pid}-*")
    assert list(leftovers) == []


def test_an_abandoned_run_counts_as_a_failure(tmp_path: Path) -> None:
    add(tmp_path, "elsewhere", "--interval", "1h", "--run", "command",
        "--command", "exit 1", "--max-failures", "1")  # fmt: skip
    with db(tmp_path) as conn:
        conn.execute(
            "INSERT INTO job_executions (job_id, job_name, scheduled_for, trigger, "
            "status, started_at, owner_host, owner_pid, lease_expires_at) "
            "SELECT id, name, '2026-01-04T23:00:00Z', 'schedule', 'running', "
            "'2026-01-04T23:00:00Z', 'another-host', 1, '2000-01-01T00:00:00Z' "
            "FROM scheduled_jobs"
        )

    result = tick(tmp_path, T0)

    [lost] = executions(tmp_path)
    assert result.returncode == 0
    assert lost["status"] == "abandoned"
    assert lost["error_type"] == "LeaseExpired"
    stored = job(tmp_path, "elsewhere")
    assert stored["consecutive_failures"] == 1
    assert stored["is_enabled"] == 0
    assert "abandoned" in stored["disabled_reason"]


def test_a_long_job_with_a_live_heartbeat_is_never_reclaimed(tmp_path: Path) -> None:
    lease = {"PTT_LEASE_SECONDS": "2.5", "PTT_HEARTBEAT_SECONDS": "0.25"}
    add(
        tmp_path, "long", "--interval", "1m", "--run", "command", "--command", "sleep 5"
    )
    owner = start_tick(tmp_path, T0, **lease)
    wait_for(lambda: running(tmp_path, "long"))

    others, heartbeats = [], set()
    for minute in (1, 2, 3):
        time.sleep(1.2)
        others.append(tick(tmp_path, f"2026-01-05T00:0{minute}:00Z", **lease))
        heartbeats.add(running(tmp_path, "long")["heartbeat_at"])
    owner.communicate(timeout=60)

    assert owner.returncode == 0
    assert [o.returncode for o in others] == [0, 0, 0]
    [run] = executions(tmp_path)
    assert run["status"] == "success"
    # Without renewals the lease (2.5s) would have run out before the job ended.
    assert len(heartbeats) >= 2
    assert all("still running" in o.stderr or o.stderr == "" for o in others)


def test_a_run_whose_lease_was_reclaimed_is_stopped_by_its_own_tick(
    tmp_path: Path,
) -> None:
    add(tmp_path, "taken", "--interval", "1h", "--run", "command",
        "--command", f"echo $$ > {tmp_path}/pid; exec sleep 60")  # fmt: skip
    owner = start_tick(tmp_path, T0, PTT_HEARTBEAT_SECONDS="0.2")
    wait_for(lambda: running(tmp_path, "taken") and (tmp_path / "pid").exists())
    sleeper = int(wait_for(lambda: (tmp_path / "pid").read_text().strip()))

    # What another tick does when it reclaims the run.
    with db(tmp_path) as conn:
        conn.execute("UPDATE job_executions SET status = 'abandoned'")
    _, stderr = owner.communicate(timeout=30)

    [run] = executions(tmp_path)
    assert run["status"] == "abandoned"
    assert "lost its lease; stopping it" in stderr
    assert wait_for(lambda: process_gone(sleeper), timeout=10)


def test_run_now_during_a_scheduled_run_is_refused(tmp_path: Path) -> None:
    add(
        tmp_path, "busy", "--interval", "1h", "--run", "command", "--command", "sleep 3"
    )
    scheduled = start_tick(tmp_path, T0)
    wait_for(lambda: running(tmp_path, "busy"))

    refused = ptt(tmp_path, "jobs", "run-now", "busy")
    scheduled.communicate(timeout=60)

    assert refused.returncode == 1
    assert refused.stderr.startswith(
        "Error: job 'busy' is already running (execution 1"
    )
    assert [e["trigger"] for e in executions(tmp_path)] == ["schedule"]


def test_run_now_records_a_manual_run_and_leaves_the_schedule(tmp_path: Path) -> None:
    add(tmp_path, "report", "--cron", "0 6 * * *", "--run", "command",
        "--command", "echo manual")  # fmt: skip
    before = job(tmp_path, "report")["next_run_at"]

    result = ptt(tmp_path, "jobs", "run-now", "report")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Job report: success in ")
    [run] = executions(tmp_path)
    assert (run["trigger"], run["scheduled_for"], run["status"]) == (
        "manual",
        None,
        "success",
    )
    assert job(tmp_path, "report")["next_run_at"] == before == "2026-01-05T06:00:00Z"
    assert [a["target"] for a in actions(tmp_path, "run_now_requested")] == ["report"]
    assert actions(tmp_path, "job_executed")[0]["source"] == "cli"


def test_a_failed_run_now_says_its_error_once(tmp_path: Path) -> None:
    add(tmp_path, "broken", "--cron", "0 6 * * *", "--run", "command",
        "--command", "echo doomed; exit 3")  # fmt: skip

    result = ptt(tmp_path, "jobs", "run-now", "broken")

    assert result.returncode == 1
    # The job's own log line is left out of the console: the Error line says it all.
    assert result.stderr.count("exit") == 1, result.stderr
    assert result.stderr.startswith("Error: Job broken: failed in ")
    [run] = executions(tmp_path)
    assert run["status"] == "failed"


def test_a_run_past_its_timeout_is_stopped_and_recorded_timed_out(
    tmp_path: Path,
) -> None:
    add(tmp_path, "hang", "--interval", "1h", "--run", "command", "--timeout", "1s",
        "--command", f"echo started; echo $$ > {tmp_path}/pid; exec sleep 60")  # fmt: skip

    started = time.monotonic()
    result = tick(tmp_path, T0)
    took = time.monotonic() - started

    assert result.returncode == 1
    assert took < 20
    [run] = executions(tmp_path)
    assert run["status"] == "timed_out"
    assert run["error_type"] == "Timeout"
    assert (
        run["error_message"]
        == "the run took longer than its timeout of 1s and was stopped"
    )
    assert "| started" in run["log"]
    assert process_gone(int((tmp_path / "pid").read_text()))
    assert job(tmp_path, "hang")["consecutive_failures"] == 1


def test_a_job_whose_process_dies_is_a_failed_run_and_the_tick_goes_on(
    tmp_path: Path,
) -> None:
    add(tmp_path, "crash", "--interval", "1h", "--run", "command",
        "--command", "kill -9 $PPID")  # fmt: skip
    add(tmp_path, "fine", "--interval", "1h", "--run", "command", "--command", "true")

    result = tick(tmp_path, T0)

    runs = {e["job_name"]: e for e in executions(tmp_path)}
    assert result.returncode == 1
    assert runs["crash"]["status"] == "failed"
    assert runs["crash"]["error_type"] == "WorkerDied"
    assert runs["fine"]["status"] == "success"


def test_a_failing_command_is_a_failed_run_with_its_output(tmp_path: Path) -> None:
    add(tmp_path, "broken", "--interval", "1h", "--run", "command",
        "--command", "echo 'disk full' >&2; exit 4")  # fmt: skip

    result = tick(tmp_path, T0)
    logs = ptt(tmp_path, "jobs", "logs", "1")

    [run] = executions(tmp_path)
    assert result.returncode == 1
    assert (run["status"], run["error_type"]) == ("failed", "JobFailed")
    assert run["error_message"] == "the command exited with status 4"
    assert "| disk full" in logs.stdout
    assert "Job broken finished: failed" in result.stderr


def test_a_command_job_under_crons_short_path_finds_this_ptt(tmp_path: Path) -> None:
    copy = tmp_path / "backups" / "ptt.db"
    add(tmp_path, "backup", "--interval", "1d", "--run", "command",
        "--command", f"ptt db backup {copy} --replace")  # fmt: skip

    result = tick(tmp_path, T0, PATH="/usr/bin:/bin")

    assert result.returncode == 0, result.stderr
    [run] = executions(tmp_path)
    assert run["status"] == "success", run["error_message"]
    conn = sqlite3.connect(copy)
    [name] = conn.execute("SELECT name FROM scheduled_jobs").fetchone()
    assert name == "backup"


def test_failures_disable_a_job_until_it_is_enabled(tmp_path: Path) -> None:
    ok = tmp_path / "ok"
    add(tmp_path, "flaky", "--cron", "* * * * *", "--run", "command",
        "--command", f"test -f {ok}", "--max-failures", "2")  # fmt: skip

    tick(tmp_path, "2026-01-05T00:01:00Z")
    tick(tmp_path, "2026-01-05T00:02:00Z")
    idle = tick(tmp_path, "2026-01-05T00:03:00Z")
    disabled = job(tmp_path, "flaky")
    status = ptt(tmp_path, "jobs", "status", "--json", now="2026-01-05T00:03:00Z")
    ok.touch()
    enabled = ptt(tmp_path, "jobs", "enable", "flaky", now="2026-01-05T00:03:30Z")
    after_enable = job(tmp_path, "flaky")
    tick(tmp_path, "2026-01-05T00:04:00Z")

    assert len(executions(tmp_path)) == 3
    assert idle.returncode == 0
    assert disabled["is_enabled"] == 0
    assert disabled["consecutive_failures"] == 2
    assert disabled["disabled_reason"].startswith("2 consecutive failures")
    assert disabled["disabled_at"] == "2026-01-05T00:02:00Z"
    assert status.returncode == 1
    assert json.loads(status.stdout)["jobs"][0]["state"] == "disabled"
    assert enabled.returncode == 0
    assert after_enable["consecutive_failures"] == 0
    assert after_enable["next_run_at"] == "2026-01-05T00:04:00Z"
    final = job(tmp_path, "flaky")
    assert (final["last_status"], final["consecutive_failures"]) == ("success", 0)
    assert [a["target"] for a in actions(tmp_path, "job_disabled")] == ["flaky"]
    assert [a["target"] for a in actions(tmp_path, "job_enabled")] == ["flaky"]


def test_a_success_resets_the_failure_count(tmp_path: Path) -> None:
    ok = tmp_path / "ok"
    add(tmp_path, "flaky", "--cron", "* * * * *", "--run", "command",
        "--command", f"test -f {ok}")  # fmt: skip

    tick(tmp_path, "2026-01-05T00:01:00Z")
    tick(tmp_path, "2026-01-05T00:02:00Z")
    failed_twice = job(tmp_path, "flaky")["consecutive_failures"]
    ok.touch()
    tick(tmp_path, "2026-01-05T00:03:00Z")

    assert failed_twice == 2
    assert job(tmp_path, "flaky")["consecutive_failures"] == 0


# Missed slots --------------------------------------------------------------------------


def hourly(home: Path, policy: str) -> None:
    add(home, "hourly", "--cron", "@hourly", "--catch-up", policy, "--run", "command",
        "--command", "echo $PTT_EXECUTION_ID")  # fmt: skip


def test_catch_up_latest_runs_once_for_the_most_recent_missed_slot(
    tmp_path: Path,
) -> None:
    hourly(tmp_path, "latest")

    result = tick(tmp_path, "2026-01-05T05:30:00Z")

    [run] = executions(tmp_path)
    assert result.returncode == 0
    assert (run["scheduled_for"], run["trigger"]) == (
        "2026-01-05T05:00:00Z",
        "recovery",
    )
    assert job(tmp_path, "hourly")["next_run_at"] == "2026-01-05T06:00:00Z"
    [recovered] = actions(tmp_path, "job_recovered")
    assert recovered["source"] == "recovery"
    assert json.loads(recovered["details"])["missed_slots"] == "5"
    assert actions(tmp_path, "job_executed")[0]["source"] == "recovery"
    assert "missed 5 slots" in result.stderr


def test_catch_up_all_runs_each_missed_slot_in_order(tmp_path: Path) -> None:
    hourly(tmp_path, "all")

    tick(tmp_path, "2026-01-05T03:30:00Z")

    runs = executions(tmp_path)
    assert [r["scheduled_for"][11:16] for r in runs] == ["01:00", "02:00", "03:00"]
    assert {r["trigger"] for r in runs} == {"recovery"}
    assert {r["status"] for r in runs} == {"success"}
    assert runs[0]["finished_at"] <= runs[1]["started_at"]
    assert job(tmp_path, "hourly")["next_run_at"] == "2026-01-05T04:00:00Z"


def test_catch_up_none_skips_to_the_next_future_slot(tmp_path: Path) -> None:
    hourly(tmp_path, "none")

    skipped = tick(tmp_path, "2026-01-05T05:30:00Z")
    next_run = job(tmp_path, "hourly")["next_run_at"]
    on_time = tick(tmp_path, "2026-01-05T06:00:20Z")

    assert skipped.returncode == 0
    assert next_run == "2026-01-05T06:00:00Z"
    [run] = executions(tmp_path)
    assert (run["scheduled_for"], run["trigger"]) == (
        "2026-01-05T06:00:00Z",
        "schedule",
    )
    assert on_time.returncode == 0


def test_a_slot_a_little_late_is_on_time_not_missed(tmp_path: Path) -> None:
    hourly(tmp_path, "none")

    tick(tmp_path, "2026-01-05T01:04:00Z")

    [run] = executions(tmp_path)
    assert (run["scheduled_for"], run["trigger"]) == (
        "2026-01-05T01:00:00Z",
        "schedule",
    )


def test_catch_up_all_is_capped_per_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from ptt.config import load_settings
    from ptt.db import connect
    from ptt.scheduler import execution, runner
    from ptt.scheduler.jobs import JobSpec, add_job

    monkeypatch.setenv("PTT_NOW", T0)
    monkeypatch.setattr(execution, "CATCH_UP_LIMIT", 3)
    settings = load_settings(tmp_path / "ptt.db", env={"PTT_HOME": str(tmp_path)})
    conn = connect(settings.db_path)
    add_job(conn, JobSpec("minutely", "command", {"command": "true"}, cron="* * * * *",
                          catch_up="all"))  # fmt: skip
    # 200 days later: 288,000 missed slots, of which only the latest 3 run.
    monkeypatch.setenv("PTT_NOW", "2026-07-24T00:00:00Z")

    report = runner.tick(conn, settings)

    assert [r.status for r in report.results] == ["success"] * 3
    runs = executions(tmp_path)
    assert [r["scheduled_for"] for r in runs] == [
        "2026-07-23T23:58:00Z", "2026-07-23T23:59:00Z", "2026-07-24T00:00:00Z",
    ]  # fmt: skip
    assert "catching up only the latest 3 (the limit per tick)" in caplog.text
    assert job(tmp_path, "minutely")["next_run_at"] == "2026-07-24T00:01:00Z"


def test_pausing_and_resuming_never_causes_a_burst_of_runs(tmp_path: Path) -> None:
    hourly(tmp_path, "all")

    ptt(tmp_path, "jobs", "pause", "hourly", now="2026-01-05T00:10:00Z")
    paused = tick(tmp_path, "2026-01-05T05:00:00Z")
    ptt(tmp_path, "jobs", "resume", "hourly", now="2026-01-05T09:30:00Z")
    right_after = tick(tmp_path, "2026-01-05T09:31:00Z")
    runs_before = executions(tmp_path)
    tick(tmp_path, "2026-01-05T10:00:00Z")

    assert paused.returncode == right_after.returncode == 0
    assert runs_before == []
    assert [r["scheduled_for"] for r in executions(tmp_path)] == [
        "2026-01-05T10:00:00Z"
    ]
    assert len(actions(tmp_path, "job_paused")) == 1
    assert len(actions(tmp_path, "job_resumed")) == 1


# Time zones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("added", "ticks", "ran", "next_run"),
    [
        # Spring forward, 2026-03-08: 02:00 New York does not exist; the run comes at
        # 03:00 EDT (07:00 UTC), once, and the next day's at 02:00 EDT (06:00 UTC).
        ("2026-03-07T12:00:00Z",
         ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:01:00Z",
          "2026-03-08T08:00:00Z"],
         ["2026-03-08T07:00:00Z"], "2026-03-09T06:00:00Z"),
        # Fall back, 2026-11-01: 01:00-01:59 happens twice, 02:00 once, at 02:00 EST
        # (07:00 UTC); nothing runs at 06:00 UTC (01:00 EST, the repeated hour).
        ("2026-10-31T12:00:00Z",
         ["2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z",
          "2026-11-01T07:30:00Z"],
         ["2026-11-01T07:00:00Z"], "2026-11-02T07:00:00Z"),
    ],
)  # fmt: skip
def test_a_new_york_job_runs_once_on_dst_days(
    tmp_path: Path, added: str, ticks: list[str], ran: list[str], next_run: str
) -> None:
    add(tmp_path, "nightly", "--cron", "0 2 * * *", "--tz", "America/New_York",
        "--run", "command", "--command", "true", now=added)  # fmt: skip

    for moment in ticks:
        assert tick(tmp_path, moment, TZ="Asia/Tokyo").returncode == 0

    runs = executions(tmp_path)
    assert [r["scheduled_for"] for r in runs] == ran
    assert {r["trigger"] for r in runs} == {"schedule"}
    assert job(tmp_path, "nightly")["next_run_at"] == next_run


# Status --------------------------------------------------------------------------------


def test_jobs_status_exits_1_when_a_job_is_overdue_and_says_when_tick_ran(
    tmp_path: Path,
) -> None:
    add(
        tmp_path,
        "daily",
        "--cron",
        "0 6 * * *",
        "--run",
        "command",
        "--command",
        "true",
    )
    add(tmp_path, "resting", "--cron", "0 6 * * *", "--run", "command",
        "--command", "true")  # fmt: skip
    ptt(tmp_path, "jobs", "pause", "resting")

    never = ptt(tmp_path, "jobs", "status", "--json", now="2026-01-05T06:04:00Z")
    tick(tmp_path, "2026-01-05T05:59:00Z")
    healthy = ptt(tmp_path, "jobs", "status", "--json", now="2026-01-05T06:04:00Z")
    overdue = ptt(tmp_path, "jobs", "status", "--json", now="2026-01-05T06:06:00Z")
    table = ptt(tmp_path, "jobs", "status", "--format", "table",
                now="2026-01-05T06:06:00Z")  # fmt: skip

    assert never.returncode == 0
    assert (
        "Last tick: never; more than 5 minutes ago: is `ptt tick` in the crontab?"
        in (never.stderr)
    )
    assert json.loads(never.stdout)["tick_stale"] is True
    assert healthy.returncode == 0
    report = json.loads(healthy.stdout)
    assert report["last_tick_at"] == "2026-01-05T05:59:00Z"
    assert report["tick_stale"] is False
    assert {j["job_name"]: j["state"] for j in report["jobs"]} == {
        "daily": "scheduled", "resting": "paused",
    }  # fmt: skip
    assert overdue.returncode == 1
    states = {j["job_name"]: j["state"] for j in json.loads(overdue.stdout)["jobs"]}
    assert states == {"daily": "overdue", "resting": "paused"}
    assert table.returncode == 1
    assert "Last tick: 2026-01-05T05:59:00Z (pid" in table.stdout
    assert "more than 5 minutes ago" in table.stdout


def test_tick_watch_ticks_until_interrupted(tmp_path: Path) -> None:
    add(tmp_path, "hello", "--interval", "1h", "--run", "command", "--command", "true")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "ptt", "tick", "--watch"], cwd=ROOT,
        env=ptt_env(tmp_path, PTT_NOW=T0), stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    wait_for(lambda: [e for e in executions(tmp_path) if e["status"] == "success"])
    watcher.send_signal(signal.SIGINT)
    watcher.communicate(timeout=30)

    assert watcher.returncode == 130
    assert len(executions(tmp_path)) == 1


def test_a_tick_stopped_during_a_run_records_the_run_as_interrupted(
    tmp_path: Path,
) -> None:
    add(tmp_path, "slow", "--interval", "1h", "--run", "command",
        "--command", f"touch {tmp_path}/started; exec sleep 30")  # fmt: skip
    ticking = start_tick(tmp_path, T0)
    wait_for(lambda: (tmp_path / "started").exists())

    ticking.send_signal(signal.SIGTERM)
    ticking.communicate(timeout=30)

    [run] = executions(tmp_path)
    assert ticking.returncode == 130
    assert (run["status"], run["error_type"]) == ("failed", "Interrupted")


# Job kinds built elsewhere -------------------------------------------------------------


def test_a_scheduled_collect_records_the_collections_metrics(
    tmp_path: Path, fixtures: Path, fixture_server: FixtureServer
) -> None:
    server = congress.set_up(fixture_server, fixtures)
    add(tmp_path, "congress", "--interval", "6h", "--run", "collect",
        "--source", "us-congress", "--year", "2025")  # fmt: skip

    result = tick(tmp_path, T0, **congress.environment(server))

    assert result.returncode == 0, result.stderr
    [run] = executions(tmp_path)
    assert run["status"] == "success", run["error_message"]
    metrics = json.loads(run["metrics"])
    assert [s["source"] for s in metrics["sources"]] == ["us-house", "us-senate"]
    assert metrics["totals"]["records_new"] > 0
    assert metrics["totals"]["records_new"] == sum(
        s["records_new"] for s in metrics["sources"]
    )
    with db(tmp_path) as conn:
        pulls = conn.execute(
            "SELECT DISTINCT source, job_id, execution_id FROM action_logs "
            "WHERE action_type NOT LIKE 'job_%'"
        ).fetchall()
        filings = conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0]
    assert {tuple(p) for p in pulls} == {("scheduled_job", run["job_id"], run["id"])}
    assert filings > 0


def test_a_collect_whose_source_fails_is_a_failed_run(tmp_path: Path) -> None:
    add(tmp_path, "house", "--interval", "6h", "--run", "collect",
        "--source", "us-house", "--year", "2025")  # fmt: skip

    # Nothing listens on port 9: the source fails, and so does the run.
    result = tick(tmp_path, T0, PTT_US_HOUSE_BASE_URL="http://127.0.0.1:9",
                  PTT_RATE_LIMIT="0")  # fmt: skip

    [run] = executions(tmp_path)
    assert result.returncode == 1
    assert (run["status"], run["error_type"]) == ("failed", "JobFailed")
    assert run["error_message"].startswith("us-house: ")
    assert json.loads(run["metrics"])["sources"][0]["status"] == "failed"
    assert job(tmp_path, "house")["consecutive_failures"] == 1


def test_a_scheduled_ticker_backfill_records_its_counts(tmp_path: Path) -> None:
    add(tmp_path, "tickers", "--cron", "@daily", "--run", "backfill-tickers",
        "--limit", "100")  # fmt: skip

    result = tick(tmp_path, "2026-01-06T00:00:00Z")

    [run] = executions(tmp_path)
    assert result.returncode == 0, result.stderr
    assert run["status"] == "success", run["error_message"]
    metrics = json.loads(run["metrics"])
    assert metrics["rows_examined"] == 0
    assert metrics["dry_run"] is False
