"""Time the common questions over a million synthetic but plausible trades.

Fills a fresh database (the real schema) with a few hundred politicians, several thousand
filings and ``--rows`` trades (default 1,000,000), then times each question as ``ptt``
asks it through ``ptt.query``, and a few plain SQL queries on the views as a person with
an SQLite client would write them. Prints one line per question: the median of
``--repeat`` runs, wall-clock and CPU milliseconds (CPU time says more on a busy machine).

The rows follow the shapes of the real sources: a heavy-tailed number of trades per
politician, tickers drawn from a Zipf law (most House rows state none), the federal amount
bands with small ones common and "Over $50,000,000" rare, and disclosure delays that are
mostly inside the 45-day clock with a long late tail. The data is synthetic: it is made
for timing and never written to a real database.

    python benchmarks/bench_query.py [--rows N] [--repeat N] [--db PATH [--reuse]]
                                     [--markdown]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ptt import db, output, query


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "James John Robert Michael William David Richard Joseph Thomas Charles Mary "
    "Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa "
    "Daniel Mark Donald Steven Paul Andrew Kevin Brian George Edward Ronald Timothy "
    "Jason Jeffrey Ryan Jacob Gary Nicholas Eric Stephen Jonathan Larry Justin Scott "
    "Raúl Nydia José María Ángel Verónica Chloé Zoë Dan Ro Tina Debbie Mikie"
)
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez "
    "Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee "
    "Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young "
    "Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall "
    "Rivera Campbell Mitchell Carter Roberts Pelosi McCaul Greene Gottheimer Khanna "
    "Velázquez Grijalva Boozman Sullivan Tuberville Whitehouse Wyden Aderholt "
    "O'Rourke McGuire Díaz-Balart Sánchez Peña Muñoz Núñez Castañeda Ibáñez Çelik "
    "Fitzgerald Kowalski Nakamura Okafor Haddad Schultz Duarte Brennan Gallagher"
)
STATES = _words(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT "
    "NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
)
POPULAR = _words(
    "MSFT AAPL NVDA AMZN GOOGL META TSLA BRK.B JPM V UNH XOM JNJ PG MA HD CVX ABBV "
    "MRK PEP KO AVGO COST WMT DIS BAC CSCO ADBE CRM NFLX AMD INTC QCOM TXN ORCL IBM "
    "PFE T VZ CMCSA NKE MCD SBUX BA CAT DE GE HON LMT RTX NOC GD UPS FDX WFC C GS MS "
    "BLK SCHW AXP PYPL SQ UBER ABNB SHOP PLTR SNOW PANW CRWD NOW INTU AMAT MU LRCX "
    "KLAC ASML TSM BABA SPY QQQ IWM VTI VOO GLD SLV XLE XLF ARKK COIN MSTR RBLX"
)
UNTICKERED = (
    "United States Treasury Note 4.25% 2027",
    "US Treasury Bill 0.0% 2026",
    "Vanguard Total Bond Market Index Fund Admiral Shares",
    "Fidelity Contrafund",
    "Municipal Bond - State of California GO 5% 2031",
    "Brokerage cash sweep account",
    "Private equity fund LP interest",
    "Rental property, residential",
    "529 college savings plan",
    "Corporate bond 3.75% 2030",
)
BANDS = (  # (min, max or None for open-ended, text, weight)
    (1001, 15000, "$1,001 - $15,000", 620),
    (15001, 50000, "$15,001 - $50,000", 200),
    (50001, 100000, "$50,001 - $100,000", 80),
    (100001, 250000, "$100,001 - $250,000", 50),
    (250001, 500000, "$250,001 - $500,000", 25),
    (500001, 1000000, "$500,001 - $1,000,000", 15),
    (1000001, 5000000, "$1,000,001 - $5,000,000", 7),
    (5000001, 25000000, "$5,000,001 - $25,000,000", 2),
    (25000001, 50000000, "$25,000,001 - $50,000,000", 1),
    (50000001, None, "Over $50,000,000", 1),
)
TYPES = (("purchase", 52), ("sale_full", 18), ("sale_partial", 20), ("sale", 5),
         ("exchange", 5))  # fmt: skip
OWNERS = (("self", 30), ("spouse", 35), ("joint", 25), ("dependent", 5), (None, 5))
FIRST_DAY = dt.date(2014, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)


def _tickers(rng: random.Random, count: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    extra: set[str] = set()
    while len(extra) < count - len(POPULAR):
        extra.add("".join(rng.choice(letters) for _ in range(rng.choice((3, 4, 4)))))
    return POPULAR + sorted(extra - set(POPULAR))


def _politicians(rng: random.Random, count: int) -> list[tuple[Any, ...]]:
    seen: set[str] = set()
    rows = []
    while len(rows) < count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if f"{first} {last}" in seen:
            continue
        seen.add(f"{first} {last}")
        senate = rng.random() < 0.2
        state = rng.choice(STATES)
        party = rng.choices(("D", "R", "I"), (48, 50, 2))[0]
        district = None if senate else f"{state}{rng.randint(1, 20):02d}"
        rows.append((
            len(rows) + 1, f"{first} {last}", first, last,
            "Senator" if senate else "Representative", party, state, district,
            "senate" if senate else "house",
            f"us-{'senate' if senate else 'house'}:{last.lower()}:{first.lower()}",
        ))  # fmt: skip
    return rows


def fill(path: Path, rows: int, seed: int = 7) -> dict[str, Any]:
    """Create the database at path with synthetic data and return what went in."""
    rng = random.Random(seed)
    conn = db.connect(path)
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("BEGIN")

    conn.executemany(
        "INSERT INTO data_sources (id, name, last_pull_at, last_success_at, "
        "last_status) VALUES (?, ?, ?, ?, 'success')",
        [("us-house", "US House Clerk", "2026-01-02T06:00:00Z", "2026-01-02T06:00:00Z"),
         ("us-senate", "US Senate eFD", "2026-01-02T06:10:00Z", "2026-01-02T06:10:00Z")],
    )  # fmt: skip
    people = _politicians(rng, 450)
    conn.executemany(
        "INSERT INTO politicians (id, full_name, first_name, last_name, role, party, "
        "state_country, district, chamber, identity_key) VALUES (?,?,?,?,?,?,?,?,?,?)",
        people,
    )
    activity = [rng.lognormvariate(0, 1.2) for _ in people]

    filings = []
    span = (LAST_DAY - FIRST_DAY).days
    for number in range(8000):
        person = rng.choices(people, activity)[0]
        source = "us-senate" if person[8] == "senate" else "us-house"
        filed = FIRST_DAY + dt.timedelta(days=rng.randint(60, span))
        status = rng.choices(("parsed", "needs_ocr", "failed"), (970, 22, 8))[0]
        doc_id = f"{20000000 + number}" if source == "us-house" else f"{number:08x}-ptr"
        url = (
            f"https://disclosures-clerk.house.gov/public_disc/ptr-pdfs/{filed.year}/{doc_id}.pdf"
            if source == "us-house"
            else f"https://efdsearch.senate.gov/search/view/ptr/{doc_id}/"
        )
        filings.append((number + 1, source, doc_id, person[0], filed.isoformat(),
                        filed.year, url, status))  # fmt: skip
    conn.executemany(
        "INSERT INTO filings (id, source_id, doc_id, politician_id, filing_date, year, "
        "url, parse_status, filing_type) VALUES (?,?,?,?,?,?,?,?,'P')",
        filings,
    )

    parsed = [f for f in filings if f[7] == "parsed"]
    weights = [rng.lognormvariate(0, 1.3) for _ in parsed]
    scale = rows / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    counts[counts.index(max(counts))] += rows - sum(counts)

    index_sql = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'trading_disclosures' AND sql IS NOT NULL"
        )
    ]
    for name in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'trading_disclosures' AND sql IS NOT NULL"
    ).fetchall():
        conn.execute(f"DROP INDEX {name[0]}")

    tickers = _tickers(rng, 1800)
    zipf = [1 / (rank + 1) ** 1.1 for rank in range(len(tickers))]
    conn.executemany(
        "INSERT INTO trading_disclosures (politician_id, filing_id, row_number, "
        "transaction_date, notification_date, disclosure_date, owner, asset_name, "
        "asset_ticker, ticker_source, transaction_type, amount_range_min, "
        "amount_range_max, amount_text, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        _disclosures(rng, parsed, counts, tickers, zipf),
    )
    for sql in index_sql:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return {"politicians": len(people), "filings": len(filings), "rows": rows}


def _disclosures(
    rng: random.Random,
    filings: list[tuple[Any, ...]],
    counts: list[int],
    tickers: list[str],
    zipf: list[float],
) -> Iterator[tuple[Any, ...]]:
    band_weights = [band[3] for band in BANDS]
    type_names, type_weights = zip(*TYPES, strict=True)
    owner_names, owner_weights = zip(*OWNERS, strict=True)
    for filing, count in zip(filings, counts, strict=True):
        filing_id, source, politician_id, filed = (
            filing[0],
            filing[1],
            filing[3],
            filing[4],
        )
        filed_on = dt.date.fromisoformat(filed)
        house = source == "us-house"
        ticker_share = 0.35 if house else 0.75
        # Most filings meet the clocks; some are late by weeks, a few by years.
        lateness = rng.random()
        on_time = 30 if house else 45
        picked_tickers = rng.choices(tickers, zipf, k=count)
        bands = rng.choices(BANDS, band_weights, k=count)
        types = rng.choices(type_names, type_weights, k=count)
        owners = rng.choices(owner_names, owner_weights, k=count)
        for row in range(count):
            if lateness < 0.88:
                after = rng.randint(1, on_time)
            elif lateness < 0.97:
                after = rng.randint(on_time + 1, 200)
            else:
                after = rng.randint(201, 900)
            # House rows: the filer learns of most trades within days, some much later.
            lag = 0
            if house:
                lag = rng.randint(0, 3) if rng.random() < 0.95 else rng.randint(4, 60)
            notified_on = filed_on - dt.timedelta(days=after)
            traded = notified_on - dt.timedelta(days=lag)
            notified = notified_on.isoformat() if house else None
            if rng.random() < ticker_share:
                ticker = picked_tickers[row]
                asset = f"{ticker} Common Stock"
            else:
                ticker = None
                asset = rng.choice(UNTICKERED)
            low, high, text, _ = bands[row]
            yield (
                politician_id, filing_id, row + 1, traded.isoformat(), notified, filed,
                owners[row], asset, ticker, "document" if ticker else None, types[row],
                low, high, text, "amended" if rng.random() < 0.015 else "active",
            )  # fmt: skip


def _median_ms(action: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Return the median wall and CPU milliseconds of the action, and its result."""
    walls, cpus = [], []
    result: Any = None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), result


def _size(result: Any) -> str:
    if isinstance(result, list):
        return f"{len(result)} rows"
    if isinstance(result, int):
        return f"{result:,} rows"
    return ""


def main(argv: list[str] | None = None) -> int:
    """Fill the database, time the questions, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the database at this path")
    parser.add_argument(
        "--reuse", action="store_true", help="time the database at --db as it is"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the figures as a table"
    )
    args = parser.parse_args(argv)

    folder = tempfile.TemporaryDirectory()
    path = args.db or Path(folder.name) / "bench.db"
    if not (args.reuse and path.exists()):
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        filled = fill(path, args.rows)
        print(
            f"filled {filled['rows']:,} trades, {filled['filings']:,} filings, "
            f"{filled['politicians']} politicians in "
            f"{time.perf_counter() - started:.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB)"
        )
    line = (
        "| {} | {:.1f} ms | {:.1f} ms | {} |"
        if args.markdown
        else "{:<58} {:9.1f} ms {:9.1f} ms cpu  {}"
    )
    if args.markdown:
        print("| question | wall | CPU | answer |\n| --- | ---: | ---: | --- |")

    conn = db.connect(path)
    busiest = conn.execute(
        "SELECT p.full_name FROM politicians p JOIN trading_disclosures td "
        "ON td.politician_id = p.id GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    shared, sharing = conn.execute(
        "SELECT last_name, COUNT(*) FROM politicians GROUP BY last_name "
        "ORDER BY COUNT(*) DESC, last_name LIMIT 1"
    ).fetchone()
    year_ago = dt.date(2025, 1, 1)
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("trades --politician (100 newest)",
         lambda: list(query.trades(conn, query.Filter(politician=busiest), limit=100))),
        (f"trades --politician LAST (one name, {sharing} people; 100 newest)",
         lambda: list(query.trades(conn, query.Filter(politician=shared), limit=100))),
        ("trades --politician (all of the busiest)",
         lambda: sum(1 for _ in query.trades(conn, query.Filter(politician=busiest)))),
        ("trades --ticker NVDA (100 newest)",
         lambda: list(query.trades(conn, query.Filter(ticker="NVDA"), limit=100))),
        ("trades --since/--until one month (100 newest)",
         lambda: list(query.trades(conn, query.Filter(since=dt.date(2024, 3, 1),
                      until=dt.date(2024, 3, 31)), limit=100))),
        ("trades --since/--until one month (all)",
         lambda: sum(1 for _ in query.trades(conn, query.Filter(
             since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 31))))),
        ("trades --party D --ticker AAPL --since 2025",
         lambda: list(query.trades(conn, query.Filter(party="D", ticker="AAPL",
                      since=year_ago), limit=100))),
        ("trades --min-amount 1000001 (100 newest)",
         lambda: list(query.trades(conn, query.Filter(min_amount=1000001), limit=100))),
        ("SQL: trades view, one ticker, 100 newest",
         lambda: conn.execute(
             "SELECT * FROM trades WHERE ticker = 'NVDA' AND status = 'active' "
             "ORDER BY transaction_date DESC LIMIT 100").fetchall()),
        ("late (per politician and total)", lambda: query.late_summary(conn)),
        ("late --list (100 longest)",
         lambda: list(query.late_trades(conn, limit=100))),
        ("SQL: SELECT COUNT(*) FROM late_filings",
         lambda: conn.execute("SELECT COUNT(*) FROM late_filings").fetchone()[0]),
        ("tickers top (all time)", lambda: query.top_tickers(conn)),
        ("tickers top --since 2025",
         lambda: query.top_tickers(conn, query.Filter(since=year_ago))),
        ("tickers top --by volume", lambda: query.top_tickers(conn, by="volume")),
        ("SQL: ticker_activity, top 20",
         lambda: conn.execute("SELECT * FROM ticker_activity ORDER BY trades DESC "
                              "LIMIT 20").fetchall()),
        ("stats", lambda: query.stats(conn)),
        ("politicians (all, with counts)", lambda: query.politicians(conn)),
        ("politicians show", lambda: query.politician_detail(conn, busiest)),
    ]  # fmt: skip
    for label, action in checks:
        wall, cpu, result = _median_ms(action, args.repeat)
        print(line.format(label, wall, cpu, _size(result)))

    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    # What `ptt export --format csv --include-amended` runs, written to /dev/null.
    with open(os.devnull, "w", encoding="utf-8") as sink:
        exported = output.write_stream(
            query.trades(conn, query.Filter(include_amended=True)),
            "csv",
            query.TRADE_COLUMNS,
            sink,
        )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(line.format("export, every row as CSV (streamed, once)", wall * 1000,
                      cpu * 1000, f"{exported:,} rows"))  # fmt: skip
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory of the process: {peak_before / 1024:.0f} MB before the export, "
          f"{peak_after / 1024:.0f} MB after it")  # fmt: skip
    conn.close()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
