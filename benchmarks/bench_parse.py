"""Parse throughput of House PTR PDFs against raw text extraction with the same library.

Run: ``python benchmarks/bench_parse.py [--rounds 7] [--seconds 1]``. Prints PTR pages
per CPU second for ``parse_house_ptr`` over the electronic fixture PDFs, for pypdfium2's
text of all pages and nothing else, and their ratio (the target is at least 0.5).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = Path(os.environ.get("PTT_FIXTURES", ROOT.parent / "shared" / "fixtures"))
PTR_DIR = FIXTURES / "us_house" / "ptr-pdfs"


def raw_extraction(data: bytes) -> int:
    """Return the page count after extracting the text of every page, nothing else."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data, password="")
    pages = len(pdf)
    for index in range(pages):
        page = pdf[index]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()
    return pages


def parse(data: bytes) -> int:
    """Return the page count of one parsed PTR (failing loudly if it does not parse)."""
    from ptt.parsing.house import parse_house_ptr

    document = parse_house_ptr(data)
    if document.parse_status != "parsed":
        raise SystemExit(f"benchmark document did not parse: {document.parse_error}")
    return int(document.raw["pages"])


def pages_per_second(
    work: Callable[[bytes], int], documents: list[bytes], seconds: float
) -> float:
    """Return pages per CPU second, repeating the documents for ``seconds`` of CPU.

    CPU time of this process, not wall time: on a shared machine other work then
    slows neither figure.
    """
    pages = 0
    start = time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for data in documents:
            pages += work(data)
    return pages / elapsed


def best_of(rounds: int, seconds: float, documents: list[bytes]) -> tuple[float, float]:
    """Return the best raw and parse rates over alternating rounds.

    The two alternate so that a busy machine slows both alike; the best round of
    each is the figure least disturbed by other work.
    """
    for data in documents:  # warm up imports and caches
        raw_extraction(data)
        parse(data)

    raw_rates: list[float] = []
    parse_rates: list[float] = []
    for _ in range(rounds):
        raw_rates.append(pages_per_second(raw_extraction, documents, seconds))
        parse_rates.append(pages_per_second(parse, documents, seconds))
    return max(raw_rates), max(parse_rates)


def main() -> None:
    """Print both figures and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=1.0, help="per round")
    args = parser.parse_args()

    documents = [path.read_bytes() for path in sorted(PTR_DIR.glob("2*.pdf"))]
    if not documents:
        raise SystemExit(f"no PTR PDFs under {PTR_DIR}; set PTT_FIXTURES")

    raw, parsed = best_of(args.rounds, args.seconds, documents)
    pages = sum(raw_extraction(data) for data in documents)
    print(
        f"documents: {len(documents)} electronic PTR PDFs ({pages} pages), best of "
        f"{args.rounds} rounds of {args.seconds:g} CPU seconds each"
    )
    print(f"raw text extraction (pypdfium2): {raw:,.0f} pages per CPU second")
    print(f"parse_house_ptr:                 {parsed:,.0f} pages per CPU second")
    print(f"ratio parse/raw:                 {parsed / raw:.2f} (target >= 0.50)")


if __name__ == "__main__":
    main()
