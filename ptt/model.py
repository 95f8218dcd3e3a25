"""Plain records passed between parsers, sources and the store.

Parsers return these and nothing else; they never touch the network, the database or the
clock. A field the document does not state stays ``None``: nothing here is ever guessed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

ParseStatus = Literal["parsed", "needs_ocr", "failed", "not_a_transaction_report"]
Owner = Literal["self", "spouse", "joint", "dependent"]

# Words used across the code, the schema and the CLI.
TRANSACTION_TYPES = (
    "purchase",
    "sale_full",
    "sale_partial",
    "sale",  # a sale the document does not call full or partial
    "exchange",
    "holding",  # a position declared, not traded (UK, EU, California)
    "interest",  # another declared interest kept with its category (UK, EU)
)
OWNERS: tuple[Owner, ...] = ("self", "spouse", "joint", "dependent")


@dataclass
class StatedPolitician:
    """A politician as one document names them, before identity matching."""

    full_name: str
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    honorific: str | None = None
    role: str | None = None
    party: str | None = None
    state_country: str | None = None
    district: str | None = None
    chamber: str | None = None
    # A parliamentary group across national parties (European Parliament).
    group: str | None = None
    # Namespace to id, e.g. {"uk_member_id": "172", "ep_id": "197490"}.
    external_ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Transaction:
    """One row of a disclosure: a trade, or a declared holding or interest."""

    row: int
    transaction_date: dt.date | None = None
    notification_date: dt.date | None = None
    owner: Owner | None = None
    asset_name: str | None = None
    asset_ticker: str | None = None
    ticker_source: str | None = None
    ticker_confidence: float | None = None
    asset_cusip: str | None = None
    asset_isin: str | None = None
    asset_type_code: str | None = None
    asset_type: str | None = None
    transaction_type: str | None = None
    amount_range_min: int | None = None
    amount_range_max: int | None = None
    amount_text: str | None = None
    cap_gains_over_200: bool | None = None
    filing_status: str | None = None
    subholding_of: str | None = None
    location: str | None = None
    description: str | None = None
    comment: str | None = None
    option_type: str | None = None
    option_strike: float | None = None
    option_expiry: dt.date | None = None
    option_underlying: str | None = None
    category: str | None = None
    # Where the row's content came from when it is not the filing's own source
    # (for example an aggregator's parsed copy of an official document).
    origin: str | None = None
    # The row as the document gave it, for traceability.
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedDocument:
    """What one source document says: the filing, its filer and its rows."""

    source: str
    doc_id: str
    parse_status: ParseStatus
    filing_type: str | None = None
    filing_date: dt.date | None = None
    parse_error: str | None = None
    politician: StatedPolitician | None = None
    transactions: list[Transaction] = field(default_factory=list)
    is_amendment: bool = False
    amends_doc_id: str | None = None
    page_image_urls: list[str] = field(default_factory=list)
    url: str | None = None
    # The dataset that supplied the document when it is not the official body's own
    # (an import, an aggregator's parsed copy): stored as ``filings.origin``.
    origin: str | None = None
    # Document-level facts as stated (header lines, signature, dates from each place).
    raw: dict[str, Any] = field(default_factory=dict)


def to_jsonable(value: Any) -> Any:
    """Return ``value`` with dataclasses, dates and tuples turned into JSON types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
