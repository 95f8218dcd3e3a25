"""The SEC list, the resolver on the real list, and the backfill on a real database."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from ptt import db
from ptt.config import load_settings
from ptt.errors import BlockedError, FetchError, UsageError
from ptt.securities import (
    BackfillResult,
    Resolver,
    Security,
    ambiguous_rows,
    backfill_tickers,
    bundled_securities,
    common_lines,
    common_listings,
    ensure_securities,
    fund_name,
    normalize_name,
    parse_sec_files,
    refresh_securities,
    set_ticker,
)
from tests.conftest import FIXTURES
from tests.helpers import ROOT

SCHEMA_V1 = ROOT / "tests" / "data" / "schema_v1.sql"


@pytest.fixture(scope="module")
def sec_files() -> tuple[bytes, bytes]:
    # Module-scoped, so it cannot take the function-scoped ``fixtures``; same folder.
    root = FIXTURES / "sec"
    return (
        (root / "company_tickers.json").read_bytes(),
        (root / "company_tickers_exchange.json").read_bytes(),
    )


@pytest.fixture(scope="module")
def resolver(sec_files: tuple[bytes, bytes]) -> Resolver:
    return Resolver(parse_sec_files(*sec_files))


# Columns: name as disclosed, asset-type code, stated asset type, ticker, method.
RESOLUTIONS = [
    # Names as the sources write them, resolved.
    ("Apple Inc.", None, "Stock", "AAPL", "sec_exact"),
    ("Apple", None, "Stock", "AAPL", "sec_alias"),
    ("The Boeing Company", None, "Stock", "BA", "sec_alias"),
    ("JPMorgan Chase &amp; Co.", None, "Stock", "JPM", "sec_exact"),
    ("Amazon.com, Inc.", None, "Stock", "AMZN", "sec_exact"),
    ("Lowe's Companies, Inc.", None, "Stock", "LOW", "sec_exact"),
    ("Wells Fargo & Company", None, "Stock", "WFC", "sec_exact"),
    ("Costco Wholesale Corporation", None, "Stock", "COST", "sec_alias"),
    ("U.S. Bancorp", None, "Stock", "USB", "sec_exact"),
    ("D.R. Horton, Inc.", None, "Stock", "DHI", "sec_alias"),
    ("J M Smucker Co.", None, "Stock", "SJM", "sec_exact"),
    ("Rollins, Inc. Common Stock", "ST", None, "ROL", "sec_alias"),
    ("GSK plc American Depositary Shares", "ST", None, "GSK", "sec_alias"),
    ("Planet Labs PBC Class A Common Stock", "ST", None, "PL", "sec_alias"),
    ("Roblox Corporation Class A", "ST", None, "RBLX", "sec_alias"),
    ("Salesforce, Inc.", "OP", None, "CRM", "sec_exact"),
    ("Comcast Corporation", None, "Stock", "CMCSA", "sec_alias"),
    ("T-Mobile US, Inc.", None, "Stock", "TMUS", "sec_exact"),
    ("Alexandria Real Estate Equities, Inc.", None, "Stock", "ARE", "sec_exact"),
    ("Apple Hospitality REIT, Inc.", "ST", None, "APLE", "sec_exact"),
    ("Berkshire Hathaway Inc. Class B", "ST", None, "BRK.B", "sec_class"),
    ("Heico Corp Class A", None, None, "HEI.A", "sec_class"),
    ("Rio Tinto Group", None, "Stock", "RIO", "sec_listed"),
    ("Target", None, "Stock", "TGT", "sec_listed"),
    # Share classes the name does not tell apart, and several companies of one name.
    ("Berkshire Hathaway Inc.", "ST", None, None, None),
    ("Alphabet Inc. - Class A", "ST", None, None, None),
    ("Alphabet", None, "Stock", None, None),
    # The false positives of earlier trackers, and kinds never guessed.
    ("Pineapple Energy Inc.", "ST", None, None, None),
    ("Meta Materials Inc", "ST", None, None, None),
    ("Meta", None, "Stock", None, None),
    ("Vanguard Target Retirement 2035 Fund", "MF", None, None, None),
    ("Vanguard Target Retirement 2035 Fund", None, None, None, None),
    ("US Treasury Note", "GS", None, None, None),
    ("US Treasury Note", None, None, None, None),
    ("US TREASU NOTE 4.375% DUE 12/15/26", None, None, None, None),
    ("Apple Inc.", "MF", None, None, None),
    ("Apple Inc.", None, "Mutual Fund", None, None),
    ("Apple Inc.", None, "Non-Public Stock", None, None),
    ("W.L. Gore &amp; Associates, Inc.", None, "Non-Public Stock", None, None),
    ("REOF XX, LLC", "AB", None, None, None),
    ("Alliance Bernstein Holding L.P. Units", "OL", None, None, None),
    ("Bitcoin", None, "Other", None, None),
    ("XLM", None, "Other", None, None),
    ("SP", None, None, None, None),
    ("ST", None, None, None, None),
    ("GS", None, None, None, None),
    ("Federal Farm Credit Bank 3133EMBH4", None, "Corporate Bond", None, None),
    ("Rental property, Austin TX", "RP", None, None, None),
    ("Simon Property Group", None, "Stock", None, None),
    ("", None, None, None, None),
    # Funds and trusts whose whole name is the title of one listed fund.
    ("SPDR S&P 500 ETF", None, "Stock", "SPY", "sec_exact_fund"),
    ("SPDR S&P 500 ETF Trust", "EF", None, "SPY", "sec_exact_fund"),
    ("SPDR Gold Shares", None, "Other Securities", "GLD", "sec_exact_fund"),
    ("SPDR Gold Trust", None, "Stock", "GLD", "sec_exact_fund"),
    ("Spdr Gold Trust", None, "Stock", "GLD", "sec_exact_fund"),
    ("Sprott Physical Gold and Silver Trust", None, "Stock", "CEF", "sec_exact_fund"),
    ("Lazard Global Total Return and Income Fund, Inc.", None, "Stock", "LGI",
     "sec_exact_fund"),
    ("Invesco QQQ Trust, Series 1", "EF", None, "QQQ", "sec_exact_fund"),
    ("Mesabi Trust", "ST", None, "MSB", "sec_exact_fund"),
    ("Altisource Portfolio Solutions S.A.", "ST", None, "ASPS", "sec_exact_fund"),
    # Funds never answered for: target-date and mutual funds, trusts of several funds,
    # funds listed on no exchange, funds holding what is never answered for, a name
    # that is not a fund's whole title, an exchange of two funds in one row.
    ("Vanguard Target Retirement 2035 Fund", "EF", None, None, None),
    ("Vanguard Target Retirement 2035 Fund", None, "Other Securities", None, None),
    ("Lazard Global Total Return and Income Fund, Inc.", "MF", None, None, None),
    ("SPDR S&P 500 ETF", None, "Mutual Fund", None, None),
    ("Spdr Gold Trust", None, "Other", None, None),
    ("ProShares Trust II", "EF", None, None, None),
    ("VS Trust", None, "Other Securities", None, None),
    ("Teucrium Commodity Trust", None, "Stock", None, None),
    ("Angel Oak Strategic Credit Fund", None, "Other Securities", None, None),
    ("Nuveen California Quality Municipal Income Fund", None, "Stock", None, None),
    ("iShares Bitcoin Trust ETF", "EF", None, None, None),
    ("Invesco QQQ Trust", "EF", None, None, None),
    ("Cohen & Steers Limited Duration Preferred and Inco", None, "Stock", None, None),
    ("LOR Lazard World Dividend and Income Fund (Exchanged) Lazard Global Total "
     "Return and Income Fund, Inc. (Received)", None, "Stock", None, None),
    ("Apple Inc.", None, "Other Securities", None, None),
    ("Northern Trust", None, "Stock", None, None),
    ("Smith Family Trust", None, None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "code", "asset_type", "ticker", "method"), RESOLUTIONS
)
def test_the_resolver_decides_on_the_real_sec_list(
    resolver: Resolver,
    name: str,
    code: str | None,
    asset_type: str | None,
    ticker: str | None,
    method: str | None,
) -> None:
    decision = resolver.resolve(name, type_code=code, asset_type=asset_type)

    assert (decision.ticker, decision.method) == (ticker, method)
    if ticker:
        assert decision.status == "resolved"
        assert decision.confidence is not None and 0.5 < decision.confidence < 1.0


def test_registers_outside_the_us_take_a_fund_only_by_its_exact_title(
    resolver: Resolver,
) -> None:
    exact = resolver.resolve("SPDR S&P 500 ETF TRUST", exact_only=True)
    shortened = resolver.resolve("SPDR S&P 500 ETF", exact_only=True)

    assert (exact.ticker, exact.method) == ("SPY", "sec_exact_fund")
    assert (shortened.ticker, shortened.status) == (None, "skipped")


@pytest.mark.parametrize(
    ("title", "expected"),
    [("SPDR S&P 500 ETF TRUST", "spdr s and p 500 etf"), ("SPDR Gold Shares", "spdr gold"),
     ("Sprott Physical Gold & Silver Trust", "sprott physical gold and silver"),
     ("LAZARD GLOBAL TOTAL RETURN & INCOME FUND INC",
      "lazard global total return and income fund"),
     ("Royce Micro-Cap Trust, Inc.", "royce micro cap"), ("Trust", "")],
)  # fmt: skip
def test_a_fund_name_leaves_out_its_legal_form(title: str, expected: str) -> None:
    assert fund_name(title) == expected


def test_ambiguous_names_list_their_candidates(resolver: Resolver) -> None:
    berkshire = resolver.resolve("Berkshire Hathaway Inc.")
    alphabet = resolver.resolve("Alphabet Inc. - Class A")

    assert berkshire.status == "ambiguous"
    assert set(berkshire.candidates) == {"BRK.A", "BRK.B"}
    assert set(alphabet.candidates) == {"GOOG", "GOOGL"}
    assert "does not say which" in (berkshire.reason or "")


def test_it_never_resolves_a_name_to_a_ticker_that_is_a_substring(
    resolver: Resolver,
) -> None:
    for name in ("Pineapple Energy", "Target Retirement 2035", "Apple Hospitality"):
        assert resolver.resolve(name).ticker not in {"AAPL", "TGT"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("The Walt Disney Company", "walt disney"), ("WALT DISNEY CO", "walt disney"),
     ("COSTCO WHOLESALE CORP /NEW", "costco wholesale"), ("US BANCORP \\DE\\", "us bancorp"),
     ("Alphabet Inc. - Class A", "alphabet"), ("Novo Nordisk A/S", "novo nordisk"),
     ("NOVO NORDISK A S", "novo nordisk"), ("AT&T INC.", "at and t"),
     ("Lowe's Companies, Inc.", "lowes"), ("Inc.", "")],
)  # fmt: skip
def test_it_normalizes_company_names(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


def _securities(*rows: tuple[str, int, str | None]) -> list[Security]:
    return [
        Security(ticker=t, cik=cik, title="X", exchange=ex, position=i)
        for i, (t, cik, ex) in enumerate(rows)
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [((("JPM", 1, "NYSE"), ("JPM.PC", 1, "NYSE"), ("VYLD", 1, "NYSE")), ["JPM"]),
     ((("GOOGL", 1, "Nasdaq"), ("GOOG", 1, "Nasdaq")), ["GOOGL", "GOOG"]),
     ((("BRK.B", 1, "NYSE"), ("BRK.A", 1, "NYSE")), ["BRK.B", "BRK.A"]),
     ((("TMUS", 1, "Nasdaq"), ("TMUSI", 1, "Nasdaq"), ("TMUSL", 1, "Nasdaq")), ["TMUS"]),
     ((("DUK", 1, "NYSE"), ("DUKH", 1, "Nasdaq"), ("DUKB", 1, "NYSE")), ["DUK"]),
     ((("ASML", 1, "Nasdaq"), ("ASMLF", 1, "OTC")), ["ASML"]),
     ((("LWAC", 1, None), ("LWACU", 1, "Nasdaq")), ["LWAC"]),
     ((("OAK.PA", 1, "NYSE"), ("OAK.PB", 1, "NYSE")), []),
     ((("LBRDK", 1, "Nasdaq"), ("LBRDA", 1, "Nasdaq")), ["LBRDK", "LBRDA"])],
)  # fmt: skip
def test_a_company_answers_with_its_primary_listing_and_share_classes(
    rows: tuple[tuple[str, int, str | None], ...], expected: list[str]
) -> None:
    assert [s.ticker for s in common_listings(_securities(*rows))] == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [((("SVIX", 1, "CBOE"), ("UVIX", 1, "CBOE")), ["SVIX", "UVIX"]),
     ((("FRT", 1, "NYSE"), ("FRT.PC", 1, "NYSE")), ["FRT"]),
     ((("GSG", 1, "NYSE"), ("ISMCF", 1, "OTC")), ["GSG"]),
     ((("PDSRX", 1, None), ("PDSKX", 1, None)), ["PDSRX", "PDSKX"])],
)  # fmt: skip
def test_a_trust_of_several_funds_keeps_each_fund_as_a_line(
    rows: tuple[tuple[str, int, str | None], ...], expected: list[str]
) -> None:
    assert [s.ticker for s in common_lines(_securities(*rows))] == expected


# --- the list --------------------------------------------------------------------------


def test_it_reads_both_sec_files_in_the_sec_order(
    sec_files: tuple[bytes, bytes],
) -> None:
    securities = parse_sec_files(*sec_files)
    by_ticker = {s.ticker: s for s in securities}

    assert [s.ticker for s in securities[:3]] == ["NVDA", "MSFT", "AAPL"]
    assert len(securities) > 10_000
    assert by_ticker["BRK.B"].exchange == "NYSE"
    assert by_ticker["BRK.B"].cik == 1067983
    assert by_ticker["GOOGL"].position < by_ticker["GOOG"].position


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<html>Undeclared Automated Tool</html>", "not JSON"), (b"[]", "numbered"),
     (b"{}", "numbered")],
)  # fmt: skip
def test_it_rejects_a_sec_file_it_cannot_read(body: bytes, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        parse_sec_files(body, None)


def test_the_bundled_copy_is_the_shipped_sec_list(
    sec_files: tuple[bytes, bytes],
) -> None:
    data = Path(__file__).resolve().parents[1] / "ptt" / "data"

    assert (
        gzip.decompress((data / "company_tickers.json.gz").read_bytes())
        == (sec_files[0])
    )
    assert len(bundled_securities()) == len(parse_sec_files(*sec_files))


def test_an_empty_securities_table_gets_the_bundled_list_once(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")

    first = ensure_securities(conn)
    second = ensure_securities(conn)

    sources = {r[0] for r in conn.execute("SELECT DISTINCT source FROM securities")}
    assert first == second > 10_000
    assert sources == {"bundled"}


def _sec_transport(
    sec_files: tuple[bytes, bytes], seen: list[httpx.Request], status: int = 200
) -> httpx.MockTransport:
    bodies = {
        "/files/company_tickers.json": sec_files[0],
        "/files/company_tickers_exchange.json": sec_files[1],
    }

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = bodies.get(request.url.path)
        if body is None:
            return httpx.Response(404)
        return httpx.Response(status, content=body if status == 200 else b"denied")

    return httpx.MockTransport(handle)


def test_refresh_replaces_the_list_with_the_sec_download(
    tmp_path: Path, sec_files: tuple[bytes, bytes]
) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    ensure_securities(conn)
    settings = load_settings(
        tmp_path / "ptt.db",
        env={"PTT_SEC_BASE_URL": "https://sec.test/", "PTT_CONTACT": "a@b.example"},
    )
    seen: list[httpx.Request] = []

    result = refresh_securities(
        conn, settings, transport=_sec_transport(sec_files, seen)
    )

    assert [r.url.path for r in seen] == [
        "/files/company_tickers.json",
        "/files/company_tickers_exchange.json",
    ]
    assert all("a@b.example" in r.headers["User-Agent"] for r in seen)
    assert result.tickers > 10_000
    row = conn.execute(
        "SELECT source, exchange, position FROM securities WHERE ticker = 'AAPL'"
    ).fetchone()
    assert tuple(row) == ("sec", "Nasdaq", 2)
    assert conn.execute("SELECT COUNT(*) FROM securities").fetchone()[0] == (
        result.tickers
    )


def test_a_refused_refresh_keeps_the_stored_list(
    tmp_path: Path, sec_files: tuple[bytes, bytes]
) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    ensure_securities(conn)
    settings = load_settings(tmp_path / "ptt.db", env={})

    with pytest.raises(BlockedError, match="PTT_CONTACT"):
        refresh_securities(
            conn, settings, transport=_sec_transport(sec_files, [], status=403)
        )

    assert {r[0] for r in conn.execute("SELECT DISTINCT source FROM securities")} == {
        "bundled"
    }


# --- the backfill ----------------------------------------------------------------------


SOURCES = ("us-house", "us-senate", "uk-parliament")


def _database(tmp_path: Path, rows: list[dict[str, Any]]) -> sqlite3.Connection:
    """Return a database holding one filing per source with the given rows."""
    conn = db.connect(tmp_path / "ptt.db")
    conn.execute(
        "INSERT INTO politicians (id, full_name, identity_key) "
        "VALUES (1, 'Jane Doe', 'us|doe|jane')"
    )
    for number, source in enumerate(SOURCES, start=1):
        conn.execute(
            "INSERT INTO data_sources (id, name) VALUES (?, ?)", (source, source)
        )
        conn.execute(
            "INSERT INTO filings (id, source_id, doc_id, politician_id, parse_status) "
            "VALUES (?, ?, ?, 1, 'parsed')",
            (number, source, f"doc-{number}"),
        )
    for row_number, row in enumerate(rows, start=1):
        filing = SOURCES.index(row.get("source", "us-house")) + 1
        conn.execute(
            "INSERT INTO trading_disclosures (politician_id, filing_id, row_number, "
            "asset_name, asset_ticker, ticker_source, ticker_confidence, "
            "asset_type_code, asset_type, asset_cusip) VALUES (1,?,?,?,?,?,?,?,?,?)",
            (
                filing,
                row_number,
                row["name"],
                row.get("ticker"),
                "document" if row.get("ticker") else None,
                1.0 if row.get("ticker") else None,
                row.get("code"),
                row.get("type"),
                row.get("cusip"),
            ),
        )
    return conn


ROWS = [
    {"name": "Apple Inc.", "code": "ST"},
    {"name": "Netflix, Inc.", "code": "ST", "ticker": "NFLX"},
    {"name": "Alphabet Inc. - Class A", "code": "ST"},
    {"name": "US TREASURY NOTE 4.25% DUE 12/31/25", "code": "GS", "cusip": "91282CJS1"},
    {"name": "Vanguard Target Retirement 2035 Fund", "code": "MF"},
    {"name": "Pineapple Energy Inc.", "code": "ST"},
    {"name": "The Boeing Company", "type": "Stock", "source": "us-senate"},
    {"name": "Berkshire Hathaway Inc.", "type": "Stock", "source": "us-senate"},
]


def _tickers(conn: sqlite3.Connection) -> dict[str, tuple[Any, ...]]:
    return {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            "SELECT asset_name, asset_ticker, ticker_source, ticker_confidence "
            "FROM trading_disclosures"
        )
    }


def test_the_backfill_resolves_what_it_can_and_records_how(tmp_path: Path) -> None:
    conn = _database(tmp_path, ROWS)

    result = backfill_tickers(conn, batch_size=3)

    tickers = _tickers(conn)
    assert tickers["Apple Inc."] == ("AAPL", "sec_exact", 0.97)
    assert tickers["The Boeing Company"] == ("BA", "sec_alias", 0.9)
    assert tickers["Netflix, Inc."] == ("NFLX", "document", 1.0)
    for name in ("Alphabet Inc. - Class A", "Pineapple Energy Inc.",
                 "Vanguard Target Retirement 2035 Fund", "Berkshire Hathaway Inc."):  # fmt: skip
        assert tickers[name] == (None, None, None)
    assert (result.rows_examined, result.resolved, result.ambiguous) == (7, 2, 2)
    assert (result.unresolved, result.skipped, result.batches) == (3, 2, 3)
    assert result.by_method == {"sec_exact": 1, "sec_alias": 1}
    trace = conn.execute(
        "SELECT method, cik, sec_title, securities_source FROM ticker_resolutions "
        "WHERE ticker = 'BA'"
    ).fetchone()
    assert tuple(trace) == ("sec_alias", 12927, "BOEING CO", "bundled")


def test_the_backfill_gives_a_listed_fund_its_ticker_with_the_fund_method(
    tmp_path: Path,
) -> None:
    conn = _database(
        tmp_path,
        [
            {"name": "SPDR S&P 500 ETF", "type": "Stock", "source": "us-senate"},
            {"name": "SPDR Gold Shares", "type": "Other Securities"},
            {"name": "Vanguard Target Retirement 2035 Fund", "code": "EF"},
        ],
    )

    result = backfill_tickers(conn)

    tickers = _tickers(conn)
    assert tickers["SPDR S&P 500 ETF"] == ("SPY", "sec_exact_fund", 0.85)
    assert tickers["SPDR Gold Shares"] == ("GLD", "sec_exact_fund", 0.85)
    assert tickers["Vanguard Target Retirement 2035 Fund"] == (None, None, None)
    assert (result.resolved, result.skipped) == (2, 1)
    trace = conn.execute(
        "SELECT method, sec_title FROM ticker_resolutions WHERE ticker = 'SPY'"
    ).fetchone()
    assert tuple(trace) == ("sec_exact_fund", "SPDR S&P 500 ETF TRUST")


def test_the_backfill_is_idempotent(tmp_path: Path) -> None:
    conn = _database(tmp_path, ROWS)
    backfill_tickers(conn)
    before = (
        _tickers(conn),
        conn.execute("SELECT * FROM ticker_resolutions").fetchall(),
    )

    again = backfill_tickers(conn)

    after = (
        _tickers(conn),
        conn.execute("SELECT * FROM ticker_resolutions").fetchall(),
    )
    assert [tuple(r) for r in after[1]] == [tuple(r) for r in before[1]]
    assert after[0] == before[0]
    assert (again.rows_examined, again.resolved, again.ambiguous) == (5, 0, 2)


def test_registers_outside_the_us_take_only_exact_sec_names(tmp_path: Path) -> None:
    conn = _database(
        tmp_path,
        [
            {"name": "BP PLC", "type": "Shareholding", "source": "uk-parliament"},
            {"name": "Apple Ltd", "type": "Shareholding", "source": "uk-parliament"},
            {"name": "Apple Ltd", "type": "Stock", "source": "us-senate"},
        ],
    )

    backfill_tickers(conn)

    rows = conn.execute(
        "SELECT f.source_id, d.asset_ticker FROM trading_disclosures d "
        "JOIN filings f ON f.id = d.filing_id ORDER BY d.id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("uk-parliament", "BP"),
        ("uk-parliament", None),
        ("us-senate", "AAPL"),
    ]


def test_a_dry_run_counts_and_writes_nothing(tmp_path: Path) -> None:
    conn = _database(tmp_path, ROWS)

    result = backfill_tickers(conn, dry_run=True)

    assert (result.resolved, result.ambiguous, result.dry_run) == (2, 2, True)
    assert _tickers(conn)["Apple Inc."] == (None, None, None)
    assert conn.execute("SELECT COUNT(*) FROM ticker_resolutions").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM securities").fetchone()[0] == 0


def test_the_backfill_keeps_to_its_source_and_limit(tmp_path: Path) -> None:
    conn = _database(tmp_path, ROWS)

    senate = backfill_tickers(conn, source="us-senate")
    limited = backfill_tickers(conn, limit=2)

    assert (senate.rows_examined, senate.resolved) == (2, 1)
    assert (limited.rows_examined, limited.resolved) == (2, 1)
    assert _tickers(conn)["The Boeing Company"][0] == "BA"


def test_review_lists_ambiguous_rows_and_set_answers_them(tmp_path: Path) -> None:
    conn = _database(tmp_path, ROWS)
    backfill_tickers(conn)

    listed = ambiguous_rows(conn)
    alphabet = next(r for r in listed if r["asset_name"].startswith("Alphabet"))
    change = set_ticker(conn, alphabet["disclosure_id"], "googl", user="editor")

    assert [r["asset_name"] for r in listed] == [
        "Alphabet Inc. - Class A",
        "Berkshire Hathaway Inc.",
    ]
    assert alphabet["candidates"] == "GOOGL, GOOG"
    assert change["ticker"] == "GOOGL" and change["sec_title"] == "Alphabet Inc."
    assert _tickers(conn)["Alphabet Inc. - Class A"] == ("GOOGL", "manual", 1.0)
    assert [r["asset_name"] for r in ambiguous_rows(conn)] == [
        "Berkshire Hathaway Inc."
    ]
    decided = conn.execute(
        "SELECT status, decided_by FROM ticker_resolutions WHERE ticker = 'GOOGL'"
    ).fetchone()
    assert tuple(decided) == ("manual", "editor")


def test_a_manual_answer_comes_back_after_a_reparse_empties_the_ticker(
    tmp_path: Path,
) -> None:
    conn = _database(tmp_path, ROWS)
    row_id = conn.execute(
        "SELECT id FROM trading_disclosures WHERE asset_name LIKE 'Berkshire%'"
    ).fetchone()[0]
    set_ticker(conn, row_id, "BRK.B")
    conn.execute(
        "UPDATE trading_disclosures SET asset_ticker = NULL, ticker_source = NULL, "
        "ticker_confidence = NULL WHERE id = ?",
        (row_id,),
    )

    result = backfill_tickers(conn)

    assert result.manual_reapplied == 1
    assert _tickers(conn)["Berkshire Hathaway Inc."] == ("BRK.B", "manual", 1.0)


@pytest.mark.parametrize(
    ("disclosure", "ticker", "message"),
    [(1, "not a ticker", "is not a ticker"), (999, "AAPL", "no disclosure with id 999"),
     (2, "NFLY", "states the ticker NFLX in its document")],
)  # fmt: skip
def test_set_refuses_bad_answers(
    tmp_path: Path, disclosure: int, ticker: str, message: str
) -> None:
    conn = _database(tmp_path, ROWS)

    with pytest.raises(UsageError, match=message):
        set_ticker(conn, disclosure, ticker)

    assert _tickers(conn)["Netflix, Inc."] == ("NFLX", "document", 1.0)


def test_backfill_results_give_collection_style_metrics() -> None:
    result = BackfillResult(rows_examined=5, resolved=2, unresolved=2, ambiguous=1)

    metrics = result.as_dict()

    assert json.loads(json.dumps(metrics)) == metrics
    assert (metrics["records_found"], metrics["records_updated"]) == (5, 2)


def test_a_version_1_database_migrates_to_the_tickers_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    old.execute("PRAGMA user_version = 1")
    old.close()

    conn = db.connect(path)
    ensure_securities(conn)

    columns = {r[1] for r in conn.execute("PRAGMA table_info(securities)")}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "position" in columns
    assert "ticker_resolutions" in tables
    assert (
        conn.execute(
            "SELECT position FROM securities WHERE ticker = 'AAPL'"
        ).fetchone()[0]
        == 2
    )
