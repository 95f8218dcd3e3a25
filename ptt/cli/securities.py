"""``ptt securities``: the SEC ticker list; ``ptt backfill-tickers``: fill missing tickers."""

from __future__ import annotations

import sqlite3
from typing import Annotated

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db, settings
from ptt.errors import PttError, UsageError

app = typer.Typer(
    rich_markup_mode=None,
    help="The SEC ticker list that names without a ticker are resolved against.",
    no_args_is_help=True,
)

LIST_COLUMNS = ("ticker", "cik", "title", "exchange", "source", "fetched_at")


@app.command("refresh")
def refresh_command(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """Download the SEC's company_tickers lists and replace the stored list."""
    from ptt.actions import start_action
    from ptt.securities import refresh_securities

    conn = open_db()
    action = start_action(conn, "securities_refresh", target=settings().base_url("sec"))
    try:
        result = refresh_securities(conn, settings())
    except PttError as exc:
        action.fail(exc.message)
        raise
    message = f"Stored {result.tickers} tickers of {result.companies} companies"
    action.complete(message, details=result.as_dict())

    if fmt is None and not as_json:
        output.write_text(f"{message} from the SEC ({result.fetched_at}).")
        return
    output.write_detail(result.as_dict(), output.choose_format(fmt, as_json))


@app.command("list")
def list_command(
    search: Annotated[
        str | None,
        typer.Option(help="Only this ticker, or titles containing this text."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many at most.")] = 50,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List stored securities in the SEC's order."""
    from ptt.securities import ensure_securities, securities_rows

    conn = open_db()
    ensure_securities(conn)
    rows = securities_rows(conn, search=search, limit=limit)
    output.write_records(
        rows, output.choose_format(fmt, as_json), LIST_COLUMNS, title="Securities"
    )


@app.command("show")
def show_command(
    ticker: Annotated[str, typer.Argument(help="A ticker, e.g. BRK.B.")],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one stored security."""
    from ptt.parsing.tickers import normalize_ticker
    from ptt.securities import ensure_securities, security

    wanted = normalize_ticker(ticker)
    if wanted is None:
        raise UsageError(f"'{ticker}' is not a ticker")
    conn = open_db()
    ensure_securities(conn)
    found = security(conn, wanted)
    if found is None:
        raise UsageError(f"{wanted} is not in the stored SEC list")
    output.write_detail(found, output.choose_format(fmt, as_json), title=wanted)


def backfill_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change; write nothing.")
    ] = False,
    source: Annotated[
        str | None, typer.Option(help="Only rows of this source, e.g. us-house.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Examine at most this many rows.")
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Rows per transaction.")
    ] = 1000,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resolve tickers for rows that state none, recording method and confidence."""
    from ptt.actions import start_action
    from ptt.securities import backfill_tickers

    chosen = output.choose_format(fmt, as_json) if fmt or as_json else None
    conn = open_db()
    if source:
        check_source(conn, source)
    action = start_action(
        conn,
        "ticker_backfill",
        target=source or "all sources",
        details={"dry_run": dry_run, "limit": limit},
    )
    try:
        result = backfill_tickers(
            conn, dry_run=dry_run, source=source, limit=limit, batch_size=batch_size
        )
    except PttError as exc:
        action.fail(exc.message)
        raise
    summary = (
        f"{result.rows_examined} rows without a ticker: {result.resolved} resolved, "
        f"{result.ambiguous} ambiguous (see 'ptt tickers review'), "
        f"{result.unresolved} left unresolved"
    )
    action.complete(summary, details=result.as_dict())

    if chosen is None:
        prefix = "Dry run, nothing written. " if dry_run else ""
        output.write_text(f"{prefix}{summary}.")
        return
    record = result.as_dict()
    record["by_method"] = ", ".join(f"{k}={v}" for k, v in result.by_method.items())
    if chosen in ("json", "ndjson"):
        record["by_method"] = result.by_method
    output.write_detail(record, chosen)


def check_source(conn: sqlite3.Connection, source: str) -> None:
    """Raise UsageError unless rows of ``source`` can be stored in this database."""
    known = sorted(
        row[0]
        for row in conn.execute(
            "SELECT id FROM data_sources UNION SELECT DISTINCT source_id FROM filings"
        )
    )
    if source not in known:
        listed = ", ".join(known) if known else "none yet"
        raise UsageError(
            f"unknown source '{source}' (known in this database: {listed})"
        )
