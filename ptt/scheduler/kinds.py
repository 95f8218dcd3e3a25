"""The kinds of job a schedule can run, each with its argument check and run function.

A kind checks its arguments when the job is added (``ptt jobs add``), so that a typo fails
at once rather than at three in the morning, and returns them normalised for storage. Its
run function gets a :class:`JobContext` and returns a :class:`JobOutcome` with the run's
metrics; raising any exception makes the run ``failed``. The heavy modules a kind needs
(collect, securities) are imported inside its functions.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ptt.config import Settings
from ptt.errors import InvalidJobError, UsageError
from ptt.scheduler.schedules import format_duration, parse_duration

log = logging.getLogger(__name__)

# The largest command output kept in a run's log; the log itself is bounded too.
COMMAND_OUTPUT_LIMIT = 64 * 1024


@dataclass
class JobContext:
    """What a job body may use: the database, the settings and who it runs as."""

    conn: sqlite3.Connection
    settings: Settings
    job_id: int | None
    job_name: str
    execution_id: int
    args: dict[str, Any]


@dataclass
class JobOutcome:
    """What a job body reports: its metrics, and whether it failed all the same."""

    metrics: dict[str, Any] = field(default_factory=dict)
    failed: bool = False
    error: str | None = None


Validator = Callable[[Mapping[str, Any], sqlite3.Connection | None], dict[str, Any]]
Runner = Callable[[JobContext], JobOutcome]


@dataclass(frozen=True)
class JobKind:
    """A registered kind: its name, the options it takes, its check and its body."""

    name: str
    summary: str
    options: tuple[str, ...]
    validate: Validator
    run: Runner


def _reject_unknown(
    kind: str, args: Mapping[str, Any], allowed: tuple[str, ...]
) -> None:
    extra = sorted(key for key, value in args.items() if value is not None)
    extra = [key for key in extra if key not in allowed]
    if not extra:
        return

    shown = ", ".join("--" + key.replace("_", "-") for key in extra)
    takes = ", ".join("--" + key.replace("_", "-") for key in allowed) or "no options"
    raise InvalidJobError(f"--run {kind}: {shown} does not apply (it takes {takes})")


def _positive(args: Mapping[str, Any], key: str) -> int | None:
    value = args.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidJobError(
            f"--{key.replace('_', '-')}: must be a positive whole number"
        )
    return value


# collect -------------------------------------------------------------------------------


def _validate_collect(
    args: Mapping[str, Any], conn: sqlite3.Connection | None
) -> dict[str, Any]:
    _reject_unknown("collect", args, ("source", "year", "since", "limit"))
    names = args.get("source") or []
    if isinstance(names, str):
        names = [names]
    if not names:
        raise InvalidJobError("--source: a collect job needs at least one source")

    from ptt.sources import expand_sources

    # Expanded only to check the names: a run expands them again (see _run_collect).
    try:
        expand_sources(list(names), conn)
    except UsageError as exc:
        raise InvalidJobError(f"--source: {exc.message}") from None

    year = args.get("year")
    if year is not None and (not isinstance(year, int) or not 1990 <= year <= 2100):
        raise InvalidJobError(f"--year: {year} is not a year between 1990 and 2100")
    since = args.get("since")
    if since is not None:
        try:
            since = dt.date.fromisoformat(str(since)).isoformat()
        except ValueError:
            raise InvalidJobError(
                f"--since: '{since}' is not a date (YYYY-MM-DD)"
            ) from None

    checked: dict[str, Any] = {"source": list(names)}
    if year is not None:
        checked["year"] = year
    if since is not None:
        checked["since"] = since
    if (limit := _positive(args, "limit")) is not None:
        checked["limit"] = limit
    return checked


def _run_collect(ctx: JobContext) -> JobOutcome:
    from ptt.collect import CollectOptions, run_collection
    from ptt.sources import expand_sources

    # Groups such as us-congress are expanded again at run time, so that a source
    # added to a group (or switched off) is honoured without re-adding the job.
    sources = expand_sources(list(ctx.args["source"]), ctx.conn)
    since = ctx.args.get("since")
    options = CollectOptions(
        year=ctx.args.get("year"),
        since=dt.date.fromisoformat(since) if since else None,
        limit=ctx.args.get("limit"),
    )
    result = run_collection(
        ctx.conn,
        ctx.settings,
        sources,
        options,
        action_source="scheduled_job",
        job_id=ctx.job_id,
        execution_id=ctx.execution_id,
    )
    metrics = {
        "totals": result.totals(),
        "sources": [source.as_dict() for source in result.sources],
    }
    failed = [source for source in result.sources if source.status == "failed"]
    error = "; ".join(f"{s.source}: {s.error or 'failed'}" for s in failed) or None
    return JobOutcome(metrics=metrics, failed=result.failed, error=error)


# backfill-tickers ----------------------------------------------------------------------


def _validate_backfill(
    args: Mapping[str, Any], conn: sqlite3.Connection | None
) -> dict[str, Any]:
    _reject_unknown("backfill-tickers", args, ("source", "limit"))
    checked: dict[str, Any] = {}
    source = args.get("source")
    if isinstance(source, list):
        if len(source) > 1:
            raise InvalidJobError("--source: backfill-tickers takes one source at most")
        source = source[0] if source else None
    if source is not None:
        checked["source"] = _known_source(str(source))
    if (limit := _positive(args, "limit")) is not None:
        checked["limit"] = limit
    return checked


def _known_source(source: str) -> str:
    from ptt.sources import known_sources

    known = known_sources()
    if source not in known:
        raise InvalidJobError(
            f"--source: unknown source '{source}' (known: {', '.join(known)})"
        )
    return source


def _run_backfill(ctx: JobContext) -> JobOutcome:
    from ptt.securities import backfill_tickers

    result = backfill_tickers(
        ctx.conn,
        dry_run=False,
        source=ctx.args.get("source"),
        limit=ctx.args.get("limit"),
    )
    return JobOutcome(metrics=result.as_dict())


# cleanup -------------------------------------------------------------------------------

DEFAULT_CLEANUP_AGE = "30d"


def _validate_cleanup(
    args: Mapping[str, Any], conn: sqlite3.Connection | None
) -> dict[str, Any]:
    _reject_unknown("cleanup", args, ("older_than",))
    text = str(args.get("older_than") or DEFAULT_CLEANUP_AGE)
    seconds = parse_duration(text, field="--older-than")
    if seconds < 3600:
        raise InvalidJobError("--older-than: keep at least 1h of history")
    return {"older_than": format_duration(seconds)}


def _run_cleanup(ctx: JobContext) -> JobOutcome:
    from ptt.scheduler.jobs import cleanup_executions

    seconds = parse_duration(ctx.args["older_than"], field="--older-than")
    deleted = cleanup_executions(
        ctx.conn, older_than_seconds=seconds, keep_execution_id=ctx.execution_id
    )
    log.info(
        "Deleted %s job executions older than %s.", deleted, ctx.args["older_than"]
    )
    return JobOutcome(metrics={"executions_deleted": deleted})


# command -------------------------------------------------------------------------------


def _validate_command(
    args: Mapping[str, Any], conn: sqlite3.Connection | None
) -> dict[str, Any]:
    _reject_unknown("command", args, ("command",))
    command = str(args.get("command") or "").strip()
    if not command:
        raise InvalidJobError("--command: a command job needs the command line to run")
    return {"command": command}


def _run_command(ctx: JobContext) -> JobOutcome:
    command = ctx.args["command"]
    env = dict(os.environ)
    # The folder of the Python that runs this ptt comes first on PATH, so that `ptt` in
    # a command is this installation even under cron's short PATH.
    scripts = os.path.dirname(sys.executable)
    env.update(
        PATH=os.pathsep.join([scripts, env.get("PATH") or os.defpath]),
        PTT_DB=str(ctx.settings.db_path),
        PTT_JOB_NAME=ctx.job_name,
        PTT_EXECUTION_ID=str(ctx.execution_id),
    )
    log.info("Running the command: %s", command)
    # The shell runs in this worker's process group, so that a timeout or a dead tick
    # stops the command and everything it started. Its output is logged as it comes,
    # so that a run stopped by its timeout still shows what the command said.
    process = subprocess.Popen(
        command,
        shell=True,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    size = 0
    for raw in process.stdout:
        size += len(raw)
        if size <= COMMAND_OUTPUT_LIMIT:
            log.info("| %s", raw.decode("utf-8", errors="replace").rstrip("\n"))
    status = process.wait()
    if size > COMMAND_OUTPUT_LIMIT:
        log.info(
            "The command wrote %s bytes; only the first %s are in this log.",
            size,
            COMMAND_OUTPUT_LIMIT,
        )

    metrics = {"exit_status": status, "output_bytes": size}
    if status != 0:
        return JobOutcome(
            metrics=metrics,
            failed=True,
            error=f"the command exited with status {status}",
        )
    return JobOutcome(metrics=metrics)


KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind(
            "collect",
            "collect filings from sources (--source, --year, --since, --limit)",
            ("source", "year", "since", "limit"),
            _validate_collect,
            _run_collect,
        ),
        JobKind(
            "backfill-tickers",
            "resolve tickers of stored transactions (--source, --limit)",
            ("source", "limit"),
            _validate_backfill,
            _run_backfill,
        ),
        JobKind(
            "cleanup",
            "delete old job executions (--older-than, default 30d)",
            ("older_than",),
            _validate_cleanup,
            _run_cleanup,
        ),
        JobKind(
            "command",
            "run a shell command line (--command); its exit status decides",
            ("command",),
            _validate_command,
            _run_command,
        ),
    )
}


def get_kind(name: str) -> JobKind:
    """Return the registered kind ``name``."""
    kind = KINDS.get(name)
    if kind is None:
        raise InvalidJobError(
            f"--run: unknown job kind '{name}' (known: {', '.join(KINDS)})"
        )
    return kind


def validate_args(
    name: str, args: Mapping[str, Any], conn: sqlite3.Connection | None = None
) -> dict[str, Any]:
    """Return the arguments of a job of kind ``name``, checked and normalised."""
    return get_kind(name).validate(args, conn)
