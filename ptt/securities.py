"""The SEC's ticker list, the name resolver and the ticker backfill.

The list is the SEC's ``company_tickers.json`` (ticker, CIK, company title, in the SEC's
order: a company's first ticker is its primary listing) joined with
``company_tickers_exchange.json`` (the exchange). ``refresh_securities`` downloads both;
until the first refresh, the copy shipped in ``ptt/data`` (the SEC list of August 2025)
is loaded into an empty ``securities`` table with source ``bundled``.

The resolver answers "which ticker is this asset name?" only when it can say how:

- ``sec_exact`` (0.97): the name is an SEC company title up to case and punctuation;
- ``sec_alias`` (0.90): the names agree once legal suffixes (Inc, Corp, plc, Holdings),
  share words (Common Stock, Class A, ADR) and a leading "The" are dropped;
- ``sec_class`` (0.85): the company lists several share classes and the name states
  the class that exactly one of their tickers carries (``Class B`` -> ``BRK.B``);
- ``sec_listed`` (0.80): several SEC companies have the name, exactly one of them is
  listed on an exchange (NYSE, Nasdaq, Cboe) and the others trade over the counter
  (Rio Tinto plc, RIO, beside Rio Tinto Limited's OTC line);
- ``sec_exact_fund`` (0.85): the whole name is the title of exactly one fund or trust
  with a single ticker on an exchange, up to case, punctuation, "&" and the legal form
  ("SPDR S&P 500 ETF" is the SPDR S&P 500 ETF Trust, SPY);
- ``manual`` (1.0): a person's answer (``ptt tickers set``).

It never answers for Treasuries, bonds, CDs, real estate, private holdings,
cryptocurrencies, mutual funds or target-date funds (told by the asset-type code, the
stated asset type and the name's words), answers for other funds and ETFs only by
``sec_exact_fund``, never by substring, and never picks among several companies or
unstated share classes: those names are left empty, and the ambiguous ones are kept
with their candidates in ``ticker_resolutions`` for ``ptt tickers review``.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import logging
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ptt import clock
from ptt.db import transaction
from ptt.errors import FetchError, UsageError
from ptt.parsing.tickers import normalize_ticker

if TYPE_CHECKING:
    import httpx

    from ptt.config import Settings

logger = logging.getLogger(__name__)

TICKERS_FILE = "company_tickers.json"
EXCHANGE_FILE = "company_tickers_exchange.json"
DATA_DIR = Path(__file__).with_name("data")
BUNDLED_DATE = "2025-08"

Method = Literal[
    "sec_exact", "sec_alias", "sec_class", "sec_listed", "sec_exact_fund", "manual"
]
Status = Literal["resolved", "ambiguous", "unresolved", "skipped"]
CONFIDENCE: dict[str, float] = {
    "document": 1.0,
    "manual": 1.0,
    "sec_exact": 0.97,
    "sec_alias": 0.90,
    "sec_class": 0.85,
    "sec_listed": 0.80,
    "sec_exact_fund": 0.85,
}
_MAJOR_EXCHANGES = {"NYSE", "Nasdaq", "CBOE"}
_CLASS_LETTERS = "ABCK"


# --- names ---------------------------------------------------------------------------

# Words that end company names and say nothing about which company it is.
_SUFFIX_WORDS = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "companies",
        "cos", "ltd", "limited", "plc", "llc", "holdings", "holding", "hldgs", "group",
        "grp", "sa", "ag", "nv", "se", "asa", "ab", "spa", "bv", "oyj", "as", "kk",
        "tbk", "pbc", "sab", "de", "cv", "publ", "common", "stock", "stocks", "shares",
        "share", "ordinary", "ord", "american", "depositary", "depository",
        "receipts", "receipt", "adr", "ads", "sponsored", "spon", "unsponsored", "new",
        "com", "units", "unit", "cl", "and", "the",
    }
)  # fmt: skip
_STATE_TAG = re.compile(r"\s*[/\\]\s*[a-z]{0,4}\s*[/\\]?\s*$")
_CLASS_STATED = re.compile(r"\b(?:class|cl|series)\s+([a-z])\b")
_CLASS_TAIL = re.compile(r"\b(?:class|cl|series)\s+[a-z]\b")
_APOSTROPHE = re.compile(r"['’`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SURNAME_FIRST = re.compile(r"^[A-Z]+ (?:[A-Z]\.? ?){1,2}(?:INC|CO|CORP)\b")
_INITIALS = re.compile(r"\b[a-z](?: [a-z]\b)+")
_ABBREVIATIONS = {"intl": "international", "natl": "national", "mfg": "manufacturing"}

# Asset kinds the resolver never answers for, by the words of the name. A company whose
# name has such a word (Bill Holdings, Cash America) stays unresolved: a missing
# ticker costs less than a wrong one.
_NOT_A_LISTED_STOCK = re.compile(
    r"\b(?:target\s+(?:retirement|date)|"
    r"treasury|treasuries|t-?bills?|bills?|notes?|bonds?|debentures?|cds?|"
    r"certificates?\s+of\s+deposit|municipal|muni|money\s+market|annuity|401\s*\(?k\)?|"
    r"ira|roth|529|brokerage|account|cash|savings|checking|deposits?|llc|l\.?p\.?|"
    r"partnership|private|non-public|rental|residence|land|farm|ranch|"
    r"bitcoin|ethereum|crypto\w*|coin|gold\s+bullion|due\s+\d)\b"
    r"|%",
    re.IGNORECASE,
)
# A company suffix after "Trust", "Real Estate" or "Property" makes the name a
# company's (Northern Trust Corporation, Alexandria Real Estate Equities, Inc.).
_NO_COMPANY_SUFFIX_AFTER = (
    r"(?!.*\b(?:corp|corporation|inc|incorporated|co|company|bancorp|ltd|plc)\b)"
)
_UNLESS_A_COMPANY = re.compile(
    r"\b(?:real\s+estate|propert(?:y|ies))\b" + _NO_COMPANY_SUFFIX_AFTER,
    re.IGNORECASE,
)
# Words of a fund's name. Mutual funds have several share classes under one name and
# many funds are not listed at all, so a fund is answered for only when its whole name
# is the title of one fund listed on an exchange (``sec_exact_fund``).
_FUND_WORDS = re.compile(
    r"\b(?:funds?|etfs?|etns?|index|portfolio)\b|\btrust\b" + _NO_COMPANY_SUFFIX_AFTER,
    re.IGNORECASE,
)
# House asset-type codes of things that can be a listed company's shares, and of
# exchange-traded funds.
_RESOLVABLE_CODES = frozenset({"ST", "OP"})
_FUND_CODES = frozenset({"EF"})
_STOCK_TYPE = re.compile(r"stock|option|equity|share", re.IGNORECASE)
_UNLISTED_TYPE = re.compile(r"non-?public|private|not publicly", re.IGNORECASE)
# Stated asset types under which filers report exchange-traded funds; "Mutual Fund" is
# not one (its share classes share a name), nor a bare "Other" (private companies, coins).
_FUND_TYPE = re.compile(
    r"^\s*other\s+securit(?:y|ies)\s*$|exchange[\s-]*traded|\betfs?\b", re.IGNORECASE
)
# The legal form a fund's title may end with and its name may leave out
# ("SPDR S&P 500 ETF" is the SPDR S&P 500 ETF Trust, "SPDR Gold Shares" the Gold Trust).
_FUND_FORM_WORDS = frozenset({"trust"})


def fold_name(text: str) -> str:
    """Return a name in lower case with punctuation, HTML and SEC state tags removed."""
    name = html.unescape(text).lower().replace("&", " and ")
    name = re.sub(r"\ba/s\b", " as ", name)
    while True:
        stripped = _STATE_TAG.sub("", name)
        if stripped == name:
            break
        name = stripped
    name = _APOSTROPHE.sub("", name)
    words = [_ABBREVIATIONS.get(w, w) for w in _NON_WORD.sub(" ", name).split()]
    # Initials are one word however they are dotted ("U.S. Bancorp", "US BANCORP"),
    # and the SEC writes "A/S" (Danish and Norwegian companies) as "A S".
    return _INITIALS.sub(_join_initials, " ".join(words))


def _join_initials(match: re.Match[str]) -> str:
    return match.group(0).replace(" ", "")


def normalize_name(text: str) -> str:
    """Return the company name without legal suffixes, share words or a leading "The"."""
    folded = _CLASS_TAIL.sub(" ", fold_name(text))
    words = folded.split()
    if words and words[0] == "the":
        words = words[1:]
    while words and words[-1] in _SUFFIX_WORDS:
        words.pop()
    return " ".join(words)


def name_variants(title: str) -> list[str]:
    """Return the normalised names an SEC title answers to.

    The SEC files some companies named after people surname first ("HORTON D R INC",
    "SMUCKER J M CO"); documents write "D.R. Horton, Inc.", so both orders count.
    """
    normalized = normalize_name(title)
    if len(normalized) < 2:
        return []
    variants = [normalized]
    words = normalized.split()
    if len(words) >= 2 and len(words[-1]) <= 3 and _SURNAME_FIRST.search(title):
        variants.append(" ".join([words[-1], *words[:-1]]))
    return variants


def stated_class(text: str) -> str | None:
    """Return the share class a name states (``- Class A`` -> ``A``), or None."""
    match = _CLASS_STATED.search(fold_name(text))
    return match.group(1).upper() if match else None


def not_resolvable_reason(
    name: str,
    *,
    type_code: str | None = None,
    asset_type: str | None = None,
    cusip: str | None = None,
) -> str | None:
    """Return why a ticker must not be guessed for this asset, or None when it may be."""
    return never_resolvable_reason(
        name, type_code=type_code, asset_type=asset_type, cusip=cusip
    ) or fund_reason(name, type_code=type_code, asset_type=asset_type)


def never_resolvable_reason(
    name: str,
    *,
    type_code: str | None = None,
    asset_type: str | None = None,
    cusip: str | None = None,
) -> str | None:
    """Return why no ticker at all, not even a fund's, may be given, or None."""
    if type_code and type_code not in _RESOLVABLE_CODES | _FUND_CODES:
        return f"asset type code [{type_code}] is not a listed stock"
    if asset_type and (
        _UNLISTED_TYPE.search(asset_type)
        or not (_STOCK_TYPE.search(asset_type) or _FUND_TYPE.search(asset_type))
    ):
        return f"asset type {asset_type!r} is not a listed stock"
    if cusip:
        return "identified by CUSIP (a bond or Treasury)"
    match = _NOT_A_LISTED_STOCK.search(name) or _UNLESS_A_COMPANY.search(name)
    if match:
        return f"the name says {match.group(0).strip()!r}: not a listed company's stock"
    return None


def fund_reason(
    name: str, *, type_code: str | None = None, asset_type: str | None = None
) -> str | None:
    """Return why the asset is a fund, answered only by one listed fund's title."""
    if type_code in _FUND_CODES:
        return f"asset type code [{type_code}] is a fund"
    if asset_type and not _STOCK_TYPE.search(asset_type):
        return f"asset type {asset_type!r} is a fund or other security"
    match = _FUND_WORDS.search(name)
    if match:
        return f"the name says {match.group(0).strip()!r}: a fund"
    return None


def fund_name(text: str) -> str:
    """Return a fund's name as normalised, without the trust its title may end with."""
    words = normalize_name(text).split()
    while words and (words[-1] in _FUND_FORM_WORDS or words[-1] in _SUFFIX_WORDS):
        words.pop()
    return " ".join(words)


def is_fund_title(title: str) -> bool:
    """Return whether an SEC title names a fund or a trust rather than a company."""
    return bool(_FUND_WORDS.search(title))


# --- the list --------------------------------------------------------------------------


@dataclass(frozen=True)
class Security:
    """One ticker of the SEC list."""

    ticker: str
    cik: int | None
    title: str
    exchange: str | None = None
    position: int = 0


def parse_sec_files(tickers_json: bytes, exchange_json: bytes | None) -> list[Security]:
    """Return the securities of the SEC's two ticker files, in the SEC's order."""
    try:
        listing = json.loads(tickers_json)
        exchanges = json.loads(exchange_json) if exchange_json is not None else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(
            f"the SEC ticker list is not JSON ({exc}); the download may be cut short",
            source="sec",
        ) from exc
    if not isinstance(listing, dict) or not listing:
        raise FetchError(
            f"{TICKERS_FILE} is not an object of numbered entries", source="sec"
        )

    exchange_of: dict[str, str | None] = {}
    extra: list[list[Any]] = []
    if exchanges is not None:
        fields = exchanges.get("fields") if isinstance(exchanges, dict) else None
        data = exchanges.get("data") if isinstance(exchanges, dict) else None
        if fields != ["cik", "name", "ticker", "exchange"] or not isinstance(
            data, list
        ):
            raise FetchError(
                f"{EXCHANGE_FILE} does not have the fields cik, name, ticker, exchange",
                source="sec",
            )
        for row in data:
            if isinstance(row, list) and len(row) == 4 and isinstance(row[2], str):
                exchange_of[row[2]] = row[3] if isinstance(row[3], str) else None
                extra.append(row)

    securities: list[Security] = []
    seen: set[str] = set()
    entries = sorted(listing.items(), key=lambda item: _entry_number(item[0]))
    for _, entry in entries:
        if not isinstance(entry, dict):
            continue
        security = _security(
            entry.get("ticker"),
            entry.get("cik_str"),
            entry.get("title"),
            exchange_of.get(str(entry.get("ticker"))),
            len(securities),
        )
        if security and security.ticker not in seen:
            seen.add(security.ticker)
            securities.append(security)
    # Tickers only the exchange file lists follow, in its order.
    for cik, title, ticker, exchange in extra:
        security = _security(ticker, cik, title, exchange, len(securities))
        if security and security.ticker not in seen:
            seen.add(security.ticker)
            securities.append(security)

    if not securities:
        raise FetchError(f"{TICKERS_FILE} lists no usable ticker", source="sec")
    return securities


def _entry_number(key: str) -> int:
    return int(key) if key.isdigit() else 1 << 30


def _security(
    ticker: Any, cik: Any, title: Any, exchange: Any, position: int
) -> Security | None:
    if not isinstance(ticker, str) or not isinstance(title, str) or not title.strip():
        return None
    normalized = normalize_ticker(ticker)
    if normalized is None:
        logger.debug("The SEC list has %r, which is not a ticker; left out.", ticker)
        return None
    return Security(
        ticker=normalized,
        cik=int(cik) if isinstance(cik, int | str) and str(cik).isdigit() else None,
        title=title.strip(),
        exchange=exchange if isinstance(exchange, str) else None,
        position=position,
    )


def bundled_securities() -> list[Security]:
    """Return the SEC list shipped inside the package."""
    tickers = gzip.decompress((DATA_DIR / f"{TICKERS_FILE}.gz").read_bytes())
    exchange = gzip.decompress((DATA_DIR / f"{EXCHANGE_FILE}.gz").read_bytes())
    return parse_sec_files(tickers, exchange)


def store_securities(
    conn: sqlite3.Connection,
    securities: Sequence[Security],
    *,
    source: str,
    fetched_at: str,
) -> int:
    """Replace the securities table with ``securities``; return how many were stored."""
    rows = [
        (
            s.ticker,
            s.cik,
            s.title,
            s.exchange,
            normalize_name(s.title),
            source,
            fetched_at,
            s.position,
        )
        for s in securities
    ]
    with transaction(conn):
        conn.execute("DELETE FROM securities")
        conn.executemany(
            "INSERT INTO securities (ticker, cik, title, exchange, normalized_name, "
            "source, fetched_at, position) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    return len(rows)


def ensure_securities(conn: sqlite3.Connection) -> int:
    """Load the bundled SEC list into an empty securities table; return its row count."""
    count = int(conn.execute("SELECT COUNT(*) FROM securities").fetchone()[0])
    if count:
        return count

    securities = bundled_securities()
    stored = store_securities(
        conn, securities, source="bundled", fetched_at=clock.now_text()
    )
    logger.info(
        "Loaded the bundled SEC ticker list (%s, %s tickers); run 'ptt securities "
        "refresh' for the current one.",
        BUNDLED_DATE,
        stored,
    )
    return stored


def load_securities(conn: sqlite3.Connection) -> list[Security]:
    """Return the stored securities in the SEC's order."""
    return [
        Security(
            ticker=row[0],
            cik=row[1],
            title=row[2],
            exchange=row[3],
            position=row[4] if row[4] is not None else 0,
        )
        for row in conn.execute(
            "SELECT ticker, cik, title, exchange, position FROM securities "
            "ORDER BY position, ticker"
        )
    ]


def list_version(conn: sqlite3.Connection) -> dict[str, Any]:
    """Return where the stored list came from, when, and how many tickers it has."""
    row = conn.execute(
        "SELECT source, MAX(fetched_at), COUNT(*) FROM securities GROUP BY source "
        "ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return {"source": None, "fetched_at": None, "tickers": 0}
    return {"source": row[0], "fetched_at": row[1], "tickers": row[2]}


@dataclass
class RefreshResult:
    """What a refresh of the SEC list stored."""

    tickers: int
    companies: int
    fetched_at: str
    urls: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-able metrics."""
        return asdict(self)


def refresh_securities(
    conn: sqlite3.Connection,
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
) -> RefreshResult:
    """Download the SEC ticker lists and replace the stored list with them."""
    base = settings.base_url("sec")
    urls = [f"{base}/files/{TICKERS_FILE}", f"{base}/files/{EXCHANGE_FILE}"]
    tickers_json, exchange_json = (_download(url, settings, transport) for url in urls)
    securities = parse_sec_files(tickers_json, exchange_json)
    fetched_at = clock.now_text()
    stored = store_securities(conn, securities, source="sec", fetched_at=fetched_at)
    companies = len({s.cik for s in securities if s.cik is not None})
    logger.info(
        "Stored the SEC ticker list: %s tickers of %s companies.", stored, companies
    )
    return RefreshResult(
        tickers=stored, companies=companies, fetched_at=fetched_at, urls=urls
    )


def _download(
    url: str, settings: Settings, transport: httpx.BaseTransport | None
) -> bytes:
    from ptt.http import HttpClient

    try:
        with HttpClient(settings, transport=transport) as client:
            response = client.get(url)
    except FetchError as exc:
        # The SEC answers 403 to callers whose User-Agent names no contact.
        raise type(exc)(
            f"cannot refresh the SEC ticker list: {exc.message}", url=url
        ) from exc
    return response.content


# --- resolving -----------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """What the resolver decided for one asset name, and why."""

    name: str
    status: Status
    ticker: str | None = None
    method: Method | None = None
    confidence: float | None = None
    candidates: tuple[str, ...] = ()
    reason: str | None = None
    cik: int | None = None
    title: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the decision as a JSON-able record."""
        return {
            "name": self.name,
            "ticker": self.ticker,
            "method": self.method,
            "confidence": self.confidence,
            "status": self.status,
            "candidates": list(self.candidates),
            "reason": self.reason,
            "cik": self.cik,
            "title": self.title,
        }


class Resolver:
    """Asset names to tickers over one SEC list, built once and asked many times."""

    def __init__(self, securities: Iterable[Security]) -> None:
        by_cik: dict[int, list[Security]] = {}
        for security in sorted(securities, key=lambda s: s.position):
            key = security.cik if security.cik is not None else -security.position - 1
            by_cik.setdefault(key, []).append(security)

        self._listings: dict[int, list[Security]] = {}
        self._by_name: dict[str, set[int]] = {}
        self._by_fold: dict[str, set[int]] = {}
        self._by_fund: dict[str, set[int]] = {}
        self._single_line: set[int] = set()
        for cik, tickers in by_cik.items():
            listings = common_listings(tickers)
            if not listings:
                continue
            self._listings[cik] = listings
            for title in {s.title for s in tickers}:
                for normalized in name_variants(title):
                    self._by_name.setdefault(normalized, set()).add(cik)
                self._by_fold.setdefault(fold_name(title), set()).add(cik)
                if is_fund_title(title):
                    self._by_fund.setdefault(fund_name(title), set()).add(cik)
            lines = common_lines(tickers)
            if len(lines) == 1 and lines[0].exchange in _MAJOR_EXCHANGES:
                self._single_line.add(cik)
        self._cache: dict[
            tuple[str, str | None, str | None, bool, bool], Resolution
        ] = {}

    @classmethod
    def from_db(cls, conn: sqlite3.Connection) -> Resolver:
        """Return a resolver over the stored list (the bundled one if none is stored)."""
        return cls(load_securities(conn) or bundled_securities())

    def resolve(
        self,
        name: str | None,
        *,
        type_code: str | None = None,
        asset_type: str | None = None,
        cusip: str | None = None,
        exact_only: bool = False,
    ) -> Resolution:
        """Return the resolver's decision for one asset name.

        ``exact_only`` accepts only a name the SEC writes the same way up to case and
        punctuation: for registers outside the US, where most holdings are private
        companies whose names may shorten to a US company's ("Apple Ltd").
        """
        key = (name or "", type_code, asset_type, bool(cusip), exact_only)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._decide(
                name or "",
                type_code=type_code,
                asset_type=asset_type,
                cusip=cusip,
                exact_only=exact_only,
            )
            self._cache[key] = cached
        return cached

    def _decide(
        self,
        name: str,
        *,
        type_code: str | None,
        asset_type: str | None,
        cusip: str | None,
        exact_only: bool = False,
    ) -> Resolution:
        text = " ".join(html.unescape(name).split())
        if not text:
            return Resolution(name, "unresolved", reason="no asset name")
        reason = never_resolvable_reason(
            text, type_code=type_code, asset_type=asset_type, cusip=cusip
        )
        if reason:
            return Resolution(name, "skipped", reason=reason)

        # A fund is answered for only by its whole title; a company's name that no
        # company has may still be a listed trust's ("SPDR Gold Shares").
        reason = fund_reason(text, type_code=type_code, asset_type=asset_type)
        if reason:
            fund = self._fund(name, text, exact_only)
            return fund or Resolution(name, "skipped", reason=reason)

        normalized = normalize_name(text)
        ciks = self._by_name.get(normalized, set()) if len(normalized) >= 2 else set()
        if exact_only:
            ciks = self._by_fold.get(fold_name(text), set())
        if not ciks:
            fund = self._fund(name, text, exact_only)
            return fund or Resolution(
                name, "unresolved", reason="no SEC company has this name"
            )
        if len(ciks) > 1:
            listed = [
                c for c in ciks if self._listings[c][0].exchange in _MAJOR_EXCHANGES
            ]
            if len(listed) == 1 and len(self._listings[listed[0]]) == 1:
                return self._resolved(name, self._listings[listed[0]][0], "sec_listed")
            primaries = sorted(self._listings[c][0].ticker for c in ciks)
            return Resolution(
                name,
                "ambiguous",
                candidates=tuple(primaries),
                reason=f"{len(ciks)} SEC companies have this name",
            )

        cik = next(iter(ciks))
        listings = self._listings[cik]
        exact = cik in self._by_fold.get(fold_name(text), set())
        if len(listings) == 1:
            method: Method = "sec_exact" if exact else "sec_alias"
            return self._resolved(name, listings[0], method)

        wanted = stated_class(text)
        chosen = [s for s in listings if share_class(s.ticker, listings) == wanted]
        if wanted and len(chosen) == 1:
            return self._resolved(name, chosen[0], "sec_class")
        said = (
            f"states class {wanted}, which no single ticker is known to carry"
            if wanted
            else "does not say which"
        )
        return Resolution(
            name,
            "ambiguous",
            candidates=tuple(s.ticker for s in listings),
            reason=f"the company lists {len(listings)} share classes and the name "
            f"{said}",
            cik=cik if cik >= 0 else None,
            title=listings[0].title,
        )

    def _fund(self, name: str, text: str, exact_only: bool) -> Resolution | None:
        """Return the one listed fund whose whole title the name is, or None."""
        key = fund_name(text)
        ciks = self._by_fund.get(key, set()) if len(key) >= 2 else set()
        if exact_only:
            ciks = ciks & self._by_fold.get(fold_name(text), set())
        # A company answering to the same name makes it no fund's title alone.
        ciks = ciks | self._by_name.get(key, set()) if ciks else ciks
        if len(ciks) != 1:
            return None

        cik = next(iter(ciks))
        if cik not in self._single_line:
            return None
        return self._resolved(name, self._listings[cik][0], "sec_exact_fund")

    @staticmethod
    def _resolved(name: str, security: Security, method: Method) -> Resolution:
        return Resolution(
            name,
            "resolved",
            ticker=security.ticker,
            method=method,
            confidence=CONFIDENCE[method],
            cik=security.cik,
            title=security.title,
        )


def common_listings(tickers: Sequence[Security]) -> list[Security]:
    """Return a company's primary listing and its other share classes, primary first.

    ``tickers`` are one company's, in the SEC's order. Preferred shares, warrants,
    units, rights and notes are left out, and so are over-the-counter lines of a
    company listed on an exchange.
    """
    kept = common_lines(tickers)
    if not kept:
        return []

    primary = kept[0]
    return [primary, *(s for s in kept[1:] if _same_stock(primary, s))]


def common_lines(tickers: Sequence[Security]) -> list[Security]:
    """Return a company's tickers other than preferreds, warrants, units and notes.

    Over-the-counter lines are left out when the company is listed on an exchange. A
    fund or trust with several lines here is a trust of several funds (ProShares Trust
    II, VS Trust), whose title names none of them.
    """
    names = {s.ticker for s in tickers}
    kept: list[Security] = []
    for security in tickers:
        ticker = security.ticker
        suffix = ticker.partition(".")[2]
        if suffix and not (len(suffix) == 1 and suffix in _CLASS_LETTERS):
            continue
        # After the primary, ROOT plus a fifth letter is a note, a preferred share, a
        # warrant or a unit, unless the letter names a class (Nasdaq's convention).
        extension = len(ticker) == 5 and ticker[:-1] in names
        if kept and extension and ticker[-1] not in _CLASS_LETTERS:
            continue
        kept.append(security)
    if any(s.exchange in _MAJOR_EXCHANGES for s in kept):
        kept = [s for s in kept if s.exchange in _MAJOR_EXCHANGES]
    return kept


def _same_stock(primary: Security, other: Security) -> bool:
    """Return whether two tickers of one company look like classes of its shares."""
    first, second = primary.ticker, other.ticker
    if first.partition(".")[0] == second.partition(".")[0]:
        return True
    if first[:-1] == second:
        return True
    # Only Nasdaq names a class by an added letter (NWSA, LBRDK); on the NYSE a
    # longer ticker such as DUKB is a note.
    if other.exchange != "Nasdaq" or second[-1] not in _CLASS_LETTERS:
        return False
    return second[:-1] == first or (
        len(first) == len(second)
        and first[:-1] == second[:-1]
        and first[-1] in _CLASS_LETTERS
    )


def share_class(ticker: str, listings: Sequence[Security]) -> str | None:
    """Return the class letter a ticker carries among its company's classes, or None."""
    _, _, suffix = ticker.partition(".")
    if suffix:
        return suffix
    others = {s.ticker for s in listings}
    if ticker[:-1] in others and ticker[-1] in _CLASS_LETTERS:
        return ticker[-1]
    return None


# --- the backfill ----------------------------------------------------------------------


@dataclass
class BackfillResult:
    """What one ticker backfill found and did.

    ``rows_examined`` = ``resolved`` + ``ambiguous`` + ``unresolved``; ``skipped`` are
    the unresolved rows of kinds the resolver never answers for (funds, bonds, ...).
    """

    rows_examined: int = 0
    resolved: int = 0
    unresolved: int = 0
    ambiguous: int = 0
    dry_run: bool = False
    skipped: int = 0
    manual_reapplied: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    source: str | None = None
    securities_source: str | None = None
    securities_fetched_at: str | None = None
    duration_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-able metrics, with data-collection style counts."""
        data = asdict(self)
        data.update(
            records_found=self.rows_examined,
            records_processed=self.rows_examined,
            records_updated=self.resolved + self.manual_reapplied,
            records_failed=0,
        )
        return data


_ROWS_SQL = (
    "SELECT d.id, d.asset_name, d.asset_type_code, d.asset_type, d.asset_cusip, "
    "r.status, r.ticker, f.source_id FROM trading_disclosures d "
    "JOIN filings f ON f.id = d.filing_id "
    "LEFT JOIN ticker_resolutions r ON r.disclosure_id = d.id "
    "WHERE d.asset_ticker IS NULL AND d.id > ? {where} ORDER BY d.id LIMIT ?"
)
# Registers outside the US list mostly private companies: only exact SEC names count.
EXACT_ONLY_SOURCES = frozenset({"uk-parliament", "eu-parliament"})
_INSERT_RESOLUTION = (
    "INSERT INTO ticker_resolutions (disclosure_id, status, method, ticker, "
    "confidence, asset_name, normalized_name, cik, sec_title, candidates, reason, "
    "securities_source, securities_fetched_at, decided_at, decided_by) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
)
# The resolver's rows change only when its decision does, so a rerun writes nothing.
_UPSERT_RESOLUTION = _INSERT_RESOLUTION + (
    "ON CONFLICT (disclosure_id) DO UPDATE SET status = excluded.status, "
    "method = excluded.method, ticker = excluded.ticker, "
    "confidence = excluded.confidence, asset_name = excluded.asset_name, "
    "normalized_name = excluded.normalized_name, cik = excluded.cik, "
    "sec_title = excluded.sec_title, candidates = excluded.candidates, "
    "reason = excluded.reason, securities_source = excluded.securities_source, "
    "securities_fetched_at = excluded.securities_fetched_at, "
    "decided_at = excluded.decided_at, decided_by = excluded.decided_by "
    "WHERE ticker_resolutions.status IS NOT excluded.status "
    "OR ticker_resolutions.ticker IS NOT excluded.ticker "
    "OR ticker_resolutions.candidates IS NOT excluded.candidates"
)
_RECORD_MANUAL = _INSERT_RESOLUTION + (
    "ON CONFLICT (disclosure_id) DO UPDATE SET status = excluded.status, "
    "method = excluded.method, ticker = excluded.ticker, "
    "confidence = excluded.confidence, decided_at = excluded.decided_at, "
    "decided_by = excluded.decided_by"
)


def backfill_tickers(
    conn: sqlite3.Connection,
    *,
    dry_run: bool = False,
    source: str | None = None,
    limit: int | None = None,
    batch_size: int = 1000,
) -> BackfillResult:
    """Resolve the tickers of rows that state none, one transaction per batch."""
    if batch_size < 1:
        raise UsageError("batch size must be at least 1")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")

    started = time.monotonic()
    if not dry_run:
        ensure_securities(conn)
    resolver = Resolver.from_db(conn)
    version = list_version(conn)
    result = BackfillResult(
        dry_run=dry_run,
        source=source,
        securities_source=version["source"] or "bundled",
        securities_fetched_at=version["fetched_at"],
    )

    sql = _rows_sql(source)
    last_id, remaining = 0, limit
    while remaining is None or remaining > 0:
        take = batch_size if remaining is None else min(batch_size, remaining)
        params = [last_id, *([source] if source else []), take]
        # Reading and writing a batch under one write lock: a ticker a collection
        # stores meanwhile is never overwritten or traced as the resolver's.
        with contextlib.nullcontext() if dry_run else transaction(conn):
            rows = conn.execute(sql, params).fetchall()
            decisions = [(row, _decision(resolver, row)) for row in rows]
            if rows and not dry_run:
                _write_batch(conn, decisions, result)
        if not rows:
            break
        _count(result, decisions)
        result.batches += 1
        last_id = rows[-1][0]
        if remaining is not None:
            remaining -= len(rows)

    result.duration_seconds = round(time.monotonic() - started, 3)
    logger.info(
        "Ticker backfill%s: %s rows without a ticker, %s resolved, %s ambiguous, "
        "%s left unresolved (%s not resolvable kinds); last row %s.",
        " (dry run)" if dry_run else "",
        result.rows_examined,
        result.resolved,
        result.ambiguous,
        result.unresolved,
        result.skipped,
        last_id,
    )
    return result


def _rows_sql(source: str | None) -> str:
    return _ROWS_SQL.format(where="AND f.source_id = ?" if source else "")


def _decision(resolver: Resolver, row: sqlite3.Row) -> Resolution:
    _, name, type_code, asset_type, cusip, status, manual_ticker, source = row
    if status == "manual" and manual_ticker:
        return Resolution(
            name or "",
            "resolved",
            ticker=manual_ticker,
            method="manual",
            confidence=CONFIDENCE["manual"],
        )
    return resolver.resolve(
        name,
        type_code=type_code,
        asset_type=asset_type,
        cusip=cusip,
        exact_only=source in EXACT_ONLY_SOURCES,
    )


def _count(
    result: BackfillResult, decisions: list[tuple[sqlite3.Row, Resolution]]
) -> None:
    for _, decision in decisions:
        result.rows_examined += 1
        if decision.status == "resolved" and decision.method == "manual":
            result.manual_reapplied += 1
        elif decision.status == "resolved":
            result.resolved += 1
        elif decision.status == "ambiguous":
            result.ambiguous += 1
        else:
            result.unresolved += 1
            result.skipped += decision.status == "skipped"
        if decision.method:
            result.by_method[decision.method] = (
                result.by_method.get(decision.method, 0) + 1
            )


def _write_batch(
    conn: sqlite3.Connection,
    decisions: list[tuple[sqlite3.Row, Resolution]],
    result: BackfillResult,
) -> None:
    now = clock.now_text()
    updates = []
    records = []
    stale = []
    for row, decision in decisions:
        disclosure_id, had_status = row[0], row[5]
        if decision.status == "resolved":
            updates.append(
                (
                    decision.ticker,
                    decision.method,
                    decision.confidence,
                    now,
                    disclosure_id,
                )
            )
            if decision.method != "manual":
                records.append(_record(disclosure_id, decision, result, now))
        elif decision.status == "ambiguous":
            records.append(_record(disclosure_id, decision, result, now))
        elif had_status in ("resolved", "ambiguous"):
            stale.append((disclosure_id,))

    conn.executemany(
        "UPDATE trading_disclosures SET asset_ticker = ?, ticker_source = ?, "
        "ticker_confidence = ?, updated_at = ? WHERE id = ? AND asset_ticker IS NULL",
        updates,
    )
    conn.executemany(_UPSERT_RESOLUTION, records)
    conn.executemany(
        "DELETE FROM ticker_resolutions WHERE disclosure_id = ? "
        "AND status IN ('resolved', 'ambiguous')",
        stale,
    )


def _record(
    disclosure_id: int, decision: Resolution, result: BackfillResult, now: str
) -> tuple[Any, ...]:
    return (
        disclosure_id,
        decision.status,
        decision.method,
        decision.ticker,
        decision.confidence,
        decision.name,
        normalize_name(decision.name),
        decision.cik,
        decision.title,
        json.dumps(list(decision.candidates)) if decision.candidates else None,
        decision.reason,
        result.securities_source,
        result.securities_fetched_at,
        now,
        None,
    )


# --- review and manual answers ---------------------------------------------------------


def ambiguous_rows(
    conn: sqlite3.Connection, *, source: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Return rows left without a ticker because several securities fit their name."""
    sql = (
        "SELECT d.id AS disclosure_id, d.asset_name, r.candidates, r.reason, "
        "f.source_id AS source, f.doc_id, d.transaction_date, p.full_name AS politician "
        "FROM ticker_resolutions r JOIN trading_disclosures d ON d.id = r.disclosure_id "
        "JOIN filings f ON f.id = d.filing_id "
        "LEFT JOIN politicians p ON p.id = d.politician_id "
        "WHERE r.status = 'ambiguous' AND d.asset_ticker IS NULL "
        + ("AND f.source_id = ? " if source else "")
        + "ORDER BY d.asset_name, d.id LIMIT ?"
    )
    params: list[Any] = [*([source] if source else []), limit]
    rows = []
    for row in conn.execute(sql, params):
        record = dict(row)
        record["candidates"] = ", ".join(json.loads(record["candidates"] or "[]"))
        rows.append(record)
    return rows


def set_ticker(
    conn: sqlite3.Connection,
    disclosure_id: int,
    ticker_text: str,
    *,
    user: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Record a person's ticker for one disclosure; return what changed."""
    ticker = normalize_ticker(ticker_text)
    if ticker is None:
        raise UsageError(
            f"'{ticker_text}' is not a ticker (1 to 5 letters, a class after a dot: "
            "BRK.B)"
        )

    now = clock.now_text()
    with transaction(conn):
        row = conn.execute(
            "SELECT asset_name, asset_ticker, ticker_source FROM trading_disclosures "
            "WHERE id = ?",
            (disclosure_id,),
        ).fetchone()
        if row is None:
            raise UsageError(f"no disclosure with id {disclosure_id}")
        name, before, before_source = row
        if before_source == "document" and before != ticker and not force:
            raise UsageError(
                f"disclosure {disclosure_id} states the ticker {before} in its "
                "document; pass --force to replace it"
            )
        conn.execute(
            "UPDATE trading_disclosures SET asset_ticker = ?, ticker_source = 'manual', "
            "ticker_confidence = 1.0, updated_at = ? WHERE id = ?",
            (ticker, now, disclosure_id),
        )
        conn.execute(
            _RECORD_MANUAL,
            (
                disclosure_id,
                "manual",
                "manual",
                ticker,
                1.0,
                name or "",
                normalize_name(name or ""),
                None,
                None,
                None,
                None,
                None,
                None,
                now,
                user,
            ),
        )
        known = conn.execute(
            "SELECT title FROM securities WHERE ticker = ?", (ticker,)
        ).fetchone()
    return {
        "disclosure_id": disclosure_id,
        "asset_name": name,
        "ticker": ticker,
        "previous_ticker": before,
        "previous_source": before_source,
        "sec_title": known[0] if known else None,
    }


def security(conn: sqlite3.Connection, ticker: str) -> dict[str, Any] | None:
    """Return the stored security of exactly this ticker, or None."""
    row = conn.execute(
        "SELECT ticker, cik, title, exchange, source, fetched_at FROM securities "
        "WHERE ticker = ? ORDER BY position LIMIT 1",
        (ticker,),
    ).fetchone()
    return dict(row) if row else None


def securities_rows(
    conn: sqlite3.Connection, *, search: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Return stored securities, optionally those whose ticker or title has ``search``."""
    sql = "SELECT ticker, cik, title, exchange, source, fetched_at FROM securities"
    params: list[Any] = []
    if search:
        sql += " WHERE ticker = ? OR title LIKE ?"
        params += [search.upper(), f"%{search}%"]
    sql += " ORDER BY position, ticker LIMIT ?"
    params.append(limit)
    return [dict(row) for row in conn.execute(sql, params)]
