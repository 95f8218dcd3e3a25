"""Benchmark fetch_many: documents over a link with latency, at several concurrencies.

Serves the fixture PDFs from the local fixture server with a delay per request and the
rate limit lifted, and prints the time taken against the ideal N x latency / threads.

    python benchmarks/bench_http.py [--documents 80] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ptt.config import load_settings  # noqa: E402
from ptt.http import HttpClient  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.fixture_server import FixtureServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=80)
    parser.add_argument("--latency", type=float, default=0.05)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as home, FixtureServer(FIXTURES) as server:
        server.house_pdf_fallback = "20026537.pdf"
        server.latency = options.latency
        base = load_settings(env={"PTT_HOME": home, "PTT_RATE_LIMIT": "0"})
        doc_ids = [str(30_000_000 + n) for n in range(options.documents)]
        print(
            f"{options.documents} documents, {options.latency * 1000:.0f} ms latency, "
            "rate limit lifted"
        )
        for threads in (1, 2, 4, 8):
            settings = dataclasses.replace(base, concurrency=threads)
            with HttpClient(settings) as client:
                started = time.perf_counter()
                results = list(
                    client.fetch_many(
                        doc_ids,
                        lambda d: server.url(f"/public_disc/ptr-pdfs/2025/{d}.pdf"),
                    )
                )
                elapsed = time.perf_counter() - started
            failed = sum(1 for _, result in results if isinstance(result, Exception))
            ideal = options.documents * options.latency / threads
            print(
                f"  concurrency {threads}: {elapsed:6.2f} s "
                f"(ideal {ideal:5.2f} s, {failed} failed)"
            )

        # The per-host rate is shared by the threads: it, not concurrency, sets the pace.
        count = 20
        settings = dataclasses.replace(base, concurrency=4, rate_limit=10.0)
        with HttpClient(settings) as client:
            started = time.perf_counter()
            for _ in client.fetch_many(
                doc_ids[:count],
                lambda d: server.url(f"/public_disc/ptr-pdfs/2025/{d}.pdf"),
            ):
                pass
            elapsed = time.perf_counter() - started
        floor = (count - 1) / settings.rate_limit
        print(
            f"  {count} documents at 10 requests/s, concurrency 4: {elapsed:5.2f} s "
            f"(at least {floor:.2f} s)"
        )


if __name__ == "__main__":
    main()
