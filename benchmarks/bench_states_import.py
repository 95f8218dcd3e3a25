"""Benchmark importing history and collecting a source added with a mapping file.

Real files only: Senate Stock Watcher's first 300 rows (39 reports) and CalMatters'
first 300 Form 700 rows (32 statements), in-process against a real SQLite file, the
mapped source through the fixture server on 127.0.0.1 with the rate limit lifted.

- import: the aggregate into an empty database, then again (every row already there);
- import against collected rows: the dataset's own reading of every report stored
  first as Senate documents, so every imported row is matched as a duplicate;
- mapped source: the CSV collected through tests/data/california-mapping.json, first
  run and second run (the file unchanged, answered with a 304).

    python benchmarks/bench_states_import.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ptt import db  # noqa: E402
from ptt.collect import CollectOptions, run_collection  # noqa: E402
from ptt.config import load_settings  # noqa: E402
from ptt.importing import import_dataset  # noqa: E402
from ptt.parsing.stock_watcher import parse_senate_stock_watcher  # noqa: E402
from ptt.sources.mapped import add_mapped_source  # noqa: E402
from ptt.store import ensure_data_source, store_document  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.fixture_server import FixtureServer  # noqa: E402

AGGREGATE = (
    FIXTURES / "aggregated" / "senate_stock_watcher_all_transactions_first300.json"
)
CSV = FIXTURES / "california" / "form700_schedule_a1_first300.csv"
CSV_PATH = "/CalMatters/ca-form-700-data/main/schedule-a1.csv"
MAPPING = ROOT / "tests" / "data" / "california-mapping.json"


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def bench_import(home: Path) -> list[str]:
    settings = load_settings(env={"PTT_HOME": str(home)})
    conn = db.connect(settings.db_path)
    first, result = timed(
        lambda: import_dataset(conn, settings, AGGREGATE, "senate-stock-watcher")
    )
    second, again = timed(
        lambda: import_dataset(conn, settings, AGGREGATE, "senate-stock-watcher")
    )
    return [
        f"import, empty database: {first:.2f} s for {result.found} rows "
        f"({result.new} new)",
        f"import again: {second:.2f} s ({again.already_imported} already imported)",
    ]


def bench_duplicates(home: Path) -> list[str]:
    settings = load_settings(env={"PTT_HOME": str(home)})
    conn = db.connect(settings.db_path)
    ensure_data_source(conn, "us-senate", name="US Senate", url=None)
    for doc in parse_senate_stock_watcher(AGGREGATE.read_bytes()):
        store_document(conn, doc, source_id="us-senate", url=doc.url, archived=None)
    elapsed, result = timed(
        lambda: import_dataset(conn, settings, AGGREGATE, "senate-stock-watcher")
    )
    return [
        f"import over collected rows: {elapsed:.2f} s, {result.duplicate} of "
        f"{result.found} rows matched as duplicates"
    ]


def bench_mapped(home: Path) -> list[str]:
    with FixtureServer(FIXTURES) as server:
        server.files[CSV_PATH] = CSV
        settings = load_settings(env={"PTT_HOME": str(home), "PTT_RATE_LIMIT": "0"})
        conn = db.connect(settings.db_path)
        add_mapped_source(
            conn,
            "ca-mapped",
            url=server.url(CSV_PATH),
            mapping_text=MAPPING.read_text(),
        )
        lines = []
        for run in ("first", "second"):
            elapsed, result = timed(
                lambda: run_collection(conn, settings, ["ca-mapped"], CollectOptions())
            )
            metrics = result.sources[0]
            lines.append(
                f"mapped source, {run} run: {elapsed:.2f} s, "
                f"{metrics.filings_seen} documents, {metrics.records_new} new rows"
            )
        return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    for attempt in range(1, args.repeat + 1):
        print(f"run {attempt}:")
        for bench in (bench_import, bench_duplicates, bench_mapped):
            with tempfile.TemporaryDirectory() as home:
                for line in bench(Path(home)):
                    print("  " + line)


if __name__ == "__main__":
    main()
