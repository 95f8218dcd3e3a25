"""``ptt actions``: the action log, newest first."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db
from ptt.errors import UsageError

COLUMNS = (
    "id",
    "started_at",
    "action_type",
    "status",
    "source",
    "user_name",
    "target",
    "job_id",
    "execution_id",
    "result_message",
    "error_message",
    "duration_seconds",
    "details",
)
# What fits a terminal: the details (JSON) and the job ids are for programs.
TABLE_COLUMNS = (
    "id",
    "started_at",
    "action_type",
    "status",
    "source",
    "user_name",
    "target",
    "result_message",
    "error_message",
    "duration_seconds",
)
STATUSES = ("initiated", "in_progress", "completed", "failed")


def since_text(text: str | None, option: str = "--since") -> str | None:
    """Return a date or an ISO-8601 time as the stored UTC timestamp text."""
    from ptt import clock

    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    else:
        return f"{day.isoformat()}T00:00:00Z"
    try:
        return clock.to_text(clock.from_text(text))
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a date or time (YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SSZ)"
        ) from None


def _for_output(row: dict[str, Any], fmt: str) -> dict[str, Any]:
    if fmt in ("json", "ndjson") and row.get("details"):
        # Stored as JSON text; programs get the object, not a string to decode again.
        row["details"] = json.loads(row["details"])
    if fmt == "table" and row.get("duration_seconds") is not None:
        row["duration_seconds"] = round(row["duration_seconds"], 3)
    return row


def actions_command(
    action_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="Only this action type, e.g. data_collection_complete, data_import.",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only this status: initiated, in_progress, completed, failed.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only actions started at or after this date or time (UTC), e.g. "
            "2026-01-31 or 2026-01-31T14:00:00Z.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many at most.")] = 50,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List recent actions: what people and schedules did, newest first."""
    from ptt.actions import recent_actions

    chosen = output.choose_format(fmt, as_json)
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status '{status}' (known: {', '.join(STATUSES)})")
    rows = recent_actions(
        open_db(),
        action_type=action_type,
        status=status,
        since=since_text(since),
        limit=limit,
    )
    output.write_records(
        [_for_output(row, chosen) for row in rows],
        chosen,
        TABLE_COLUMNS if chosen == "table" else COLUMNS,
        title="Actions",
    )
