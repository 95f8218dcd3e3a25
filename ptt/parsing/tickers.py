"""Tickers, security identifiers and option terms as documents state them.

A ticker is taken only where the document states it: a ticker column, an identifier in
parentheses after the asset name (``Alphabet Inc. - Class A (GOOGL) [ST]``), or an
exchange prefix (``NYSE: BRK.B``). An asset-type code in square brackets (``[ST]``) is
never a ticker, and neither is any bare capitalised word, an owner code (``SP``), a
word such as ``(MUNI)`` without an asset-type code after it, or anything in parentheses
before the code of an account or a holding that has no ticker (``[BK]``, ``[IR]``,
``[RP]``). CUSIPs and ISINs are recognised by their check digits and kept apart from
tickers. Class shares are stored in one form, the class after a dot
(``BRK-B``, ``BRK/B`` and ``brk.b`` all become ``BRK.B``).

Option terms (call or put, strike, expiry, underlying) are read from the House's prose
(``Sold 130 call options ... with a strike price of $210 and an expiration date of
1/20/23``), from labelled lines (``Option Type: Call``, ``Strike price: $150``,
``Expires: 01/17/2025``, as the Senate writes them) and from OCC option symbols
(``AAPL250117C00150000``). A term the text does not state stays None.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

# One to five letters, optionally a class suffix after a dot, dash or slash (BRK.B, BF-B).
_TICKER = re.compile(r"^[A-Z]{1,5}(?:[.\-/][A-Z]{1,2})?$")
_TYPE_CODE_AT_END = re.compile(r"\s*\[([A-Z0-9]{2})\]\s*$")
_PAREN_AT_END = re.compile(r"\s*\(([^()]{1,20})\)\s*$")
_EXCHANGE_PREFIX = re.compile(
    r"\b(?:NYSE\s?(?:Arca|American|MKT)?|NASDAQ|Nasdaq|AMEX|Cboe|CBOE)"
    r"\s*[:=]\s*([A-Za-z]{1,5}(?:[.\-/][A-Za-z]{1,2})?)(?![A-Za-z0-9])",
)
_NO_TICKER = {"", "--", "-", "N/A", "NA", "NONE"}

# Capital words that filings put in parentheses and that are never tickers there.
_NEVER_TICKERS = frozenset(
    {"ADR", "CORP", "ETF", "ETN", "INC", "LLC", "LLP", "LP", "LTD", "PLC", "REIT"}
)
# Words, owner codes (SP, JT, DC) and abbreviations that some filings put in parentheses
# after an asset. Some are also tickers (CL is Colgate-Palmolive, SE is Sea Limited), so
# they count as tickers only where an asset-type code follows, as in the House's
# "(TICKER) [ST]".
_TICKERS_ONLY_BEFORE_A_CODE = frozenset(
    {
        "ADS", "AG", "CD", "CL", "CO", "DBA", "DC", "DRIP", "ESOP", "FKA", "HSA", "IRA",
        "JT", "MLP", "MUNI", "NEW", "NV", "NYSE", "OLD", "OTC", "PUBL", "ROTH", "SA",
        "SE", "SEP", "SP", "UGMA", "UK", "US", "USA", "USD", "UTMA",
    }
)  # fmt: skip
# House asset-type codes of accounts and holdings that no exchange lists: brokerage and
# bank accounts, retirement and 529 accounts, pensions, annuities, insurance, trusts,
# real property, farms, private businesses, debts, collectibles, blind trusts.
_CODES_WITHOUT_TICKERS = frozenset(
    {
        "4K", "5C", "5F", "5P", "BA", "BK", "CO", "DB", "DO", "DS", "EQ", "FA", "FN",
        "IC", "IH", "IP", "IR", "MA", "OI", "OL", "PE", "PS", "RP", "TR", "VA", "VI",
        "WU",
    }
)  # fmt: skip


@dataclass(frozen=True)
class AssetParts:
    """An asset description split into its name and the identifiers it states."""

    name: str
    ticker: str | None = None
    cusip: str | None = None
    isin: str | None = None
    type_code: str | None = None


def normalize_ticker(text: str | None) -> str | None:
    """Return the ticker in its one stored form (upper case, class after a dot), or None."""
    if text is None:
        return None
    candidate = text.strip().upper().lstrip("$")
    if candidate in _NO_TICKER:
        return None
    if not _TICKER.match(candidate):
        return None
    return re.sub(r"[\-/]", ".", candidate)


def _luhn_digits(body: str) -> list[int]:
    digits: list[int] = []
    for ch in body:
        if ch.isdigit():
            digits.append(int(ch))
        else:
            digits.extend(int(d) for d in str(ord(ch) - 55))
    return digits


def is_cusip(text: str) -> bool:
    """Return whether ``text`` is a CUSIP with a valid check digit."""
    if len(text) != 9 or not text.isalnum() or not text[-1].isdigit():
        return False

    total = 0
    for i, ch in enumerate(text[:8].upper()):
        if ch.isdigit():
            value = int(ch)
        elif ch.isalpha():
            value = ord(ch) - 55
        else:
            return False
        if i % 2 == 1:
            value *= 2
        total += value // 10 + value % 10
    return (10 - total % 10) % 10 == int(text[-1])


def is_isin(text: str) -> bool:
    """Return whether ``text`` is an ISIN with a valid check digit."""
    if len(text) != 12 or not text[:2].isalpha() or not text.isalnum():
        return False
    if not text[-1].isdigit():
        return False

    digits = _luhn_digits(text[:-1].upper())
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
        total += d // 10 + d % 10
    return (10 - total % 10) % 10 == int(text[-1])


def _stated_in_parentheses(inner: str, type_code: str | None) -> str | None:
    """Return the ticker a parenthesised word states, or None."""
    # Tickers are written in capitals; "(Family)", "(publ)" and "(Exchanged)" are words.
    if not inner.isupper() or " " in inner:
        return None

    ticker = normalize_ticker(inner)
    if ticker is None or ticker in _NEVER_TICKERS:
        return None
    if type_code in _CODES_WITHOUT_TICKERS:
        return None
    if ticker in _TICKERS_ONLY_BEFORE_A_CODE and type_code is None:
        return None
    return ticker


def split_asset(text: str) -> AssetParts:
    """Return the parts of an asset text such as ``Alphabet Inc. - Class A (GOOGL) [ST]``."""
    rest = " ".join(text.split())
    type_code = None
    match = _TYPE_CODE_AT_END.search(rest)
    if match:
        type_code = match.group(1)
        rest = rest[: match.start()]

    ticker = cusip = isin = None
    match = _PAREN_AT_END.search(rest)
    if match:
        inner = match.group(1).strip()
        if is_cusip(inner.upper()):
            cusip = inner.upper()
        elif is_isin(inner.upper()):
            isin = inner.upper()
        else:
            ticker = _stated_in_parentheses(inner, type_code) or ticker_after_exchange(
                inner
            )
        if cusip or isin or ticker:
            rest = rest[: match.start()]

    if ticker is None and cusip is None and isin is None:
        ticker = ticker_after_exchange(rest)

    return AssetParts(
        name=rest.strip(), ticker=ticker, cusip=cusip, isin=isin, type_code=type_code
    )


def ticker_after_exchange(text: str | None) -> str | None:
    """Return the ticker an exchange prefix states (``NYSE: BRK.B``, ``Nasdaq=goog``)."""
    if not text:
        return None

    match = _EXCHANGE_PREFIX.search(text)
    if not match:
        return None
    return normalize_ticker(match.group(1))


# --- options -------------------------------------------------------------------------

OptionType = Literal["call", "put"]


@dataclass(frozen=True)
class OptionTerms:
    """The terms of an option as a document states them; a missing term is None."""

    option_type: OptionType | None = None
    strike: float | None = None
    expiry: dt.date | None = None
    underlying: str | None = None
    contracts: int | None = None


_MONEY = r"\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)"
_DATE = (
    r"(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})"
)
_CONTRACTS_AND_TYPE = re.compile(
    r"\b([0-9][0-9,]*)\s+(call|put)s?\b(?:\s+options?|\s+contracts?)?", re.IGNORECASE
)
_TYPE_WORD = re.compile(
    r"\b(call|put)s?\b(?=\s+(?:options?|contracts?)\b)|\boptions?\s*type\s*[:=]?\s*"
    r"(call|put)\b|\b(call|put)\s*options?\b",
    re.IGNORECASE,
)
_STRIKE = re.compile(
    r"\bstrike(?:\s+price)?(?:\s+of|\s+at)?\s*[:=]?\s*" + _MONEY, re.IGNORECASE
)
_EXPIRY = re.compile(
    r"\b(?:expiration(?:\s+date)?|expiry(?:\s+date)?|expires|expiring|exp\.?)"
    r"(?:\s+(?:of|on))?\s*[:=]?\s*" + _DATE,
    re.IGNORECASE,
)
# OCC symbol: root, yymmdd, C or P, strike times 1000 in eight digits.
_OCC = re.compile(r"\b([A-Z]{1,6})\s?(\d{2})(\d{2})(\d{2})([CP])(\d{8})\b")
_DATE_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%B %d %Y",
    "%b %d %Y",
    "%b. %d %Y",
)
_BARE_TYPE_WORD = re.compile(r"\b(call|put)s?\b", re.IGNORECASE)
OPTION_TYPE_CODE = "OP"


def parse_money(text: str) -> float | None:
    """Return an amount of money such as ``$1,250.50`` as a number, or None."""
    cleaned = text.replace("$", "").replace(",", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_option_date(text: str) -> dt.date | None:
    """Return a stated expiry date (``1/20/23``, ``01/17/2025``, ``Jan 17, 2025``)."""
    value = " ".join(text.replace(",", " ").split())
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def read_option_line(line: str) -> OptionTerms | None:
    """Return the one term a labelled line states (``Strike price: $150``), or None."""
    label, colon, value = line.partition(":")
    if not colon:
        return None

    label = label.strip().lower()
    value = value.strip()
    if label == "option type":
        kind = _option_type(value.lower())
        return OptionTerms(option_type=kind) if kind else None
    if label.startswith("strike") and (strike := parse_money(value)) is not None:
        return OptionTerms(strike=strike)
    if label.startswith("expir") and (expiry := parse_option_date(value)) is not None:
        return OptionTerms(expiry=expiry)
    return None


def looks_like_option(
    asset: str | None,
    description: str | None = None,
    *,
    type_code: str | None = None,
    asset_type: str | None = None,
) -> bool:
    """Return whether the row is an option: its code, its type or its words say so."""
    if type_code == OPTION_TYPE_CODE:
        return True
    if asset_type and "option" in asset_type.lower():
        return True
    text = " ".join(t for t in (asset, description) if t)
    return bool(_TYPE_WORD.search(text) or _OCC.search(text))


def parse_option(
    asset: str | None,
    description: str | None = None,
    *,
    type_code: str | None = None,
    asset_type: str | None = None,
) -> OptionTerms | None:
    """Return the option terms an asset text and its description state, or None."""
    asset_text = " ".join((asset or "").split())
    parts = split_asset(asset_text) if asset_text else None
    code = type_code or (parts.type_code if parts else None)
    if not looks_like_option(
        asset_text, description, type_code=code, asset_type=asset_type
    ):
        return None

    underlying = parts.ticker if parts and parts.ticker else None
    found: dict[str, object] = {}
    for text in (description, asset_text):
        if text:
            _read_option_text(" ".join(text.split()), found)

    if underlying is None:
        occ_root = found.get("occ_root")
        underlying = str(occ_root) if occ_root else None
    if underlying is None and parts and parts.name:
        underlying = parts.name

    if "option_type" not in found:
        # The row is known to be an option, so a lone "Calls" or "put" decides.
        match = _BARE_TYPE_WORD.search(f"{description or ''} {asset_text}")
        if match:
            found["option_type"] = match.group(1).lower()

    option_type = found.get("option_type")
    strike = found.get("strike")
    expiry = found.get("expiry")
    contracts = found.get("contracts")
    return OptionTerms(
        option_type=_option_type(option_type),
        strike=strike if isinstance(strike, float) else None,
        expiry=expiry if isinstance(expiry, dt.date) else None,
        underlying=underlying,
        contracts=contracts if isinstance(contracts, int) else None,
    )


def _option_type(value: object) -> OptionType | None:
    if value == "call":
        return "call"
    if value == "put":
        return "put"
    return None


def _read_option_text(text: str, found: dict[str, object]) -> None:
    """Add to ``found`` the terms one text states, keeping terms already found."""
    for segment in re.split(r"\s*(?:;|\n|<br>)\s*", text):
        term = read_option_line(segment)
        if term is None:
            continue
        for key, value in (
            ("option_type", term.option_type),
            ("strike", term.strike),
            ("expiry", term.expiry),
        ):
            if value is not None:
                found.setdefault(key, value)

    match = _CONTRACTS_AND_TYPE.search(text)
    if match:
        found.setdefault("contracts", int(match.group(1).replace(",", "")))
        found.setdefault("option_type", match.group(2).lower())
    match = _TYPE_WORD.search(text)
    if match:
        word = next(g for g in match.groups() if g)
        found.setdefault("option_type", word.lower())
    match = _STRIKE.search(text)
    if match and (strike := parse_money(match.group(1))) is not None:
        found.setdefault("strike", strike)
    match = _EXPIRY.search(text)
    if match and (expiry := parse_option_date(match.group(1))) is not None:
        found.setdefault("expiry", expiry)

    match = _OCC.search(text)
    if match:
        root, yy, mm, dd, kind, strike_text = match.groups()
        try:
            expiry = dt.date(2000 + int(yy), int(mm), int(dd))
        except ValueError:
            return
        found.setdefault("occ_root", root)
        found.setdefault("option_type", "call" if kind == "C" else "put")
        found.setdefault("strike", int(strike_text) / 1000)
        found.setdefault("expiry", expiry)
