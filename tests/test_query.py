"""The questions of ptt.query, asked of a database filled from the fixture documents."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptt import db, query
from ptt.errors import UsageError
from ptt.model import ParsedDocument, StatedPolitician, Transaction
from tests.loader import fixture_documents, load_document


@pytest.fixture
def conn(fixture_db: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(fixture_db)
    yield connection
    connection.close()


def house_document(
    doc_id: str, filed: str, rows: list[Transaction], name: str = "Jane Q Public"
) -> ParsedDocument:
    """Return a House-like document with the given rows (for the clocks and bands)."""
    first, _, last = name.partition(" ")
    return ParsedDocument(
        source="us-house",
        doc_id=doc_id,
        parse_status="parsed",
        filing_date=dt.date.fromisoformat(filed),
        politician=StatedPolitician(
            full_name=name,
            first_name=first,
            last_name=last.split()[-1],
            chamber="house",
            party="Democratic",
            state_country="CA",
        ),
        transactions=rows,
        url=f"https://disclosures-clerk.house.gov/public_disc/ptr-pdfs/2024/{doc_id}.pdf",
    )


def trade(
    row: int, traded: str, notified: str | None = None, **kw: object
) -> Transaction:
    values: dict[str, object] = {
        "transaction_type": "purchase",
        "asset_name": "Example Corp",
        "amount_range_min": 1001,
        "amount_range_max": 15000,
    }
    values.update(kw)
    return Transaction(
        row=row,
        transaction_date=dt.date.fromisoformat(traded),
        notification_date=dt.date.fromisoformat(notified) if notified else None,
        **values,  # type: ignore[arg-type]
    )


def ids_of(rows: object) -> list[int]:
    return [row["trade_id"] for row in rows]  # type: ignore[attr-defined]


# Politicians by any spelling ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Boozman", ["John Boozman"]),
        ("JOHN BOOZMAN", ["John Boozman"]),
        ("Hon. John Boozman", ["John Boozman"]),
        ("boozmán", ["John Boozman"]),
        ("Mitchell McConnell", ["A. Mitchell Mcconnell, Jr."]),
        ("mcconnell jr", ["A. Mitchell Mcconnell, Jr."]),
        ("Ronald Lee Wyden", ["Ron L Wyden"]),  # only through the alias
        ("Scott", ["Rick Scott"]),
        ("Nobody Atall", []),
    ],
)
def test_it_matches_politicians_by_any_spelling(
    conn: sqlite3.Connection, name: str, expected: list[str]
) -> None:
    wyden = conn.execute(
        "SELECT id FROM politicians WHERE full_name = 'Ron L Wyden'"
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO politician_aliases (alias_key, politician_id, alias_name) "
        "VALUES ('us-senate:wyden:ronald', ?, 'Ronald Lee Wydén')",
        (wyden,),
    )

    found = [match.full_name for match in query.match_politicians(conn, name)]

    assert found == expected


def test_it_counts_a_merged_politician_as_the_one_it_was_merged_into(
    conn: sqlite3.Connection,
) -> None:
    boozman = conn.execute(
        "SELECT id FROM politicians WHERE full_name = 'John Boozman'"
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO politicians (full_name, identity_key, merged_into_id) "
        "VALUES ('Hon. John N. Boozman', 'us:boozman:john-n', ?)",
        (boozman,),
    )

    matches = query.match_politicians(conn, "John N Boozman")

    assert [match.id for match in matches] == [boozman]


def test_it_filters_trades_by_politician_through_every_spelling(
    conn: sqlite3.Connection,
) -> None:
    rows = list(query.trades(conn, query.build_filter(politician="boozman")))

    assert len(rows) == 8  # his Stock Watcher reports are paper: no rows
    assert {row["politician"] for row in rows} == {"John Boozman"}
    dates = [row["transaction_date"] for row in rows]
    assert dates == sorted(dates, reverse=True)


def test_it_names_a_politician_nobody_matches(conn: sqlite3.Connection) -> None:
    with pytest.raises(UsageError, match="no politician matches 'Boozmann'"):
        query.trades(conn, query.build_filter(politician="Boozmann"))


# The filter ---------------------------------------------------------------------------------


def test_it_filters_by_ticker_with_the_document_link_on_every_row(
    conn: sqlite3.Connection,
) -> None:
    rows = list(query.trades(conn, query.build_filter(ticker="aapl")))

    assert len(rows) == 21
    assert {row["ticker"] for row in rows} == {"AAPL"}
    assert all(
        row["document_url"].startswith("https://efdsearch.senate.gov/search/view/")
        for row in rows
    )


@pytest.mark.parametrize(
    ("options", "count"),
    [
        ({"since": "2020-11-01"}, 104),
        ({"since": "2020-11", "until": "2020-11"}, 77),
        ({"until": "2018"}, 7),
        ({"since": "2026-01-13", "date_field": "disclosure"}, 8),
        ({"transaction_type": "sale"}, 116),
        ({"transaction_type": "sale_partial,exchange"}, 48),
        ({"transaction_type": "holding"}, 300),
        ({"owner": "SP"}, 239),
        ({"min_amount": 500001}, 17),
        ({"chamber": "senate", "ticker": "NVDA"}, 12),
        ({"source": "california"}, 300),
        ({"state": "ca"}, 314),
    ],
)
def test_it_filters_trades(
    conn: sqlite3.Connection, options: dict[str, object], count: int
) -> None:
    flt = query.build_filter(**options)  # type: ignore[arg-type]

    rows = list(query.trades(conn, flt))

    assert len(rows) == count


def test_it_leaves_out_amended_rows_unless_asked(conn: sqlite3.Connection) -> None:
    conn.execute(
        "UPDATE trading_disclosures SET status = 'amended' WHERE asset_ticker = 'NVDA' "
        "AND transaction_type = 'purchase'"
    )

    active = list(query.trades(conn, query.build_filter(ticker="NVDA")))
    every = list(
        query.trades(conn, query.build_filter(ticker="NVDA", include_amended=True))
    )

    assert len(active) == 4 and len(every) == 12
    assert {row["status"] for row in active} == {"active"}


def test_it_sorts_and_limits(conn: sqlite3.Connection) -> None:
    by_amount = list(query.trades(conn, sort="-amount", limit=3))
    oldest = list(query.trades(conn, query.Filter(types=("purchase",)), sort="date"))

    assert [row["amount_min"] for row in by_amount] == [5000001, 1000001, 1000001]
    assert oldest[0]["transaction_date"] == "2018-06-06"
    assert (
        oldest[-1]["transaction_date"] is None
        or oldest[-1]["transaction_date"] >= (oldest[0]["transaction_date"])
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "2024-13-01"}, "--since '2024-13-01' is not a date (use YYYY-MM-DD"),
        ({"until": "yesterday"}, "--until 'yesterday' is not a date"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "--since 2024-02-01 is after"),
        ({"transaction_type": "gift"}, "unknown --type 'gift' (known: purchase, buy,"),
        ({"owner": "cousin"}, "unknown --owner 'cousin' (known: self, spouse,"),
        ({"chamber": "senat"}, "unknown --chamber 'senat' (known: house, senate,"),
        ({"ticker": "$$$"}, "--ticker '$$$' is not a ticker"),
        ({"date_field": "filed"}, "unknown --date-field 'filed' (known: transaction"),
        ({"min_amount": -1}, "--min-amount -1 is negative"),
    ],
)
def test_it_rejects_bad_filter_values_in_one_line(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        query.build_filter(**options)  # type: ignore[arg-type]

    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_it_rejects_an_unknown_source_naming_the_known_ones(
    conn: sqlite3.Connection,
) -> None:
    with pytest.raises(UsageError) as caught:
        query.trades(conn, query.build_filter(source="us-senat"))

    assert str(caught.value) == (
        "unknown --source 'us-senat' (known: california, us-house, us-senate)"
    )


def test_it_rejects_an_unknown_sort(conn: sqlite3.Connection) -> None:
    with pytest.raises(UsageError, match="unknown --sort 'size'"):
        query.trades(conn, sort="size")


# Amounts as ranges --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "open_ended", "text"),
    [
        (1001, 15000, False, "$1,001..$15,000"),
        (50000001, None, True, "$50,000,001+"),
        (2002, 30000, True, "$2,002+"),
        (1200, 1200, False, "$1,200"),
        (None, None, False, None),
    ],
)
def test_it_writes_amount_totals_as_ranges(
    low: int | None, high: int | None, open_ended: bool, text: str | None
) -> None:
    assert query.format_amount(low, high, open_ended=open_ended) == text


def test_it_ranks_tickers_with_buys_sells_and_band_totals(
    conn: sqlite3.Connection,
) -> None:
    top = query.top_tickers(conn, limit=3)

    assert [row["ticker"] for row in top] == ["AAPL", "NVDA", "NFLX"]
    aapl = top[0]
    assert (aapl["trades"], aapl["purchases"], aapl["sales"]) == (21, 13, 8)
    assert aapl["volume"] == "$518,021..$1,220,000"


def test_it_shows_an_open_ended_band_total_as_x_plus(conn: sqlite3.Connection) -> None:
    load_document(
        conn,
        house_document("20099999", "2024-02-01", [
            trade(1, "2024-01-10", asset_ticker="ZZZZ",
                  amount_range_min=50000001, amount_range_max=None,
                  amount_text="Over $50,000,000"),
            trade(2, "2024-01-11", asset_ticker="ZZZZ", transaction_type="sale_full"),
        ]),
    )  # fmt: skip

    top = query.top_tickers(conn, by="volume", limit=1)

    assert top[0]["ticker"] == "ZZZZ"
    assert top[0]["volume"] == "$50,001,002+"
    assert top[0]["volume_max"] is None


def test_it_keeps_the_ticker_activity_view_in_step_with_top_tickers(
    conn: sqlite3.Connection,
) -> None:
    ranked = query.top_tickers(conn, limit=None)
    view = {
        row["ticker"]: dict(row)
        for row in conn.execute("SELECT * FROM ticker_activity")
    }

    assert len(view) == len(ranked)
    for row in ranked:
        shared = {key: row[key] for key in view[row["ticker"]]}
        assert shared == view[row["ticker"]]


def test_it_ranks_tickers_since_a_date(conn: sqlite3.Connection) -> None:
    top = query.top_tickers(conn, query.build_filter(since="2025-01-01"))

    assert {row["ticker"] for row in top} == {
        "WFC", "SMCI", "SPYM", "MSFT", "IVW", "IJR", "ANET", "AAPL", "GSK", "PL",
    }  # fmt: skip
    assert all(row["trades"] == 1 for row in top)


# Late filings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traded", "notified", "filed", "late_days"),
    [
        ("2024-01-01", None, "2024-02-15", None),  # 45 days: on time
        ("2024-01-01", None, "2024-02-16", 1),  # 46 days
        ("2024-01-01", "2024-01-02", "2024-02-01", None),  # 30 after notice
        ("2024-01-01", "2024-01-02", "2024-02-05", 4),  # 34 after notice
        ("2024-01-01", "2024-01-20", "2024-02-25", 10),  # 55 after, 36 after notice
        ("2023-01-01", None, "2024-01-01", 320),  # a year late
        # A notification dated before the transaction (a slip seen in a House PTR)
        # leaves the transaction clock alone to judge.
        ("2024-12-03", "2024-01-08", "2025-01-16", None),
        ("2024-10-01", "2024-01-08", "2025-01-16", 62),
    ],
)
def test_it_applies_both_stock_act_clocks(
    conn: sqlite3.Connection,
    traded: str,
    notified: str | None,
    filed: str,
    late_days: int | None,
) -> None:
    filing = load_document(
        conn, house_document("20011111", filed, [trade(1, traded, notified)])
    )

    rows = list(query.late_trades(conn, query.build_filter(politician="Jane Public")))
    view = conn.execute(
        "SELECT days_late FROM late_filings WHERE filing_id = ?", (filing,)
    ).fetchall()

    assert [row["days_late"] for row in rows] == ([late_days] if late_days else [])
    assert [row[0] for row in view] == ([late_days] if late_days else [])


def test_a_trade_late_after_its_notification_alone_counts_with_no_delay_made_up(
    conn: sqlite3.Connection,
) -> None:
    # The document states when the filer was notified, not when the trade was made.
    undated = Transaction(
        row=1,
        transaction_type="purchase",
        asset_name="Example Corp",
        notification_date=dt.date(2024, 1, 1),
    )
    load_document(conn, house_document("20033333", "2024-06-01", [undated]))
    flt = query.build_filter(politician="Jane Public")

    [row] = query.late_trades(conn, flt)
    summary = query.late_summary(conn, flt)

    assert (row["days_after_transaction"], row["days_late"]) == (None, 122)
    [person] = summary["politicians"]
    assert (person["late_trades"], person["dated_trades"]) == (1, 1)
    assert (person["longest_delay_days"], person["average_delay_days"]) == (None, None)
    assert summary["total"] == {
        "late_trades": 1, "dated_trades": 1, "late_percent": 100.0, "politicians": 1,
        "longest_delay_days": None, "average_delay_days": None,
    }  # fmt: skip


def test_it_does_not_count_holdings_as_late(conn: sqlite3.Connection) -> None:
    load_document(
        conn,
        house_document("20022222", "2024-06-01", [
            trade(1, "2023-01-01", transaction_type="holding"),
        ]),
    )  # fmt: skip

    late = query.late_trades(conn, query.build_filter(politician="Jane Public"))
    assert list(late) == []


def test_it_finds_the_late_fixture_report_with_its_delay(
    conn: sqlite3.Connection,
) -> None:
    rows = list(query.late_trades(conn))
    summary = query.late_summary(conn)

    # A sale of 27 March 2025 signed on 13 August, and one of 22 May 2018 filed 24 July.
    assert [(r["politician"], r["ticker"], r["days_after_transaction"],
             r["days_late"]) for r in rows] == [
        ("George Whitesides", "PL", 139, 109),  # notified the day he traded
        ("Daniel S Sullivan", "RPM", 63, 18),
    ]  # fmt: skip
    assert rows[1]["document_url"].endswith("033d040a-4fe0-4d8e-a37e-355a174d0b52/")
    assert rows[0]["document_url"].endswith("/2025/20030886.pdf")
    # The base of the share: the 28 trades with a disclosure date (the four House
    # reports and the two Senate pages; the imported dataset states no disclosure date).
    assert summary["total"] == {
        "late_trades": 2, "dated_trades": 28, "late_percent": 7.1, "politicians": 2,
        "longest_delay_days": 139, "average_delay_days": 101,
    }  # fmt: skip
    assert [p["politician"] for p in summary["politicians"]] == [
        "George Whitesides", "Daniel S Sullivan",
    ]  # fmt: skip


def test_it_counts_late_trades_per_politician_with_a_shorter_clock(
    conn: sqlite3.Connection,
) -> None:
    summary = query.late_summary(conn, days=20)

    counts = {row["politician"]: row["late_trades"] for row in summary["politicians"]}
    assert counts == {
        "Nancy Pelosi": 6, "John Boozman": 5, "Richard W. Allen": 4,
        "George Whitesides": 1, "Robert B. Aderholt": 1, "Daniel S Sullivan": 1,
    }  # fmt: skip
    assert summary["total"]["late_trades"] == 18
    assert summary["total"]["late_percent"] == 64.3  # 18 of 28
    assert summary["politicians"][0]["politician"] == "Nancy Pelosi"
    shares = {
        row["politician"]: (
            row["late_trades"],
            row["dated_trades"],
            row["late_percent"],
        )
        for row in summary["politicians"][:2]
    }
    assert shares == {"Nancy Pelosi": (6, 13, 46.2), "John Boozman": (5, 8, 62.5)}


# Politicians, stats, status -----------------------------------------------------------------


def test_it_lists_politicians_with_their_trade_counts(
    conn: sqlite3.Connection,
) -> None:
    everyone = query.politicians(conn)
    wyden = query.politicians(conn, "wyden")

    assert everyone[0]["trades"] >= everyone[-1]["trades"]
    assert [(p["name"], p["trades"], p["sources"]) for p in wyden] == [
        ("Ron L Wyden", 64, "us-senate")
    ]
    assert query.politicians(conn, "nobody like this") == []


def test_it_shows_one_politician_with_sources_years_and_tickers(
    conn: sqlite3.Connection,
) -> None:
    detail = query.politician_detail(conn, "john boozman")

    assert detail["name"] == "John Boozman"
    assert detail["chamber"] == "senate"
    assert [s["source"] for s in detail["sources"]] == ["us-senate"]
    assert detail["sources"][0]["filings"] == 3
    assert [(y["year"], y["trades"]) for y in detail["trades_by_year"]] == [(2025, 8)]
    assert detail["trades"] == 8
    # Eight trades of eight tickers: ties run in ticker order.
    assert [t["ticker"] for t in detail["top_tickers"]][:2] == ["AAPL", "ANET"]
    assert sum(t["trades"] for t in detail["top_tickers"]) == 8


def test_it_asks_for_a_fuller_name_when_several_politicians_match(
    conn: sqlite3.Connection,
) -> None:
    with pytest.raises(UsageError) as caught:
        query.politician_detail(conn, "Jr")

    assert "'Jr' matches 3 politicians: " in str(caught.value)
    assert "give a fuller name or the id" in str(caught.value)


def test_it_counts_rows_per_source_year_and_month(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    report = query.stats(conn, months=3)

    by_source = {s["source"]: s for s in report["sources"]}
    assert by_source["us-senate"]["rows"] == 305
    assert by_source["california"]["rows"] == 300
    assert by_source["us-house"]["rows"] == 19
    assert (
        sum(s["needing_ocr"] for s in report["sources"])
        == (report["documents"]["needs_ocr"])
    )
    assert by_source["us-senate"]["last_filing_date"] == "2026-01-13"
    assert report["rows"] == 624
    stated = [
        row.asset_ticker
        for document in fixture_documents(fixtures)
        for row in document.transactions
    ]
    with_ticker = sum(1 for ticker in stated if ticker)
    traded = [
        row.asset_ticker
        for document in fixture_documents(fixtures)
        for row in document.transactions
        if row.transaction_type in query.TRADE_TYPES
    ]
    assert report["trades"] == len(traded) == 324
    assert report["trades_with_ticker"] == sum(1 for ticker in traded if ticker)
    assert len(stated) == 624
    assert report["rows_with_ticker"] == with_ticker
    assert report["ticker_share"] == round(with_ticker / 624, 4)
    assert [m["month"] for m in report["by_month"]] == ["2025-03", "2025-07", "2025-12"]
    assert report["by_year"][-1] == {"year": None, "rows": 300}
    assert sum(y["rows"] for y in report["by_year"]) == 624


NOW = dt.datetime(2026, 1, 20, 12, 0, tzinfo=dt.UTC)


def add_job(conn: sqlite3.Connection, name: str, **columns: object) -> None:
    values = {"name": name, "kind": "collect", "schedule_type": "interval",
              "interval_seconds": 3600, **columns}  # fmt: skip
    conn.execute(
        f"INSERT INTO scheduled_jobs ({', '.join(values)}) "
        f"VALUES ({', '.join('?' * len(values))})",
        list(values.values()),
    )


def set_tick(conn: sqlite3.Connection, when: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO scheduler_state (key, value) VALUES ('last_tick_at', ?)",
        (when,),
    )


def test_it_reports_a_quiet_installation_as_healthy(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")

    report = query.status(conn, tmp_path / "ptt.db", now=NOW)

    assert report["problems"] == [] and report["healthy"]
    assert report["schema_version"] == db.schema_version()
    assert report["size_bytes"] > 0


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        (lambda c: (add_job(c, "daily", is_enabled=0, disabled_reason="5 failures"),
                    set_tick(c, "2026-01-20T11:59:30Z")),
         "job 'daily' is disabled: 5 failures"),
        (lambda c: c.execute(
            "INSERT INTO data_sources (id, name, consecutive_failures, last_error) "
            "VALUES ('us-senate', 'Senate', 2, 'the agreement page came back')"),
         "source 'us-senate' failed 2 times in a row: the agreement page came back"),
        (lambda c: (add_job(c, "hourly"), set_tick(c, "2026-01-20T11:56:00Z")),
         "no tick since 2026-01-20T11:56:00Z (4 minutes ago) while 1 job(s) are "
         "enabled"),
        (lambda c: add_job(c, "hourly"),
         "no tick recorded yet while 1 job(s) are enabled"),
    ],
)  # fmt: skip
def test_it_lists_what_needs_attention(
    tmp_path: Path, setup: object, problem: str
) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    setup(conn)  # type: ignore[operator]

    report = query.status(conn, tmp_path / "ptt.db", now=NOW)

    assert len(report["problems"]) == 1
    assert report["problems"][0].startswith(problem)
    assert not report["healthy"]


def test_it_accepts_a_recent_tick_and_a_single_source_failure(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    add_job(conn, "hourly", next_run_at="2026-01-20T12:30:00Z")
    add_job(conn, "paused", is_paused=1)
    set_tick(conn, "2026-01-20T11:57:30Z")
    conn.execute(
        "INSERT INTO data_sources (id, name, consecutive_failures) "
        "VALUES ('us-house', 'House', 1)"
    )

    report = query.status(conn, tmp_path / "ptt.db", now=NOW)

    assert report["problems"] == []
    assert report["seconds_since_tick"] == 150
    assert {job["name"]: job["state"] for job in report["jobs"]} == {
        "hourly": "scheduled", "paused": "paused",
    }  # fmt: skip


def test_it_lists_recent_failures_of_jobs_and_actions(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    add_job(conn, "hourly")
    set_tick(conn, "2026-01-20T11:59:00Z")
    conn.execute(
        "INSERT INTO job_executions (job_id, job_name, trigger, status, started_at, "
        "finished_at, error_message) VALUES (1, 'hourly', 'schedule', 'timed_out', "
        "'2026-01-20T10:00:00Z', '2026-01-20T10:30:00Z', 'ran past 1800 s')"
    )
    conn.execute(
        "INSERT INTO action_logs (action_type, status, source, started_at, "
        "finished_at, error_message) VALUES ('data_collection', 'failed', 'cli', "
        "'2026-01-20T11:00:00Z', '2026-01-20T11:01:00Z', 'the Senate answered 403')"
    )

    report = query.status(conn, tmp_path / "ptt.db", now=NOW)

    assert [(f["kind"], f["name"], f["error"]) for f in report["recent_failures"]] == [
        ("action", "data_collection", "the Senate answered 403"),
        ("job", "hourly", "ran past 1800 s"),
    ]
    assert report["problems"] == []


# Schema --------------------------------------------------------------------------------------


def test_it_finds_a_ticker_in_the_trades_view_by_index(
    conn: sqlite3.Connection,
) -> None:
    plan = " ".join(
        row[3]
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM trades WHERE ticker = 'AAPL' "
            "AND status = 'active' ORDER BY transaction_date DESC LIMIT 10"
        )
    )

    assert "USING INDEX" in plan and "SCAN td" not in plan


def test_a_failed_action_in_status_names_its_target(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    conn.execute(
        "INSERT INTO action_logs (action_type, status, source, target, started_at, "
        "finished_at, error_message) VALUES ('data_collection_complete', 'failed', "
        "'cli', 'us-house', '2026-01-20T11:00:00Z', '2026-01-20T11:01:00Z', "
        "'the 2026 index could not be fetched')"
    )

    report = query.status(conn, tmp_path / "ptt.db", now=NOW)

    [failure] = report["recent_failures"]
    assert (failure["name"], failure["target"]) == (
        "data_collection_complete",
        "us-house",
    )
