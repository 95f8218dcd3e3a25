"""Benchmark the UK, EU and California collections against the local fixture server.

Collects each source into a fresh database twice (the first run stores everything,
the second finds nothing changed) and prints the documents, rows and seconds of each
run. The UK register is served ``--uk-repeat`` times over to measure paging.

    python benchmarks/bench_sources_more.py [--uk-repeat 400] [--latency 0.0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ptt.collect import CollectOptions, run_collection  # noqa: E402
from ptt.config import load_settings  # noqa: E402
from ptt.db import connect  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.fixture_server import FixtureServer  # noqa: E402
from tests.more_sources import environment  # noqa: E402

SOURCES = ("uk-parliament", "eu-parliament", "california")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uk-repeat", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.0)
    options = parser.parse_args()

    with FixtureServer(FIXTURES) as server:
        server.uk_repeat = options.uk_repeat
        server.latency = options.latency
        print(
            f"UK register served {options.uk_repeat} times over "
            f"({-(-options.uk_repeat // 20)} pages), "
            f"{options.latency * 1000:.0f} ms latency, rate limit lifted"
        )
        for source in SOURCES:
            with tempfile.TemporaryDirectory() as home:
                settings = load_settings(env={"PTT_HOME": home, **environment(server)})
                conn = connect(settings.db_path)
                for label in ("first run", "second run"):
                    started = time.perf_counter()
                    result = run_collection(conn, settings, [source], CollectOptions())
                    elapsed = time.perf_counter() - started
                    (metrics,) = result.sources
                    print(
                        f"{source:14} {label:10} {metrics.filings_seen:4} documents "
                        f"listed, {metrics.documents_fetched:4} stored, "
                        f"{metrics.records_new:4} new rows, {elapsed:6.2f} s "
                        f"({metrics.status})"
                    )
                conn.close()


if __name__ == "__main__":
    main()
