"""``ptt actions``: the action log, newest first."""

from __future__ import annotations

from typing import Annotated

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db

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


def actions_command(
    action_type: Annotated[
        str | None, typer.Option("--type", help="Only this action type.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only this status: initiated, in_progress, completed, failed."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only actions started at or after this date or time (UTC)."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many at most.")] = 50,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List recent actions: what people and schedules did, newest first."""
    from ptt.actions import recent_actions

    rows = recent_actions(
        open_db(), action_type=action_type, status=status, since=since, limit=limit
    )
    output.write_records(
        rows, output.choose_format(fmt, as_json), COLUMNS, title="Actions"
    )
