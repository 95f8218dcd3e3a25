"""``ptt jobs``: adding and checking jobs, changing them, reading history, cleanup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.scheduler_support import T0, actions, add, db, executions, job, ptt, tick


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cron", "61 * * * *", "--run", "cleanup"],
         "Error: --cron: '61 * * * *' is not a valid expression"),
        (["--cron", "0 2 * * *", "--tz", "Europe/Atlantis", "--run", "cleanup"],
         "Error: --tz: unknown time zone 'Europe/Atlantis'"),
        (["--interval", "30s", "--run", "cleanup"],
         "Error: --interval: 30s is too short (the minimum is 60s"),
        (["--interval", "soon", "--run", "cleanup"],
         "Error: --interval: 'soon' is not a duration"),
        (["--interval", "1h", "--run", "dance"],
         "Error: --run: unknown job kind 'dance' (known: collect, backfill-tickers, "
         "cleanup, command)"),
        (["--run", "cleanup"], "Error: give exactly one of --cron or --interval"),
        (["--cron", "@daily", "--interval", "1h", "--run", "cleanup"],
         "Error: give exactly one of --cron or --interval"),
        (["--interval", "1h", "--run", "cleanup", "--source", "us-house"],
         "Error: --run cleanup: --source does not apply (it takes --older-than)"),
        (["--interval", "1h", "--run", "cleanup", "--older-than", "10m"],
         "Error: --older-than: keep at least 1h of history"),
        (["--interval", "1h", "--run", "command"],
         "Error: --command: a command job needs the command line to run"),
        (["--interval", "1h", "--run", "command", "--command", "true",
          "--catch-up", "some"],
         "Error: --catch-up: 'some' is not a policy (known: latest, all, none)"),
        (["--interval", "1h", "--run", "command", "--command", "true",
          "--timeout", "forever"],
         "Error: --timeout: 'forever' is not a duration"),
        (["--interval", "1h", "--run", "command", "--command", "true",
          "--max-failures", "0"],
         "Error: --max-failures: must be at least 1"),
        (["--interval", "1h", "--tz", "Europe/Paris", "--run", "cleanup"],
         "Error: --tz: applies to --cron schedules only"),
        (["--interval", "1h", "--run", "backfill-tickers", "--source", "a",
          "--source", "b"],
         "Error: --source: backfill-tickers takes one source at most"),
        (["--interval", "1h", "--run", "backfill-tickers", "--source", "nowhere"],
         "Error: --source: unknown source 'nowhere' (known: "),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_job_when_added_naming_the_field(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = ptt(tmp_path, "jobs", "add", "bad", *args)

    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(ptt(tmp_path, "jobs", "list", "--json").stdout) == []


def test_it_stores_a_job_with_its_checked_arguments_and_first_slot(
    tmp_path: Path,
) -> None:
    result = ptt(tmp_path, "jobs", "add", "nightly", "--cron", "0 2 * * *",
                 "--tz", "America/New_York", "--run", "cleanup", "--older-than", "720h",
                 "--catch-up", "none", "--timeout", "10m", "--max-failures", "3")  # fmt: skip

    stored = job(tmp_path, "nightly")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Added job nightly (cleanup, 0 2 * * * (America/New_York)); "
        "next run at 2026-01-05T07:00:00Z"
    )
    assert json.loads(stored["args"]) == {"older_than": "30d"}
    assert (stored["schedule_type"], stored["timezone"]) == ("cron", "America/New_York")
    assert (stored["catch_up"], stored["timeout_seconds"]) == ("none", 600)
    assert stored["max_consecutive_failures"] == 3
    [created] = actions(tmp_path, "job_created")
    assert created["target"] == "nightly"
    assert json.loads(created["details"])["kind"] == "cleanup"


def test_an_interval_job_is_due_at_the_next_tick(tmp_path: Path) -> None:
    add(tmp_path, "often", "--interval", "90s", "--run", "command", "--command", "true")

    stored = job(tmp_path, "often")

    assert (stored["interval_seconds"], stored["next_run_at"]) == (90, T0)


def test_adding_an_existing_name_is_an_error_unless_replace(tmp_path: Path) -> None:
    add(tmp_path, "twice", "--interval", "1h", "--run", "command", "--command", "true")

    again = ptt(
        tmp_path, "jobs", "add", "twice", "--interval", "2h", "--run", "cleanup"
    )
    replaced = ptt(tmp_path, "jobs", "add", "twice", "--interval", "2h", "--run",
                   "cleanup", "--replace")  # fmt: skip

    assert again.returncode == 2
    assert again.stderr.strip() == (
        "Error: a job named 'twice' exists (use --replace to change it)"
    )
    assert replaced.returncode == 0
    stored = job(tmp_path, "twice")
    assert (stored["kind"], stored["interval_seconds"]) == ("cleanup", 7200)
    assert [json.loads(a["details"])["replaced"] for a in actions(tmp_path, "job_created")] == [
        False, True,
    ]  # fmt: skip


def test_the_collect_kind_checks_its_sources_when_added(tmp_path: Path) -> None:
    unknown = ptt(tmp_path, "jobs", "add", "c", "--interval", "6h", "--run", "collect",
                  "--source", "us-congres")  # fmt: skip
    missing = ptt(tmp_path, "jobs", "add", "c", "--interval", "6h", "--run", "collect")
    good = ptt(tmp_path, "jobs", "add", "c", "--interval", "6h", "--run", "collect",
               "--source", "us-congress", "--year", "2025")  # fmt: skip

    assert unknown.returncode == 2
    assert unknown.stderr.startswith("Error: --source: unknown source 'us-congres'")
    assert missing.stderr.startswith("Error: --source: a collect job needs")
    assert good.returncode == 0, good.stderr
    # The group is stored as given; each run expands it anew.
    assert json.loads(job(tmp_path, "c")["args"]) == {
        "source": ["us-congress"],
        "year": 2025,
    }


def test_jobs_list_and_show_give_the_schedule_state_and_recent_runs(
    tmp_path: Path,
) -> None:
    add(tmp_path, "a-job", "--interval", "15m", "--run", "command", "--command", "true")
    add(tmp_path, "b-job", "--cron", "@daily", "--run", "command", "--command", "false")
    tick(tmp_path, T0)
    ptt(tmp_path, "jobs", "run-now", "b-job")

    listed = ptt(tmp_path, "jobs", "list", "--json")
    shown = ptt(tmp_path, "jobs", "show", "b-job", "--json")

    jobs = {j["name"]: j for j in json.loads(listed.stdout)}
    assert jobs["a-job"]["schedule"] == "every 15m"
    assert jobs["a-job"]["last_status"] == "success"
    assert jobs["b-job"]["schedule"] == "@daily"
    assert jobs["b-job"]["next_run_at"] == "2026-01-06T00:00:00Z"
    detail = json.loads(shown.stdout)
    assert detail["consecutive_failures"] == 1
    assert [r["status"] for r in detail["recent_runs"]] == ["failed"]
    assert detail["recent_runs"][0]["trigger"] == "manual"


def test_jobs_show_names_an_unknown_job(tmp_path: Path) -> None:
    result = ptt(tmp_path, "jobs", "show", "ghost")

    assert result.returncode == 2
    assert result.stderr.strip() == "Error: no job named 'ghost' (see ptt jobs list)"


def test_jobs_history_filters_by_job_and_status(tmp_path: Path) -> None:
    add(tmp_path, "good", "--interval", "1m", "--run", "command", "--command", "true")
    add(tmp_path, "bad", "--interval", "1m", "--run", "command", "--command", "false")
    for minute in range(3):
        tick(tmp_path, f"2026-01-05T00:0{minute}:00Z")

    everything = json.loads(ptt(tmp_path, "jobs", "history", "--json").stdout)
    failed = json.loads(
        ptt(tmp_path, "jobs", "history", "--status", "failed", "--json").stdout
    )
    one = json.loads(
        ptt(tmp_path, "jobs", "history", "good", "--limit", "2", "--json").stdout
    )
    bad_status = ptt(tmp_path, "jobs", "history", "--status", "oops")

    assert len(everything) == 6
    assert {r["job_name"] for r in failed} == {"bad"} and len(failed) == 3
    assert [r["scheduled_for"] for r in one] == [
        "2026-01-05T00:02:00Z", "2026-01-05T00:01:00Z",
    ]  # fmt: skip
    assert bad_status.returncode == 2
    assert bad_status.stderr.startswith("Error: --status: 'oops' is not a status")


def test_jobs_logs_prints_the_captured_log_of_one_run(tmp_path: Path) -> None:
    add(tmp_path, "talk", "--interval", "1h", "--run", "command",
        "--command", "echo one; echo two")  # fmt: skip
    tick(tmp_path, T0)

    result = ptt(tmp_path, "jobs", "logs", "1")
    missing = ptt(tmp_path, "jobs", "logs", "99")

    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert any(line.endswith("| one") for line in lines)
    assert any(line.endswith("| two") for line in lines)
    assert missing.stderr.strip() == "Error: no execution 99 (see ptt jobs history)"


def test_pause_resume_remove_write_their_actions(tmp_path: Path) -> None:
    add(tmp_path, "mine", "--cron", "@hourly", "--run", "command", "--command", "true")

    paused = ptt(tmp_path, "jobs", "pause", "mine")
    state_paused = job(tmp_path, "mine")["is_paused"]
    resumed = ptt(tmp_path, "jobs", "resume", "mine", now="2026-01-05T03:20:00Z")
    next_run = job(tmp_path, "mine")["next_run_at"]
    removed = ptt(tmp_path, "jobs", "remove", "mine")
    gone = ptt(tmp_path, "jobs", "show", "mine")

    assert paused.stdout.strip() == "Job mine paused"
    assert state_paused == 1
    assert (
        resumed.stdout.strip() == "Job mine resumed; next run at 2026-01-05T04:00:00Z"
    )
    assert next_run == "2026-01-05T04:00:00Z"
    assert removed.stdout.strip() == "Job mine removed"
    assert gone.returncode == 2
    for action in ("job_created", "job_paused", "job_resumed", "job_removed"):
        assert [a["target"] for a in actions(tmp_path, action)] == ["mine"], action


def test_a_removed_job_keeps_its_history(tmp_path: Path) -> None:
    add(tmp_path, "old", "--interval", "1h", "--run", "command", "--command", "true")
    tick(tmp_path, T0)

    ptt(tmp_path, "jobs", "remove", "old")
    history = json.loads(ptt(tmp_path, "jobs", "history", "old", "--json").stdout)

    assert [r["job_name"] for r in history] == ["old"]
    assert executions(tmp_path)[0]["job_id"] is None


def insert_run(home: Path, name: str, status: str, finished: str | None) -> int:
    with db(home) as conn:
        cursor = conn.execute(
            "INSERT INTO job_executions (job_id, job_name, scheduled_for, trigger, "
            "status, started_at, finished_at, created_at) SELECT id, name, ?, "
            "'schedule', ?, ?, ?, ? FROM scheduled_jobs WHERE name = ?",
            (finished or "2025-01-01T00:00:00Z", status, finished or "2025-01-01T00:00:00Z",
             finished, finished or "2025-01-01T00:00:00Z", name),
        )  # fmt: skip
        return int(cursor.lastrowid or 0)


def test_cleanup_never_deletes_a_running_or_a_jobs_latest_execution(
    tmp_path: Path,
) -> None:
    for name in ("busy", "quiet"):
        add(tmp_path, name, "--interval", "1h", "--run", "command", "--command", "true")
    old_busy = insert_run(tmp_path, "busy", "success", "2025-06-01T00:00:00Z")
    running = insert_run(tmp_path, "busy", "running", None)
    insert_run(tmp_path, "quiet", "failed", "2025-06-01T00:00:00Z")
    insert_run(tmp_path, "quiet", "success", "2025-07-01T00:00:00Z")
    latest_quiet = insert_run(tmp_path, "quiet", "success", "2026-01-01T00:00:00Z")

    result = ptt(tmp_path, "jobs", "cleanup", "--older-than", "30d")

    remaining = {e["id"] for e in executions(tmp_path)}
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Deleted 3 runs older than 30d"
    # The running one is older than 30 days too (it has no end), and kept.
    assert remaining == {running, latest_quiet}
    assert old_busy not in remaining
    [cleaned] = actions(tmp_path, "job_executions_cleaned")
    assert json.loads(cleaned["details"]) == {"deleted": 3}


def test_cleanup_keeps_the_latest_run_even_when_it_is_old(tmp_path: Path) -> None:
    add(tmp_path, "rare", "--interval", "1h", "--run", "command", "--command", "true")
    insert_run(tmp_path, "rare", "success", "2025-01-01T00:00:00Z")
    latest = insert_run(tmp_path, "rare", "failed", "2025-02-01T00:00:00Z")

    ptt(tmp_path, "jobs", "cleanup", "--older-than", "30d")

    assert [e["id"] for e in executions(tmp_path)] == [latest]


def test_the_cleanup_kind_prunes_as_a_scheduled_job(tmp_path: Path) -> None:
    add(tmp_path, "prune", "--cron", "@daily", "--run", "cleanup", "--older-than", "7d")
    add(tmp_path, "work", "--interval", "1h", "--run", "command", "--command", "true")
    old = insert_run(tmp_path, "work", "success", "2025-12-01T00:00:00Z")
    insert_run(tmp_path, "work", "success", "2026-01-04T00:00:00Z")

    tick(tmp_path, "2026-01-06T00:00:00Z")

    runs = {e["job_name"]: e for e in executions(tmp_path) if e["job_name"] == "prune"}
    assert runs["prune"]["status"] == "success", runs["prune"]["error_message"]
    assert json.loads(runs["prune"]["metrics"]) == {"executions_deleted": 1}
    assert old not in {e["id"] for e in executions(tmp_path)}


def test_removing_a_running_job_is_refused(tmp_path: Path) -> None:
    add(tmp_path, "busy", "--interval", "1h", "--run", "command", "--command", "true")
    insert_run(tmp_path, "busy", "running", None)

    result = ptt(tmp_path, "jobs", "remove", "busy")

    assert result.returncode == 1
    assert result.stderr.startswith("Error: job 'busy' is running (execution 1)")
    with db(tmp_path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM scheduled_jobs")]
    assert names == ["busy"]


def test_jobs_help_lists_the_commands(tmp_path: Path) -> None:
    result = ptt(tmp_path, "jobs", "--help")

    assert result.returncode == 0
    for command in ("add", "list", "show", "history", "logs", "pause", "resume",
                    "remove", "enable", "run-now", "status", "cleanup"):  # fmt: skip
        assert command in result.stdout


def test_jobs_status_writes_an_interval_as_jobs_list_does(tmp_path: Path) -> None:
    add(tmp_path, "pulse", "--interval", "15m", "--run", "command", "--command", "true")

    status = ptt(tmp_path, "jobs", "status", "--json")
    listing = ptt(tmp_path, "jobs", "list", "--json")

    assert json.loads(status.stdout)["jobs"][0]["schedule"] == "every 15m"
    assert json.loads(listing.stdout)[0]["schedule"] == "every 15m"


def test_jobs_history_takes_since_and_gives_metrics_as_objects(tmp_path: Path) -> None:
    add(tmp_path, "good", "--interval", "1m", "--run", "command", "--command", "true")
    for minute in range(3):
        tick(tmp_path, f"2026-01-05T00:0{minute}:00Z")

    recent = json.loads(
        ptt(
            tmp_path, "jobs", "history", "--since", "2026-01-05T00:01:00Z", "--json"
        ).stdout
    )
    bad = ptt(tmp_path, "jobs", "history", "--since", "yesterday")

    assert [r["started_at"] for r in recent] == [
        "2026-01-05T00:02:00Z", "2026-01-05T00:01:00Z",
    ]  # fmt: skip
    assert recent[0]["metrics"]["exit_status"] == 0
    assert bad.returncode == 2
    assert bad.stderr == (
        "Error: --since 'yesterday' is not a date or time (YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM:SSZ)\n"
    )


def test_pausing_twice_or_resuming_a_running_job_says_so_and_changes_nothing(
    tmp_path: Path,
) -> None:
    add(tmp_path, "pulse", "--interval", "1h", "--run", "command", "--command", "true")
    before = job(tmp_path, "pulse")["next_run_at"]

    resumed = ptt(tmp_path, "jobs", "resume", "pulse", now="2026-01-05T00:30:00Z")
    ptt(tmp_path, "jobs", "pause", "pulse")
    again = ptt(tmp_path, "jobs", "pause", "pulse")

    assert resumed.stdout == "Job pulse is not paused; its schedule is unchanged\n"
    assert job(tmp_path, "pulse")["next_run_at"] == before
    assert again.stdout == "Job pulse was already paused\n"
    assert len(actions(tmp_path, "job_paused")) == 1
