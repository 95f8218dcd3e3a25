"""``ptt tickers``: what the resolver decides, the names it left open, manual answers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db
from ptt.cli.query import tickers_top_command
from ptt.errors import UsageError

app = typer.Typer(
    rich_markup_mode=None,
    help="Tickers: resolve asset names, review ambiguous ones, set answers by hand.",
    no_args_is_help=True,
)

RESOLVE_COLUMNS = (
    "name",
    "ticker",
    "method",
    "confidence",
    "status",
    "candidates",
    "reason",
    "title",
)
REVIEW_COLUMNS = (
    "disclosure_id",
    "asset_name",
    "candidates",
    "source",
    "doc_id",
    "transaction_date",
    "politician",
    "reason",
)


@app.command("resolve")
def resolve_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="NAME",
            help="Asset names to resolve; without any, one name per line on stdin.",
            show_default=False,
        ),
    ] = None,
    type_code: Annotated[
        str | None,
        typer.Option("--type-code", help="The House asset-type code, e.g. ST or MF."),
    ] = None,
    asset_type: Annotated[
        str | None,
        typer.Option("--asset-type", help="The stated asset type, e.g. Stock."),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print what the resolver decides for each name, and how sure it is."""
    from ptt.securities import Resolver, ensure_securities

    chosen = output.choose_format(fmt, as_json)
    given = list(names or [])
    if not given:
        if sys.stdin.isatty():
            raise UsageError("give asset names as arguments, or one per line on stdin")
        given = [line.strip() for line in sys.stdin if line.strip()]

    conn = open_db()
    ensure_securities(conn)
    resolver = Resolver.from_db(conn)
    code = type_code.strip("[] ").upper() if type_code else None
    decisions = [
        resolver.resolve(name, type_code=code, asset_type=asset_type).as_dict()
        for name in given
    ]
    if chosen in ("csv", "table"):
        for record in decisions:
            record["candidates"] = ", ".join(record["candidates"])
    output.write_records(decisions, chosen, RESOLVE_COLUMNS, title="Tickers")


@app.command("review")
def review_command(
    source: Annotated[
        str | None, typer.Option(help="Only rows of this source, e.g. us-house.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many at most.")] = 100,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List rows left without a ticker because several securities fit their name."""
    from ptt.cli.securities import check_source
    from ptt.securities import ambiguous_rows

    conn = open_db()
    if source:
        check_source(conn, source)
    rows = ambiguous_rows(conn, source=source, limit=limit)
    output.write_records(
        rows,
        output.choose_format(fmt, as_json),
        REVIEW_COLUMNS,
        title="Ambiguous names (answer with: ptt tickers set ID TICKER)",
    )


@app.command("set")
def set_command(
    disclosure_id: Annotated[int, typer.Argument(help="The disclosure's id.")],
    ticker: Annotated[str, typer.Argument(help="The ticker, e.g. GOOGL or BRK.B.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a ticker the document itself states."),
    ] = False,
) -> None:
    """Record a ticker by hand (source manual, confidence 1.0)."""
    from ptt.actions import current_user, log_action
    from ptt.securities import set_ticker

    conn = open_db()
    user = current_user()
    change = set_ticker(conn, disclosure_id, ticker, user=user, force=force)
    log_action(
        conn,
        "ticker_set",
        target=f"disclosure {disclosure_id}",
        details=change,
        result=f"{change['ticker']} set by hand",
    )
    before = change["previous_ticker"] or "no ticker"
    output.write_text(
        f"Disclosure {disclosure_id} ({change['asset_name']}): {before} -> "
        f"{change['ticker']} (manual)"
    )
    if change["sec_title"] is None:
        output.write_text(
            f"Note: {change['ticker']} is not in the stored SEC list (a delisted or "
            "foreign ticker?); it was recorded as given.",
            err=True,
        )


# The most traded tickers (written with the other questions in ptt/cli/query.py).
app.command("top")(tickers_top_command)
