"""Benchmark the ticker resolver: precision, recall and speed, and a 100,000-row backfill.

The labelled set is every Senate Stock Watcher row of the fixtures whose ticker is
stated: asset description -> stated ticker. Precision counts resolved rows whose ticker
is the stated one; recall counts, among rows whose stated ticker is in the SEC list, the
rows resolved to it (also shown for rows the resolver may answer for, i.e. without the
kinds it never guesses). ``--show-answers`` lists every answer the resolver gives for a
name whose ticker its document does not state, in every fixture (House PDFs, Senate
pages, Stock Watcher, California, Integrity Watch, the UK interest), for a person to
check. The backfill builds a database of 100,000 rows without a ticker, their names
drawn from the House PDFs, Senate pages, Stock Watcher and California, and times
``backfill_tickers`` on it, then a second, idempotent run.

    python benchmarks/bench_tickers.py [--rows 100000] [--show-misses] [--show-answers]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ptt import db  # noqa: E402
from ptt.model import Transaction  # noqa: E402
from ptt.parsing.california import parse_form700_csv  # noqa: E402
from ptt.parsing.eu_parliament import parse_integritywatch  # noqa: E402
from ptt.parsing.house import parse_house_ptr  # noqa: E402
from ptt.parsing.senate import parse_senate_ptr  # noqa: E402
from ptt.parsing.stock_watcher import parse_senate_stock_watcher  # noqa: E402
from ptt.parsing.uk_parliament import interest_to_document  # noqa: E402
from ptt.securities import (  # noqa: E402
    EXACT_ONLY_SOURCES,
    Resolver,
    backfill_tickers,
    bundled_securities,
    ensure_securities,
)
from tests.conftest import FIXTURES  # noqa: E402

Row = tuple[str, str | None, str | None]  # name, type code, asset type


def labelled_rows() -> list[tuple[str, str, str | None]]:
    """Return (asset description, stated ticker, asset type) of Stock Watcher rows."""
    rows = []
    for path in sorted((FIXTURES / "aggregated").glob("senate_stock_watcher_*.json")):
        for document in parse_senate_stock_watcher(path.read_bytes()):
            for t in document.transactions:
                if t.asset_ticker and t.asset_name:
                    rows.append((t.asset_name, t.asset_ticker, t.asset_type))
    return rows


def fixture_names() -> list[Row]:
    """Return the asset names of every fixture, as they would reach the backfill."""
    names: list[Row] = []
    for path in sorted((FIXTURES / "aggregated").glob("senate_stock_watcher_*.json")):
        for document in parse_senate_stock_watcher(path.read_bytes()):
            names += [
                (t.asset_name or "", None, t.asset_type) for t in document.transactions
            ]
    for path in sorted((FIXTURES / "us_senate").glob("ptr_*.html")):
        document = parse_senate_ptr(path.read_bytes(), url=path.name)
        names += [
            (t.asset_name or "", None, t.asset_type) for t in document.transactions
        ]
    csv_path = FIXTURES / "california" / "form700_schedule_a1_first300.csv"
    for document in parse_form700_csv(csv_path.read_bytes()):
        names += [
            (t.asset_name or "", None, t.asset_type) for t in document.transactions
        ]
    for path in sorted((FIXTURES / "us_house" / "ptr-pdfs").glob("2*.pdf")):
        document = parse_house_ptr(path.read_bytes(), doc_id=path.stem)
        names += [
            (t.asset_name or "", t.asset_type_code, None) for t in document.transactions
        ]
    return names


def fixture_transactions() -> list[tuple[str, Transaction]]:
    """Return (source, transaction) of every fixture with asset names."""
    found: list[tuple[str, Transaction]] = []
    for path in sorted((FIXTURES / "aggregated").glob("senate_stock_watcher_*.json")):
        for document in parse_senate_stock_watcher(path.read_bytes()):
            found += [("stock-watcher", t) for t in document.transactions]
    for path in sorted((FIXTURES / "us_senate").glob("ptr_*.html")):
        document = parse_senate_ptr(path.read_bytes(), url=path.name)
        found += [("us-senate", t) for t in document.transactions]
    for path in sorted((FIXTURES / "us_house" / "ptr-pdfs").glob("2*.pdf")):
        document = parse_house_ptr(path.read_bytes(), doc_id=path.stem)
        found += [("us-house", t) for t in document.transactions]
    csv_path = FIXTURES / "california" / "form700_schedule_a1_first300.csv"
    for document in parse_form700_csv(csv_path.read_bytes()):
        found += [("california", t) for t in document.transactions]
    eu_path = (
        FIXTURES / "eu_parliament" / "integritywatch_declarations_leg9_first60.json"
    )
    for document in parse_integritywatch(eu_path.read_bytes(), warn_unnamed=False):
        found += [("eu-parliament", t) for t in document.transactions]
    uk_path = FIXTURES / "uk_parliament" / "interests_api_v1_Interests_12880.json"
    document = interest_to_document(json.loads(uk_path.read_bytes()))
    found += [("uk-parliament", t) for t in document.transactions]
    return found


def show_answers(resolver: Resolver) -> None:
    """Print every answer for a name whose ticker its document does not state."""
    outcomes: Counter[tuple[str, str]] = Counter()
    answers: dict[tuple[str, str, str | None, str | None], str] = {}
    for source, t in fixture_transactions():
        if t.asset_ticker:
            continue
        decision = resolver.resolve(
            t.asset_name,
            type_code=t.asset_type_code,
            asset_type=t.asset_type,
            cusip=t.asset_cusip,
            exact_only=source in EXACT_ONLY_SOURCES,
        )
        outcomes[(source, decision.status)] += 1
        key = (source, t.asset_name or "", t.asset_type_code, t.asset_type)
        if decision.ticker and key not in answers:
            answers[key] = (
                f"{decision.ticker} by {decision.method} (SEC: {decision.title})"
            )
    print("Names without a stated ticker, every fixture:")
    for source in sorted({source for source, _ in outcomes}):
        counts = {s: n for (src, s), n in sorted(outcomes.items()) if src == source}
        print(f"  {source}: {counts}")
    print(f"  {len(answers)} distinct answers:")
    for (source, name, code, asset_type), answer in answers.items():
        print(f"    {source} {name!r} [{code or asset_type}] -> {answer}")


def measure_resolver(show_misses: bool, show_all_answers: bool) -> None:
    started = time.perf_counter()
    securities = bundled_securities()
    resolver = Resolver(securities)
    built = time.perf_counter() - started
    in_sec = {s.ticker for s in securities}
    rows = labelled_rows()

    right = wrong = listed = found = answerable = found_answerable = 0
    outcomes: Counter[str] = Counter()
    misses: list[str] = []
    for name, stated, asset_type in rows:
        decision = resolver.resolve(name, asset_type=asset_type)
        outcomes[decision.status] += 1
        if decision.ticker == stated:
            right += 1
        elif decision.ticker:
            wrong += 1
            misses.append(
                f"WRONG {name!r}: stated {stated}, resolved {decision.ticker}"
            )
        if stated not in in_sec:
            continue
        listed += 1
        found += decision.ticker == stated
        if decision.status != "skipped":
            answerable += 1
            found_answerable += decision.ticker == stated
        if decision.ticker != stated:
            misses.append(
                f"miss  {name!r} ({stated}): {decision.status}, {decision.reason}"
            )

    resolved = right + wrong
    print(f"Labelled set: {len(rows)} Senate Stock Watcher rows with a stated ticker")
    print(f"  outcomes: {dict(outcomes)}")
    print(f"  precision: {right}/{resolved} = {100 * right / max(resolved, 1):.2f} %")
    print(
        f"  recall (stated ticker in the SEC list): {found}/{listed} = "
        f"{100 * found / max(listed, 1):.2f} %"
    )
    print(
        f"  recall (same, without the kinds never guessed): "
        f"{found_answerable}/{answerable} = "
        f"{100 * found_answerable / max(answerable, 1):.2f} %"
    )
    if show_misses:
        for line in misses:
            print(f"    {line}")
    if show_all_answers:
        show_answers(resolver)

    names = [name for name, _, _ in rows] * 20
    started = time.perf_counter()
    for name in names:
        Resolver._decide(resolver, name, type_code=None, asset_type=None, cusip=None)
    elapsed = time.perf_counter() - started
    print(
        f"  speed: {len(names) / elapsed:,.0f} names per second uncached "
        f"(index of {len(securities):,} tickers built in {built:.2f} s)"
    )


def build_database(path: Path, count: int) -> sqlite3.Connection:
    names = fixture_names()
    conn = db.connect(path)
    conn.execute(
        "INSERT INTO politicians (id, full_name, identity_key) "
        "VALUES (1, 'Bench Mark', 'us|mark|bench')"
    )
    conn.execute("INSERT INTO data_sources (id, name) VALUES ('us-house', 'House')")
    per_filing = 100
    with db.transaction(conn):
        conn.executemany(
            "INSERT INTO filings (id, source_id, doc_id, politician_id) "
            "VALUES (?, 'us-house', ?, 1)",
            [(n, f"doc-{n}") for n in range(1, count // per_filing + 2)],
        )
        conn.executemany(
            "INSERT INTO trading_disclosures (politician_id, filing_id, row_number, "
            "asset_name, asset_type_code, asset_type) VALUES (1, ?, ?, ?, ?, ?)",
            (
                (i // per_filing + 1, i % per_filing + 1, *names[i % len(names)])
                for i in range(count)
            ),
        )
    ensure_securities(conn)
    return conn


def measure_backfill(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        conn = build_database(Path(folder) / "bench.db", count)
        print(
            f"Backfill: {count:,} rows without a ticker (built in "
            f"{time.perf_counter() - started:.1f} s)"
        )

        started = time.perf_counter()
        first = backfill_tickers(conn)
        elapsed = time.perf_counter() - started
        print(
            f"  first run: {elapsed:.2f} s ({count / elapsed:,.0f} rows per second): "
            f"{first.resolved:,} resolved, {first.ambiguous:,} ambiguous, "
            f"{first.unresolved:,} unresolved ({first.skipped:,} never-guess kinds), "
            f"{first.batches} batches"
        )
        started = time.perf_counter()
        second = backfill_tickers(conn)
        elapsed = time.perf_counter() - started
        print(
            f"  second run: {elapsed:.2f} s, {second.resolved} resolved "
            f"(idempotent: {second.rows_examined:,} rows still without a ticker)"
        )
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--show-answers", action="store_true")
    options = parser.parse_args()

    measure_resolver(options.show_misses, options.show_answers)
    measure_backfill(options.rows)


if __name__ == "__main__":
    main()
