"""The ``ptt`` command: global options and the command groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ptt import __version__
from ptt.cli import actions, db, jobs, query
from ptt.cli import securities as securities_cli
from ptt.cli import tickers as tickers_cli
from ptt.cli.common import CliState, set_state

app = typer.Typer(
    rich_markup_mode=None,
    name="ptt",
    help="The politician trading tracker: official disclosures of politicians' trades "
    "and holdings, collected into one SQLite database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ptt {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db_path: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Database file to use (default: $PTT_DB, else $PTT_HOME/ptt.db).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "-v", "--verbose", count=True, help="Show more on stderr (-vv: debug)."
        ),
    ] = 0,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Set up settings and logging for every command."""
    from ptt.config import load_settings
    from ptt.logs import setup_logging

    settings = load_settings(db_path)
    ctx.obj = CliState(settings=settings, verbosity=verbose)
    set_state(ctx.obj)
    setup_logging(settings.log_dir, verbose, settings.debug)


app.add_typer(db.app, name="db")
app.command("actions")(actions.actions_command)
app.add_typer(jobs.app, name="jobs")
app.command("tick")(jobs.tick_command)

# Tickers and the SEC list.
app.add_typer(tickers_cli.app, name="tickers")
app.add_typer(securities_cli.app, name="securities")
app.command("backfill-tickers")(securities_cli.backfill_command)

# ptt parse (house-parser)
from ptt.cli import parse as _parse  # noqa: E402

app.command("parse")(_parse.parse_command)

# Questions about what was collected (ptt/cli/query.py).
app.command("trades")(query.trades_command)
app.add_typer(query.politicians_app, name="politicians")
app.command("late")(query.late_command)
app.command("stats")(query.stats_command)
app.command("export")(query.export_command)
app.command("status")(query.status_command)

# ptt collect, ptt filings, ptt reparse (collect)
from ptt.cli import collect as _collect  # noqa: E402

app.command("collect")(_collect.collect_command)
app.command("filings")(_collect.filings_command)
app.command("reparse")(_collect.reparse_command)

# ptt politicians merge (states-import), in the one politicians group that list and
# show come with (ptt/cli/query.py).
from ptt.cli import politicians as _politicians  # noqa: E402

query.politicians_app.command("merge")(_politicians.merge_command)

# ptt sources (states-import)
from ptt.cli import sources as _sources  # noqa: E402

app.add_typer(_sources.app, name="sources")

# ptt import (states-import)
from ptt.cli import imports as _imports  # noqa: E402

app.command("import")(_imports.import_command)
