"""Questions about what was collected: ``trades``, ``politicians``, ``tickers top``,
``late``, ``stats``, ``export`` and ``status``.

Each command parses its options, asks :mod:`ptt.query` and prints the answer. The trade
filters are declared once (:func:`with_trade_filter`) and shared by ``trades`` and
``export``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ptt import clock, output
from ptt import query as questions
from ptt.cli.common import FormatOption, JsonOption, open_db, settings
from ptt.errors import UsageError
from ptt.query import LATE_COLUMNS, TRADE_COLUMNS, Filter, build_filter

# The columns a terminal table shows; the other formats carry every column.
TRADE_TABLE_COLUMNS = (
    "transaction_date",
    "disclosure_date",
    "politician",
    "ticker",
    "asset",
    "type",
    "owner",
    "amount",
    "document",
)
TABLE_LIMIT = 100

# The trade filters, declared once: (parameter, annotation, default).
_FILTER_OPTIONS: list[tuple[str, Any, Any]] = [
    ("politician", Annotated[str | None, typer.Option(
        help="A politician: full name, last name or any known spelling "
        "(case and accents ignored).", show_default=False)], None),
    ("ticker", Annotated[str | None, typer.Option(
        help="A ticker as stated (BRK.B and BRK-B are one).", show_default=False)],
     None),
    ("party", Annotated[str | None, typer.Option(
        help="A party, or its initial (D, R, I).", show_default=False)], None),
    ("state", Annotated[str | None, typer.Option(
        help="A US state code, or a country.", show_default=False)], None),
    ("chamber", Annotated[str | None, typer.Option(
        help="house, senate, commons, lords, european_parliament or state.",
        show_default=False)], None),
    ("source", Annotated[str | None, typer.Option(
        help="A source id (us-house, us-senate, ...).", show_default=False)], None),
    ("transaction_type", Annotated[str | None, typer.Option(
        "--type", help="purchase (buy), sale (sell: all sales), sale_full, "
        "sale_partial, exchange, trade (all of those), holding, interest; "
        "several with commas.", show_default=False)], None),
    ("owner", Annotated[str | None, typer.Option(
        help="self, spouse, joint or dependent (SP, JT, DC).", show_default=False)],
     None),
    ("since", Annotated[str | None, typer.Option(
        help="From this date on (YYYY-MM-DD, YYYY-MM or YYYY).", show_default=False)],
     None),
    ("until", Annotated[str | None, typer.Option(
        help="Up to this date, included.", show_default=False)], None),
    ("date_field", Annotated[str, typer.Option(
        help="Which date --since, --until and --sort date use: transaction or "
        "disclosure.")], "transaction"),
    ("min_amount", Annotated[int | None, typer.Option(
        help="Only rows whose stated amount is at least this many dollars (the "
        "band's lower bound).", show_default=False)], None),
    ("include_amended", Annotated[bool, typer.Option(
        "--include-amended", help="Also rows an amendment replaced (status amended, duplicate, "
        "withdrawn).")], False),
]  # fmt: skip


# How the stats screen names each parse status of the documents.
_DOCUMENT_LABELS = {
    "parsed": "documents parsed",
    "needs_ocr": "documents needing OCR",
    "failed": "documents failed",
    "pending": "documents pending",
    "not_a_transaction_report": "documents that are not transaction reports",
}


def with_trade_filter(command: Callable[..., Any]) -> Callable[..., Any]:
    """Return the command with the trade filter options, passed as ``trade_filter``."""
    from_command = [
        parameter
        for name, parameter in inspect.signature(
            command, eval_str=True
        ).parameters.items()
        if name != "trade_filter"
    ]
    filter_parameters = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
        )
        for name, annotation, default in _FILTER_OPTIONS
    ]
    names = [name for name, _, _ in _FILTER_OPTIONS]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in names}
        return command(trade_filter=build_filter(**values), **kwargs)

    parameters = filter_parameters + [
        parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for parameter in from_command
    ]
    wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


SortOption = Annotated[
    str,
    typer.Option(
        help="date, amount, politician or ticker; a leading '-' sorts descending."
    ),
]


@with_trade_filter
def trades_command(
    trade_filter: Filter,
    sort: SortOption = "-date",
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help=f"How many rows at most (default: {TABLE_LIMIT} in a terminal "
            "table, all otherwise).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List trades, newest first, each with the link to its document."""
    chosen = output.choose_format(fmt, as_json)
    if chosen != "table":
        output.write_stream(
            questions.trades(open_db(), trade_filter, sort=sort, limit=limit),
            chosen,
            TRADE_COLUMNS,
        )
        return

    shown = limit or TABLE_LIMIT
    rows = [
        {**row, "amount": row["amount_text"], "document": row["document_url"]}
        for row in questions.trades(open_db(), trade_filter, sort=sort, limit=shown + 1)
    ]
    output.write_records(rows[:shown], "table", TRADE_TABLE_COLUMNS, title="Trades")
    if len(rows) > shown and limit is None:
        output.write_text(
            f"Showing the first {shown} trades: --limit N for more, or --format csv.",
            err=True,
        )


@with_trade_filter
def export_command(
    trade_filter: Filter,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="csv (the default), json or ndjson.", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write to this file (whole or not at all) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    sort: SortOption = "date",
    limit: Annotated[
        int | None,
        typer.Option(
            min=1, help="How many rows at most (default: all).", show_default=False
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Export trades, with the same filters as trades, streamed row by row."""
    # A file for programs: CSV unless asked otherwise, on a terminal too.
    chosen = output.choose_format(fmt, as_json) if as_json else (fmt or "csv").lower()
    if chosen not in ("csv", "json", "ndjson"):
        raise UsageError(f"unknown format '{fmt}' (known: csv, json, ndjson)")

    rows = questions.trades(open_db(), trade_filter, sort=sort, limit=limit)
    if out is None:
        output.write_stream(rows, chosen, TRADE_COLUMNS)
        return

    try:
        with output.atomic_file(out) as stream:
            count = output.write_stream(rows, chosen, TRADE_COLUMNS, stream)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    output.write_text(f"Exported {count} trades to {out}", err=True)


# Politicians -----------------------------------------------------------------------------


class _ListUnlessSubcommand(TyperGroup):
    """A group that lists when no subcommand is named: ``ptt politicians pelosi``."""

    # ctx is typer's own (vendored) click context, which it does not export.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Route ``politicians [QUERY] [OPTIONS]`` to ``politicians list``."""
        words = [arg for arg in args if not arg.startswith("-")]
        asks_help = any(arg in ("--help", "-h") for arg in args)
        names_a_command = any(word in self.commands for word in words)
        if not names_a_command and (words or not asks_help):
            args = ["list", *args]
        return super().parse_args(ctx, args)


politicians_app = typer.Typer(
    rich_markup_mode=None,
    cls=_ListUnlessSubcommand,
    invoke_without_command=True,
    help="Politicians: who they are, their sources, their trades. "
    "'ptt politicians [QUERY]' lists them.",
)

POLITICIAN_COLUMNS = (
    "id",
    "name",
    "party",
    "state",
    "district",
    "chamber",
    "role",
    "sources",
    "trades",
    "last_transaction_date",
)


@politicians_app.command("list")
def politicians_list_command(
    query: Annotated[
        str | None,
        typer.Argument(help="A name or part of one.", show_default=False),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="How many at most.", show_default=False)
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List politicians (those a name matches), the most trades first."""
    rows = questions.politicians(open_db(), query, limit=limit)
    output.write_records(
        rows,
        output.choose_format(fmt, as_json),
        POLITICIAN_COLUMNS,
        title="Politicians",
    )


@politicians_app.command("show")
def politicians_show_command(
    name: Annotated[str, typer.Argument(help="A name, any spelling, or the id.")],
    top: Annotated[int, typer.Option(min=1, help="How many tickers to show.")] = 10,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one politician: who, sources and ids, trades by year, top tickers."""
    detail = questions.politician_detail(open_db(), name, top=top)
    chosen = output.choose_format(fmt, as_json)
    if chosen != "table":
        output.write_detail(detail, chosen)
        return

    person = {
        key: value
        for key, value in detail.items()
        if key not in ("sources", "trades_by_year", "top_tickers", "ids", "aliases")
        and value is not None
    }
    person.update(detail["ids"])
    if detail["aliases"]:
        person["aliases"] = "; ".join(detail["aliases"])
    output.write_detail(person, "table", title=detail["name"])
    output.write_records(detail["sources"], "table", title="Sources")
    output.write_records(detail["trades_by_year"], "table", title="Trades by year")
    output.write_records(
        _with_bounds(detail["top_tickers"]), "table", TICKER_TABLE_COLUMNS,
        title="Most traded tickers",
    )  # fmt: skip


# Tickers ---------------------------------------------------------------------------------

TICKER_COLUMNS = (
    "ticker",
    "trades",
    "purchases",
    "sales",
    "exchanges",
    "politicians",
    "volume",
    "volume_min",
    "volume_max",
    "trades_without_amount",
    "first_transaction_date",
    "last_transaction_date",
)
TICKER_TABLE_COLUMNS = (
    "ticker",
    "trades",
    "purchases",
    "sales",
    "politicians",
    "volume",
    "last_transaction_date",
)


def _with_bounds(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "volume": row["volume"] or "unknown"} for row in rows]


def tickers_top_command(
    since: Annotated[
        str | None,
        typer.Option(help="Trades from this date on (YYYY-MM-DD).", show_default=False),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Trades up to this date.", show_default=False)
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            help="count (number of trades) or volume (sum of the amount bands)."
        ),
    ] = "count",
    limit: Annotated[int, typer.Option(min=1, help="How many tickers.")] = 20,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the most traded tickers, with buys, sells and the amount band totals.

    Totals are ranges, the sums of the bands' bounds ($1,001..$15,000 per small trade);
    with an open-ended band ("Over $50,000,000") among them the total reads "$X+".
    """
    flt = build_filter(since=since, until=until)
    rows = questions.top_tickers(open_db(), flt, by=by, limit=limit)
    chosen = output.choose_format(fmt, as_json)
    if chosen == "table":
        output.write_records(
            _with_bounds(rows),
            chosen,
            TICKER_TABLE_COLUMNS,
            title="Most traded tickers",
        )
        return
    output.write_records(rows, chosen, TICKER_COLUMNS)


# Late filings ----------------------------------------------------------------------------

LATE_SUMMARY_COLUMNS = (
    "politician_id",
    "politician",
    "chamber",
    "state",
    "late_trades",
    "dated_trades",
    "late_percent",
    "longest_delay_days",
    "average_delay_days",
    "total_days_late",
)


def late_command(
    days: Annotated[
        int, typer.Option(min=0, help="Days allowed after the transaction.")
    ] = questions.TRANSACTION_CLOCK_DAYS,
    notification_days: Annotated[
        int,
        typer.Option(
            min=0, help="Days allowed after the notification, where it is given."
        ),
    ] = questions.NOTIFICATION_CLOCK_DAYS,
    politician: Annotated[
        str | None, typer.Option(help="Only this politician.", show_default=False)
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only transactions from this date on (YYYY-MM-DD).",
            show_default=False,
        ),
    ] = None,
    list_trades: Annotated[
        bool,
        typer.Option(
            "--list", help="List the late trades themselves, the longest delay first."
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="How many rows at most.", show_default=False),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show trades disclosed late under the STOCK Act: per politician and in total.

    Late means more than 45 days after the transaction, or more than 30 days after the
    notification of it (the House gives that date).
    """
    flt = build_filter(politician=politician, since=since)
    chosen = output.choose_format(fmt, as_json)
    conn = open_db()
    if list_trades:
        rows = questions.late_trades(
            conn, flt, days=days, notification_days=notification_days, limit=limit
        )
        if chosen == "table":
            output.write_records(list(rows), chosen, LATE_COLUMNS, title="Late trades")
        else:
            output.write_stream(rows, chosen, LATE_COLUMNS)
        return

    summary = questions.late_summary(
        conn, flt, days=days, notification_days=notification_days
    )
    people = summary["politicians"][:limit] if limit else summary["politicians"]
    if chosen == "json":
        output.write_detail({**summary, "politicians": people}, "json")
        return
    if chosen != "table":
        output.write_records(people, chosen, LATE_SUMMARY_COLUMNS)
        return

    total = summary["total"]
    output.write_records(
        people,
        "table",
        LATE_SUMMARY_COLUMNS[1:],
        title=f"Late trades (over {days} days, or {notification_days} after notice)",
    )
    if total["late_trades"]:
        output.write_text(
            f"Total: {total['late_trades']} late trades of {total['dated_trades']} "
            f"with dates ({total['late_percent']} %) by {total['politicians']} "
            f"politicians; longest delay {total['longest_delay_days']} days, "
            f"average {total['average_delay_days']} days."
        )


# Statistics ------------------------------------------------------------------------------

BAR_WIDTH = 40


def _bars(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    largest = max((row["rows"] for row in rows), default=0)
    return [
        {
            key: row[key] if row[key] is not None else "no date",
            "rows": row["rows"],
            "": "█" * max(1, round(BAR_WIDTH * row["rows"] / largest))
            if largest
            else "",
        }
        for row in rows
    ]


def _share(count: int, share: float | None) -> str:
    return f"{count} ({share:.0%})" if share is not None else str(count)


def _stats_lines(report: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """Yield the report as (section, name, value) rows, for CSV."""
    for key in ("rows", "rows_with_ticker", "ticker_share", "trades",
                "trades_with_ticker", "trade_ticker_share"):  # fmt: skip
        yield {"section": "total", "name": key, "value": report[key]}
    for status, count in report["documents"].items():
        yield {"section": "documents", "name": status, "value": count}
    for source in report["sources"]:
        for key, value in source.items():
            if key != "source":
                yield {
                    "section": f"source:{source['source']}",
                    "name": key,
                    "value": value,
                }
    for year in report["by_year"]:
        yield {"section": "year", "name": year["year"], "value": year["rows"]}
    for month in report["by_month"]:
        yield {"section": "month", "name": month["month"], "value": month["rows"]}


def stats_command(
    months: Annotated[
        int, typer.Option(min=0, help="How many recent months to chart.")
    ] = 24,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what the database holds: rows per source, year and month, freshness."""
    report = questions.stats(open_db(), months=months)
    chosen = output.choose_format(fmt, as_json)
    if chosen in ("json", "ndjson"):
        output.write_detail(report, chosen)
        return
    if chosen == "csv":
        output.write_records(
            list(_stats_lines(report)), "csv", ("section", "name", "value")
        )
        return

    output.write_detail(
        {
            "rows": report["rows"],
            "rows with a ticker": _share(
                report["rows_with_ticker"], report["ticker_share"]
            ),
            "trades": report["trades"],
            "trades with a ticker": _share(
                report["trades_with_ticker"], report["trade_ticker_share"]
            ),
            **{
                _DOCUMENT_LABELS.get(status, f"documents {status}"): count
                for status, count in report["documents"].items()
            },
        },
        "table",
        title="The database",
    )
    output.write_records(
        report["sources"],
        "table",
        ("source", "rows", "filings", "needing_ocr", "failed", "last_filing_date",
         "last_success_at", "last_status"),
        title="Sources",
    )  # fmt: skip
    output.write_records(
        _bars(report["by_year"], "year"), "table", title="Rows by year"
    )
    output.write_records(
        _bars(report["by_month"], "month"), "table", title="Rows by month"
    )


# Status ----------------------------------------------------------------------------------


def _status_lines(report: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    yield {
        "section": "database",
        "name": report["database"],
        "state": "",
        "detail": f"{report['size_bytes']} bytes, schema {report['schema_version']}",
    }
    yield {
        "section": "tick",
        "name": "last_tick_at",
        "state": report["last_tick_at"],
        "detail": report["seconds_since_tick"],
    }
    for source in report["sources"]:
        yield {
            "section": "source",
            "name": source["source"],
            "state": source["last_status"],
            "detail": source["last_pull_at"],
        }
    for job in report["jobs"]:
        yield {
            "section": "job",
            "name": job["name"],
            "state": job["state"],
            "detail": job["next_run_at"],
        }
    for problem in report["problems"]:
        yield {
            "section": "problem",
            "name": "",
            "state": "attention",
            "detail": problem,
        }


def status_command(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """Show the whole installation on one screen; exit 1 when something needs a look.

    Needs attention: a disabled job, a source that failed twice or more in a row, or no
    tick for 3 minutes while enabled jobs exist.
    """
    path = settings().db_path
    report = questions.status(open_db(), path, now=clock.now())
    chosen = output.choose_format(fmt, as_json)
    if chosen in ("json", "ndjson"):
        output.write_detail(report, chosen)
    elif chosen == "csv":
        output.write_records(
            list(_status_lines(report)), "csv", ("section", "name", "state", "detail")
        )
    else:
        _print_status(report)
    if report["problems"]:
        raise typer.Exit(1)


def _print_status(report: Mapping[str, Any]) -> None:
    tick = report["last_tick_at"] or "never"
    if report["seconds_since_tick"] is not None:
        tick += f" ({report['seconds_since_tick']} s ago)"
    output.write_detail(
        {
            "database": report["database"],
            "size": f"{report['size_bytes'] / 1e6:.1f} MB",
            "schema version": f"{report['schema_version']} "
            f"(this ptt: {report['expected_schema_version']})",
            "now": report["now"],
            "last tick": tick,
        },
        "table",
        title="ptt status",
    )
    output.write_records(
        report["sources"], "table",
        ("source", "last_pull_at", "last_success_at", "last_status",
         "consecutive_failures", "last_error"),
        title="Sources",
    )  # fmt: skip
    output.write_records(
        report["jobs"], "table",
        ("name", "kind", "schedule", "state", "last_run_at", "last_status",
         "next_run_at"),
        title="Jobs",
    )  # fmt: skip
    output.write_records(report["recent_failures"], "table", title="Recent failures")
    if not report["problems"]:
        output.write_text("All well.")
        return
    output.write_text("Needs attention:")
    for problem in report["problems"]:
        output.write_text(f"- {problem}")
