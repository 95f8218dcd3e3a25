"""Benchmark a full collection against the local fixture server with simulated latency.

Every request to the server waits ``--latency`` seconds (50 ms by default) and the rate
limit is lifted, so a collection should take about N x latency / concurrency for its N
documents, plus the few requests that must run one after another (the index; the
agreement and the first search page). The target is no more than N x latency /
concurrency plus 20 %, with those requests counted in the time. Two workloads:

- Senate: ``--documents`` PTR report pages listed by the search (the real Boozman page
  served for each), read and stored; the workflow's own overhead shows here.
- House: ``--documents`` PTR PDFs listed by a 2025 index (the real Allen PDF served for
  each DocID). Each is read in full, then recorded as failed because its Filing ID is
  another's (so no rows are stored; the workload times the reading). A PDF costs
  about 5 ms to read on an idle core, 10-20 ms on a busy one; worker processes read
  them (``--read-processes 0`` reads them on the storing thread, for comparison).

    python benchmarks/bench_collect.py [--documents 200] [--latency 0.05] [--concurrency 4]
        [--read-processes N] [--source us-senate|us-house]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import congress  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.fixture_server import FixtureServer  # noqa: E402
from tests.helpers import run_ptt  # noqa: E402


def senate_rows(server: FixtureServer, count: int) -> None:
    template = next(r for r in server.senate_rows if congress.BOOZMAN_ID in r[3])
    server.senate_rows = [
        [
            *template[:3],
            template[3].replace(
                congress.BOOZMAN_ID, f"00000000-0000-4000-8000-{n:012d}"
            ),
            template[4],
        ]
        for n in range(count)
    ]
    server.senate_page_fallback["ptr"] = f"ptr_{congress.BOOZMAN_ID}.html"


def house_index(server: FixtureServer, count: int) -> None:
    lines = [
        f"Hon.\tAllen\tRichard W.\t\tP\tGA12\t2025\t1/16/2025\t{30_000_000 + n}"
        for n in range(count)
    ]
    server.house_indexes = {2025: congress.index_zip(2025, lines)}
    server.house_pdf_fallback = "20026537.pdf"


def run(
    source: str,
    documents: int,
    latency: float,
    concurrency: int,
    read_processes: int | None = None,
) -> None:
    with tempfile.TemporaryDirectory() as home, FixtureServer(FIXTURES) as server:
        if source == "us-senate":
            senate_rows(server, documents)
        else:
            house_index(server, documents)
        server.latency = latency

        # The collection runs as its own process, as people and cron run it, so that
        # the server in this process does not compete with it for the interpreter.
        started = time.perf_counter()
        done = run_ptt(
            Path(home),
            "collect",
            "--source",
            source,
            "--year",
            "2025",
            "--format",
            "json",
            **congress.environment(server),
            PTT_CONCURRENCY=str(concurrency),
            **(
                {"PTT_READ_PROCESSES": str(read_processes)}
                if read_processes is not None
                else {}
            ),
        )
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stderr)

        metrics = json.loads(done.stdout)[0]
        elapsed = float(metrics["duration_seconds"])
        listing = float(metrics.get("listing_seconds") or 0.0)
        requests = len(server.requests)
        listing_requests = requests - int(metrics["documents_fetched"])
        ideal = documents * latency / concurrency
        print(
            f"{source}: {documents} documents ({metrics['records_new']} rows, "
            f"{metrics['records_failed']} failed), {requests} requests of which "
            f"{listing_requests} for the listing, concurrency {concurrency}, "
            f"{latency * 1000:.0f} ms latency"
        )
        print(
            f"  collection {elapsed:5.2f} s, N x latency / concurrency {ideal:5.2f} s "
            f"({elapsed / ideal * 100 - 100:+.0f} %, target +20 %); "
            f"whole process {wall:5.2f} s"
        )
        print(
            f"  until the first document fetch (index, or agreement and first "
            f"search page) {listing:5.2f} s, then {elapsed - listing:5.2f} s "
            f"({(elapsed - listing) / ideal * 100 - 100:+.0f} %)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--read-processes",
        type=int,
        default=None,
        help="PTT_READ_PROCESSES for the run (0 reads PDFs on the storing thread)",
    )
    parser.add_argument("--source", choices=("us-senate", "us-house"), default=None)
    options = parser.parse_args()

    for source in [options.source] if options.source else ["us-senate", "us-house"]:
        run(
            source,
            options.documents,
            options.latency,
            options.concurrency,
            options.read_processes,
        )


if __name__ == "__main__":
    main()
