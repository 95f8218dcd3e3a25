"""``ptt collect``, ``ptt filings`` and ``ptt reparse``: fetch, list and re-read documents."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db, settings
from ptt.collect import COUNTS
from ptt.errors import UsageError

if TYPE_CHECKING:
    from ptt.collect import CollectionResult

SUMMARY_COLUMNS = (
    "source",
    "status",
    *COUNTS,
    "duration_seconds",
    "error",
    "index_requests",
    "listing_seconds",
)
FILING_COLUMNS = (
    "id",
    "source_id",
    "doc_id",
    "politician",
    "filing_type",
    "filing_date",
    "parse_status",
    "transaction_count",
    "is_amendment",
    "amends_filing_id",
    "url",
    "parse_error",
    "archive_path",
)
# What fits a terminal: the URL and the archive path are for programs (--format csv).
FILING_TABLE_COLUMNS = (
    "id",
    "source_id",
    "doc_id",
    "politician",
    "filing_date",
    "parse_status",
    "transaction_count",
    "parse_error",
)
REPARSE_COLUMNS = (
    "source",
    "doc_id",
    "old_status",
    "new_status",
    "new",
    "updated",
    "unchanged",
    "withdrawn",
    "changed",
    "error",
)
PARSE_STATUSES = (
    "pending",
    "parsed",
    "needs_ocr",
    "failed",
    "not_a_transaction_report",
)


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _check_source(conn: sqlite3.Connection, source: str, *, datasets: bool) -> None:
    from ptt.sources import known_sources

    known = known_sources(conn)
    if source in known:
        return

    imported = [
        row[0]
        for row in conn.execute("SELECT id FROM data_sources ORDER BY id")
        if row[0] not in known
    ]
    if source in imported:
        if datasets:
            return
        raise UsageError(
            f"'{source}' is an imported dataset, not a collected source: import its "
            "file again to read it again"
        )
    listed = [*known, *imported] if datasets else known
    raise UsageError(f"unknown source '{source}' (known: {', '.join(listed)})")


def _status(value: str | None) -> str | None:
    if value is not None and value not in PARSE_STATUSES:
        raise UsageError(
            f"unknown status '{value}' (known: {', '.join(PARSE_STATUSES)})"
        )
    return value


def collect_command(
    source: Annotated[
        list[str],
        typer.Option(
            "--source",
            "-s",
            metavar="SOURCE",
            help="A source id, us-congress (House and Senate) or all; repeatable.",
            show_default=False,
        ),
    ],
    year: Annotated[
        list[int] | None,
        typer.Option(
            metavar="YEAR",
            help="Filing year(s): the House's yearly indexes and the Senate's search "
            "window; repeatable. Default: every year since the last successful pull, "
            "and last year's index too in January (House); from the last pull "
            "(Senate).",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only filings submitted on or after this date (YYYY-MM-DD). Senate "
            "default: the day of its last successful pull, else January 1.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Fetch at most this many new documents per source."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Say what would be fetched; change nothing."),
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Collect the official documents of the sources into the database."""
    from ptt.collect import CollectionError, CollectOptions, run_collection
    from ptt.logs import errors_reported_at_exit
    from ptt.sources import expand_sources

    chosen = output.choose_format(fmt, as_json)
    years = tuple(year or ())
    for value in years:
        if not 1995 <= value <= 2100:
            raise UsageError(f"--year {value} is not a filing year")
    options = CollectOptions(
        year=years[0] if years else None,
        years=years,
        since=_date(since, "--since"),
        limit=limit,
        dry_run=dry_run,
    )
    conn = open_db()
    source_ids = expand_sources(source, conn)

    # Each failed source is named in the final Error line: the console says it once.
    with errors_reported_at_exit(), output.progress("Collecting") as bar:
        result = run_collection(conn, settings(), source_ids, options, progress=bar)

    if dry_run:
        _write_plan(result, chosen)
    else:
        _write_summary(result, chosen)
    if result.failed:
        raise CollectionError("; ".join(result.errors()))


# Shorter headings for the table a person reads; programs get the metric names.
TABLE_HEADINGS = {
    "filings_seen": "filings",
    "documents_fetched": "fetched",
    "records_found": "found",
    "records_processed": "processed",
    "records_new": "new",
    "records_updated": "updated",
    "records_withdrawn": "withdrawn",
    "records_failed": "failed",
    "documents_needing_ocr": "need OCR",
    "duration_seconds": "seconds",
}


def _write_summary(result: CollectionResult, fmt: str) -> None:
    rows = [m.as_dict() for m in result.sources]
    if fmt != "table":
        output.write_records(rows, fmt, SUMMARY_COLUMNS, title="Collection")
        return

    # The errors follow in full on stderr; the table keeps its columns readable.
    columns = [
        c for c in SUMMARY_COLUMNS if c in TABLE_HEADINGS or c in ("source", "status")
    ]
    table = [{TABLE_HEADINGS.get(c, c): row[c] for c in columns} for row in rows]
    output.write_records(
        table, fmt, [TABLE_HEADINGS.get(c, c) for c in columns], title="Collection"
    )


def _write_plan(result: CollectionResult, fmt: str) -> None:
    rows: list[dict[str, Any]] = [
        {
            "source": planned.source,
            "doc_id": planned.doc_id,
            "politician": planned.politician,
            "url": planned.url,
        }
        for metrics in result.sources
        for planned in metrics.planned
    ]
    if fmt == "table":
        for metrics in result.sources:
            output.write_text(
                f"{metrics.source}: {metrics.filings_seen} filing(s) listed, "
                f"{len(metrics.planned)} document(s) would be fetched"
            )
    output.write_records(
        rows, fmt, ("source", "doc_id", "politician", "url"), title="Would fetch"
    )


def filings_command(
    source: Annotated[
        str | None, typer.Option(help="Only this source.", show_default=False)
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only this parse status: parsed, needs_ocr, failed, "
            "not_a_transaction_report, pending.",
            show_default=False,
        ),
    ] = None,
    doc_id: Annotated[
        str | None,
        typer.Option("--doc-id", help="Only this document.", show_default=False),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many at most.")] = 50,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List collected documents with their parse status, URL and reason."""
    conn = open_db()
    if source is not None:
        _check_source(conn, source, datasets=True)
    chosen = output.choose_format(fmt, as_json)
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("f.source_id", source),
        ("f.parse_status", _status(status)),
        ("f.doc_id", doc_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = (
        "SELECT f.*, p.full_name AS politician FROM filings f "
        "LEFT JOIN politicians p ON p.id = f.politician_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY f.filing_date DESC, f.id DESC LIMIT ?"
    rows = [dict(row) for row in conn.execute(sql, [*params, limit])]
    columns = FILING_TABLE_COLUMNS if chosen == "table" else FILING_COLUMNS
    output.write_records(rows, chosen, columns, title="Filings")


def reparse_command(
    source: Annotated[
        str | None, typer.Option(help="Only this source.", show_default=False)
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only documents with this parse status (e.g. failed).",
            show_default=False,
        ),
    ] = None,
    doc_id: Annotated[
        str | None,
        typer.Option("--doc-id", help="Only this document.", show_default=False),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="How many at most.", show_default=False)
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read archived documents again with today's readers; download nothing."""
    from ptt.actions import log_action
    from ptt.collect import reparse_documents

    conn = open_db()
    if source is not None:
        _check_source(conn, source, datasets=False)
    with output.progress("Reparsing") as bar:
        outcomes = reparse_documents(
            conn,
            settings(),
            source=source,
            status=_status(status),
            doc_id=doc_id,
            limit=limit,
            progress=bar,
        )
    changed = [o for o in outcomes if o.changed]
    log_action(
        conn,
        "documents_reparsed",
        target=source or "all",
        details={
            "documents": len(outcomes),
            "changed": len(changed),
            "status": status,
            "doc_id": doc_id,
        },
        result=f"{len(outcomes)} document(s) read again, {len(changed)} changed",
    )
    output.write_records(
        [o.as_dict() for o in outcomes],
        output.choose_format(fmt, as_json),
        REPARSE_COLUMNS,
        title="Reparsed",
    )
    if not outcomes:
        output.write_text("No archived document matches.", err=True)
