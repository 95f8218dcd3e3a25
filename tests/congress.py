"""A US Congress scenario on the fixture server: indexes and searches that list only the
real documents in the fixtures, and what those documents say.

The House indexes keep the real index lines of the PTRs whose PDFs are fixtures (Pelosi
in 2023; Allen and the scanned Bilirakis filing in 2025) and add lines for the Aderholt
and Whitesides PTRs as their PDFs state them (name, district, signature date). The
Senate search keeps the real rows whose report pages are fixtures and adds one for the
2018-template Sullivan report.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from tests.fixture_server import FixtureServer

INDEX_HEADER = (
    "Prefix\tLast\tFirst\tSuffix\tFilingType\tStateDst\tYear\tFilingDate\tDocID"
)
INDEX_FIELDS = INDEX_HEADER.split("\t")
ADDED_HOUSE_LINES = {
    2025: [
        "Hon.\tWhitesides\tGeorge\t\tP\tCA27\t2025\t8/13/2025\t20030886",
        "Hon.\tAderholt\tRobert B.\t\tP\tAL04\t2025\t9/10/2025\t20032062",
    ]
}
KEPT_HOUSE_DOCS = {2023: {"20022260"}, 2025: {"20026537", "8220747"}}
SCANNED_DOC = "8220747"
SULLIVAN_ID = "033d040a-4fe0-4d8e-a37e-355a174d0b52"
SULLIVAN_ROW = [
    "Dan",
    "Sullivan",
    "Sullivan, Dan (Senator)",
    f'<a href="/search/view/ptr/{SULLIVAN_ID}/" target="_blank">Periodic '
    "Transaction Report for 07/24/2018</a>",
    "07/24/2018",
]
BOOZMAN_ID = "0677bd3f-167e-4cae-8f1d-05eb4340fcdc"
PAPER_ID = "068274e1-4b7a-4453-a242-563dde4c10d8"
YEARS = ("2023", "2025")


@dataclass(frozen=True)
class Expected:
    """What one document of the scenario says."""

    source: str
    doc_id: str
    status: str
    rows: int | None
    politician: str


EXPECTED = [
    Expected("us-house", "20022260", "parsed", 13, "house|pelosi|nancy"),
    Expected("us-house", "20026537", "parsed", 4, "house|allen|richard"),
    Expected("us-house", "20030886", "parsed", 1, "house|whitesides|george"),
    Expected("us-house", "20032062", "parsed", 1, "house|aderholt|robert"),
    Expected("us-house", SCANNED_DOC, "needs_ocr", None, "house|bilirakis|gus"),
    Expected("us-senate", BOOZMAN_ID, "parsed", 8, "senate|boozman|john"),
    Expected("us-senate", SULLIVAN_ID, "parsed", 1, "senate|sullivan|dan"),
    Expected("us-senate", PAPER_ID, "needs_ocr", None, "senate|blumenthal|richard"),
]
HOUSE_PDF_PATHS = {
    "20022260": "/public_disc/ptr-pdfs/2023/20022260.pdf",
    "20026537": "/public_disc/ptr-pdfs/2025/20026537.pdf",
    "20030886": "/public_disc/ptr-pdfs/2025/20030886.pdf",
    "20032062": "/public_disc/ptr-pdfs/2025/20032062.pdf",
    SCANNED_DOC: f"/public_disc/ptr-pdfs/2025/{SCANNED_DOC}.pdf",
}
SENATE_PAGE_PATHS = {
    BOOZMAN_ID: f"/search/view/ptr/{BOOZMAN_ID}/",
    SULLIVAN_ID: f"/search/view/ptr/{SULLIVAN_ID}/",
    PAPER_ID: f"/search/view/paper/{PAPER_ID}/",
}


def index_lines(fixtures: Path, year: int) -> list[str]:
    """Return the real index lines kept for a year, plus the added ones."""
    house = fixtures / "us_house"
    if year == 2025:
        with zipfile.ZipFile(house / "2025FD.zip") as archive:
            text = archive.read("2025FD.txt").decode("utf-8-sig")
    else:
        text = (house / f"{year}FD.txt").read_text(encoding="utf-8-sig")
    kept = [
        line
        for line in text.splitlines()
        if line.split("\t")[-1].strip() in KEPT_HOUSE_DOCS.get(year, set())
    ]
    return kept + ADDED_HOUSE_LINES.get(year, [])


def index_zip(year: int, lines: list[str]) -> bytes:
    """Return a yearly index ZIP holding the lines as TXT and XML, as the Clerk ships."""
    members = []
    for line in lines:
        values = line.split("\t")
        fields = "".join(
            f"<{name}>{escape(value)}</{name}>"
            for name, value in zip(INDEX_FIELDS, values, strict=True)
        )
        members.append(f"<Member>{fields}</Member>")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<FinancialDisclosure>'
        + "".join(members)
        + "</FinancialDisclosure>"
    )
    txt = "\r\n".join([INDEX_HEADER, *lines]) + "\r\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{year}FD.txt", txt.encode("utf-8"))
        archive.writestr(f"{year}FD.xml", xml.encode("utf-8"))
    return buffer.getvalue()


def set_up(server: FixtureServer, fixtures: Path) -> FixtureServer:
    """Make the server list exactly the scenario's documents; return it."""
    server.house_indexes = {
        year: index_zip(year, index_lines(fixtures, year)) for year in (2023, 2025)
    }
    server.house_pdfs[SCANNED_DOC] = "scanned-image-only.pdf"
    server.senate_rows = [*server.senate_rows, SULLIVAN_ROW]
    server.only_senate_rows_with_pages()
    return server


def environment(server: FixtureServer) -> dict[str, str]:
    """Return the environment that points ptt at the server, without a rate limit."""
    return {
        "PTT_US_HOUSE_BASE_URL": server.base_url,
        "PTT_US_SENATE_BASE_URL": server.base_url,
        "PTT_RATE_LIMIT": "0",
        "PTT_CONTACT": "tests@example.org",
    }


def collect_args(*extra: str) -> list[str]:
    """Return the arguments of a collection of the whole scenario."""
    return [
        "collect",
        "--source",
        "us-congress",
        "--year",
        YEARS[0],
        "--year",
        YEARS[1],
        *extra,
    ]
