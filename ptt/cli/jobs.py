"""``ptt jobs ...`` and ``ptt tick``: stored schedules, their runs and their health."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db, settings, state
from ptt.errors import ScheduleError

app = typer.Typer(
    rich_markup_mode=None,
    help="Scheduled jobs: add, inspect, pause, run now; cron calls `ptt tick`.",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(help="The job's name.")]
LIST_COLUMNS = (
    "name",
    "kind",
    "schedule",
    "state",
    "next_run_at",
    "last_run_at",
    "last_status",
    "consecutive_failures",
    "args",
)


@app.command("add")
def add_command(
    name: NameArgument,
    run: Annotated[
        str,
        typer.Option(
            "--run", help="The job kind: collect, backfill-tickers, cleanup, command."
        ),
    ],
    cron: Annotated[
        str | None,
        typer.Option(help='A cron expression, e.g. "0 6 * * *" or @daily.'),
    ] = None,
    interval: Annotated[
        str | None,
        typer.Option(help="A fixed interval: 90s, 15m, 6h, 1d (at least 60s)."),
    ] = None,
    tz: Annotated[
        str, typer.Option("--tz", help="Time zone of the cron expression.")
    ] = "UTC",
    source: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SOURCE",
            help="collect, backfill-tickers: a source or group (repeatable).",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="collect: the filing year.")] = None,
    since: Annotated[
        str | None, typer.Option(help="collect: filings since this date.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="collect, backfill-tickers: at most this many.")
    ] = None,
    older_than: Annotated[
        str | None, typer.Option(help="cleanup: executions older than this (30d).")
    ] = None,
    command: Annotated[
        str | None, typer.Option(help="command: the command line, run by /bin/sh.")
    ] = None,
    max_failures: Annotated[
        int, typer.Option(help="Disable the job after this many failures in a row.")
    ] = 5,
    catch_up: Annotated[
        str, typer.Option(help="Missed slots: latest, all or none.")
    ] = "latest",
    timeout: Annotated[
        str | None, typer.Option(help="Stop a run that takes longer (e.g. 2h).")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="Replace the job of that name if it exists.")
    ] = False,
) -> None:
    """Add a job: what to run and when (checked now, not at its first run)."""
    from ptt.scheduler.jobs import JobSpec, add_job, describe_job
    from ptt.scheduler.schedules import parse_duration

    args: dict[str, Any] = {
        "source": source or None,
        "year": year,
        "since": since,
        "limit": limit,
        "older_than": older_than,
        "command": command,
    }
    spec = JobSpec(
        name=name,
        kind=run,
        args={key: value for key, value in args.items() if value is not None},
        cron=cron,
        interval_seconds=(
            parse_duration(interval, field="--interval") if interval else None
        ),
        timezone=tz,
        catch_up=catch_up,
        max_failures=max_failures,
        timeout_seconds=parse_duration(timeout, field="--timeout") if timeout else None,
    )
    job = describe_job(add_job(open_db(), spec, replace=replace))
    output.write_text(
        f"Added job {job['name']} ({job['kind']}, {job['schedule']}); "
        f"next run at {job['next_run_at']}"
    )


@app.command("list")
def list_command(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """List the jobs, their schedules and their state."""
    from ptt.scheduler.jobs import list_jobs

    output.write_records(
        list_jobs(open_db()),
        output.choose_format(fmt, as_json),
        LIST_COLUMNS,
        title="Jobs",
    )


@app.command("show")
def show_command(
    name: NameArgument,
    runs: Annotated[int, typer.Option(min=1, help="How many recent runs.")] = 5,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a job: its schedule, next run, recent runs and failures."""
    from ptt.scheduler.jobs import describe_job, get_job, history

    conn = open_db()
    job = describe_job(get_job(conn, name))
    recent = history(conn, name, limit=runs)
    chosen = output.choose_format(fmt, as_json)
    if chosen in ("json", "ndjson"):
        output.write_detail({**job, "recent_runs": recent}, chosen)
        return

    job["args"] = json.dumps(job["args"], sort_keys=True)
    output.write_detail(job, "table" if chosen == "table" else chosen, title=name)
    if chosen == "table":
        output.write_records(
            recent,
            chosen,
            (
                "id",
                "trigger",
                "scheduled_for",
                "started_at",
                "duration_seconds",
                "status",
                "error_message",
            ),
            title="Recent runs",
        )


@app.command("history")
def history_command(
    name: Annotated[str | None, typer.Argument(help="Only this job.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only runs with this status (e.g. failed).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only runs started at or after this date or time (UTC), e.g. "
            "2026-01-31 or 2026-01-31T14:00:00Z.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many at most.")] = 20,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List recent runs, newest first."""
    from ptt.cli.actions import since_text
    from ptt.scheduler.jobs import HISTORY_COLUMNS, history

    started = since_text(since)
    conn = open_db()
    if name is not None:
        from ptt.scheduler.jobs import get_job

        if not conn.execute(
            "SELECT 1 FROM job_executions WHERE job_name = ? LIMIT 1", (name,)
        ).fetchone():
            get_job(conn, name)
    chosen = output.choose_format(fmt, as_json)
    # A collection's metrics (every source's counts) do not fit a table's cell.
    columns = [c for c in HISTORY_COLUMNS if chosen != "table" or c != "metrics"]
    runs = history(conn, name, status=status, since=started, limit=limit)
    if chosen in ("json", "ndjson"):
        # Stored as JSON text; programs get the object, as jobs list gives args.
        for run in runs:
            run["metrics"] = json.loads(run["metrics"]) if run["metrics"] else None
    output.write_records(
        runs,
        chosen,
        columns,
        title="Runs (metrics: --format json)" if chosen == "table" else "Runs",
    )


@app.command("logs")
def logs_command(
    execution_id: Annotated[int, typer.Argument(help="The run's execution id.")],
) -> None:
    """Print the log captured during one run."""
    from ptt.scheduler.jobs import get_execution

    execution = get_execution(open_db(), execution_id)
    text = execution["log"] or ""
    if execution["traceback"]:
        text = (text + "\n" + execution["traceback"]).strip("\n")
    if not text:
        output.write_text(f"Execution {execution_id} captured no log lines.", err=True)
        return
    output.write_text(text.rstrip("\n"))


def _changed(verb: str, job: dict[str, Any]) -> None:
    output.write_text(f"Job {job['name']} {verb}; next run at {job['next_run_at']}")


@app.command("pause")
def pause_command(name: NameArgument) -> None:
    """Pause a job: ticks leave it alone until it is resumed."""
    from ptt.scheduler.jobs import get_job, pause_job

    conn = open_db()
    if get_job(conn, name)["is_paused"]:
        output.write_text(f"Job {name} was already paused")
        return

    job = pause_job(conn, name)
    output.write_text(f"Job {job['name']} paused")


@app.command("resume")
def resume_command(name: NameArgument) -> None:
    """Resume a paused job from its next slot (missed slots are not run)."""
    from ptt.scheduler.jobs import get_job, resume_job

    conn = open_db()
    # Resuming restarts the schedule from now: a job that is not paused keeps its slot.
    if not get_job(conn, name)["is_paused"]:
        output.write_text(f"Job {name} is not paused; its schedule is unchanged")
        return

    _changed("resumed", resume_job(conn, name))


@app.command("enable")
def enable_command(name: NameArgument) -> None:
    """Enable a job disabled by failures, and reset its failure count."""
    from ptt.scheduler.jobs import enable_job

    _changed("enabled", enable_job(open_db(), name))


@app.command("remove")
def remove_command(name: NameArgument) -> None:
    """Remove a job; its past runs stay in the history."""
    from ptt.scheduler.jobs import remove_job

    remove_job(open_db(), name)
    output.write_text(f"Job {name} removed")


@app.command("run-now")
def run_now_command(name: NameArgument) -> None:
    """Run a job now, in the foreground, as a manual run; its schedule does not move."""
    from ptt.logs import errors_reported_at_exit
    from ptt.scheduler.execution import run_now

    with errors_reported_at_exit():
        result = run_now(open_db(), settings(), name)
    line = (
        f"Job {name}: {result.status} in {result.duration_seconds:.1f}s "
        f"(execution {result.execution_id})"
    )
    if result.status != "success":
        raise ScheduleError(f"{line}: {result.error_message or 'no message'}")
    output.write_text(line)


@app.command("status")
def status_command(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """Show every job's state; exit 1 when one is disabled by failures or overdue."""
    from ptt.scheduler.jobs import (
        GRACE_SECONDS,
        STATUS_COLUMNS,
        status_rows,
        tick_health,
    )

    conn = open_db()
    rows = status_rows(conn)
    tick = tick_health(conn)
    chosen = output.choose_format(fmt, as_json)
    if chosen in ("json", "ndjson"):
        jobs = [{c: row.get(c) for c in STATUS_COLUMNS} for row in rows]
        output.write_detail({**tick, "jobs": jobs}, chosen)
    else:
        output.write_records(rows, chosen, STATUS_COLUMNS, title="Scheduled jobs")
    last = tick["last_tick_at"]
    line = "Last tick: never"
    if last:
        line = (
            f"Last tick: {last} (pid {tick['last_tick_pid']} on "
            f"{tick['last_tick_host']})"
        )
    if tick["tick_stale"]:
        line += (
            f"; more than {GRACE_SECONDS // 60} minutes ago: is `ptt tick` in the "
            "crontab?"
        )
    output.write_text(line, err=chosen != "table")
    if any(row["state"] in ("disabled", "overdue") for row in rows):
        raise typer.Exit(1)


@app.command("cleanup")
def cleanup_command(
    older_than: Annotated[
        str, typer.Option(help="Delete finished runs older than this (e.g. 30d).")
    ] = "30d",
) -> None:
    """Delete old runs; never a running one, nor a job's latest."""
    from ptt.actions import log_action
    from ptt.scheduler.jobs import cleanup_executions
    from ptt.scheduler.kinds import validate_args
    from ptt.scheduler.schedules import parse_duration

    age = validate_args("cleanup", {"older_than": older_than})["older_than"]
    conn = open_db()
    deleted = cleanup_executions(
        conn, older_than_seconds=parse_duration(age, field="--older-than")
    )
    log_action(
        conn,
        "job_executions_cleaned",
        target=f"older than {age}",
        details={"deleted": deleted},
    )
    output.write_text(f"Deleted {deleted} runs older than {age}")


def tick_command(
    watch: Annotated[
        bool, typer.Option(help="Stay in the foreground and tick every minute.")
    ] = False,
) -> None:
    """Run every due job once and exit (cron calls this every minute)."""
    from ptt.scheduler.runner import run_ticks

    code = run_ticks(
        db=str(settings().db_path), watch=watch, verbosity=state().verbosity
    )
    if code:
        raise typer.Exit(code)
