"""Read-only questions about what was collected.

Trades, politicians, tickers, late filings, statistics and the installation's status. Each
function takes an open connection and returns plain rows (dicts), or an iterator of them
where the answer can be large, so the CLI, an export and a notebook all ask the same
questions the same way. The filters shared by ``trades`` and ``export`` are one
:class:`Filter`, built from what a user typed by :func:`build_filter`, which turns a bad
value into a one-line :class:`~ptt.errors.UsageError`.

The SQL reads the views of schema.sql (``trades``), so that the columns people see in the
file and in the CLI have the same names.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ptt.errors import UsageError
from ptt.names import fold

# Rows that are trades, as opposed to declared holdings and interests.
TRADE_TYPES = ("purchase", "sale_full", "sale_partial", "sale", "exchange")
SALE_TYPES = ("sale_full", "sale_partial", "sale")
_TRADE_TYPES_SQL = ", ".join(f"'{t}'" for t in TRADE_TYPES)
_SALE_TYPES_SQL = ", ".join(f"'{t}'" for t in SALE_TYPES)

# What --type accepts, and the stored types each word stands for.
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "purchase": ("purchase",),
    "buy": ("purchase",),
    "sale": SALE_TYPES,
    "sell": SALE_TYPES,
    "sale_full": ("sale_full",),
    "sale_partial": ("sale_partial",),
    "exchange": ("exchange",),
    "trade": TRADE_TYPES,
    "holding": ("holding",),
    "interest": ("interest",),
}
# What --owner accepts: the stored words and the House owner codes.
OWNER_WORDS: dict[str, str] = {
    "self": "self",
    "spouse": "spouse",
    "sp": "spouse",
    "joint": "joint",
    "jt": "joint",
    "dependent": "dependent",
    "child": "dependent",
    "dc": "dependent",
}
CHAMBERS = ("house", "senate", "commons", "lords", "european_parliament", "state")
DATE_FIELDS: dict[str, str] = {
    "transaction": "transaction_date",
    "disclosure": "disclosure_date",
}
SORT_FIELDS = ("date", "amount", "politician", "ticker")
TICKER_ORDERS = ("count", "volume")

# Columns of a trade as commands print and export it, in this order.
TRADE_COLUMNS = (
    "trade_id",
    "transaction_date",
    "disclosure_date",
    "notification_date",
    "politician",
    "politician_id",
    "party",
    "state",
    "chamber",
    "owner",
    "ticker",
    "asset",
    "asset_type",
    "type",
    "amount_min",
    "amount_max",
    "amount_text",
    "source",
    "document_id",
    "document_url",
    "status",
)

# The STOCK Act clocks: days after the transaction, and after the notification of it.
TRANSACTION_CLOCK_DAYS = 45
NOTIFICATION_CLOCK_DAYS = 30

# A tick is expected every minute; this much silence means cron stopped calling it.
TICK_SILENCE_SECONDS = 180
SOURCE_FAILURES_ALERT = 2

# Words a user may put before or around a name that never tell two people apart.
_HONORIFICS = frozenset((
    "hon", "honorable", "honourable", "the", "mr", "mrs", "ms", "dr", "sen", "senator",
    "rep", "representative", "mep", "mp", "sir", "dame",
))  # fmt: skip


def _dict_rows(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()
) -> Iterator[dict[str, Any]]:
    """Return the rows of a query as dicts, read as they are used."""
    names: list[str] = []

    # Building each dict from the column names is several times faster than dict(Row),
    # which counts when an export reads a million rows.
    def as_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
        if not names:
            names.extend(column[0] for column in cursor.description)
        return dict(zip(names, row, strict=True))

    cursor = conn.cursor()
    cursor.row_factory = as_dict
    return cursor.execute(sql, params)


# Reading what users type -----------------------------------------------------------------


def parse_date(text: str, option: str, *, end: bool = False) -> dt.date:
    """Return the date a user typed: YYYY-MM-DD, or YYYY-MM / YYYY for a whole period.

    A month or year means its first day, or its last day when ``end`` is true (for
    ``--until``).
    """
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = (int(part) for part in text.split("-"))
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 1
            return dt.date(year, month, last if end else 1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} '{text}' is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)"
        ) from None


def parse_types(text: str) -> tuple[str, ...]:
    """Return the stored transaction types a --type value stands for."""
    types: list[str] = []
    for word in text.lower().replace(" ", "").split(","):
        if word not in TYPE_WORDS:
            raise UsageError(
                f"unknown --type '{word}' (known: {', '.join(TYPE_WORDS)})"
            )
        types += [t for t in TYPE_WORDS[word] if t not in types]
    return tuple(types)


def parse_owner(text: str) -> str:
    """Return the stored owner an --owner value stands for."""
    owner = OWNER_WORDS.get(text.strip().lower())
    if owner is None:
        raise UsageError(
            f"unknown --owner '{text}' (known: self, spouse, joint, dependent)"
        )
    return owner


def parse_ticker(text: str) -> str:
    """Return a ticker in its stored form (upper case, class after a dot)."""
    from ptt.parsing.tickers import normalize_ticker

    ticker = normalize_ticker(text)
    if ticker is None:
        raise UsageError(f"--ticker '{text}' is not a ticker (e.g. AAPL, BRK.B)")
    return ticker


def parse_chamber(text: str) -> str:
    """Return a chamber as stored."""
    chamber = text.strip().lower().replace(" ", "_").replace("-", "_")
    if chamber not in CHAMBERS:
        raise UsageError(f"unknown --chamber '{text}' (known: {', '.join(CHAMBERS)})")
    return chamber


def parse_sort(text: str) -> tuple[str, bool]:
    """Return the sort field and whether it runs descending (a leading '-')."""
    descending = text.startswith("-")
    field = text.lstrip("-+").lower()
    if field not in SORT_FIELDS:
        raise UsageError(
            f"unknown --sort '{text}' (known: {', '.join(SORT_FIELDS)}; "
            "a leading '-' sorts descending)"
        )
    return field, descending


# Politician names ------------------------------------------------------------------------


def _name_words(text: str) -> list[str]:
    return [word for word in fold(text).split() if word not in _HONORIFICS]


@dataclass(frozen=True)
class PoliticianMatch:
    """A politician a name matched, and whether one spelling equals the name."""

    id: int
    full_name: str
    exact: bool


def match_politicians(conn: sqlite3.Connection, name: str) -> list[PoliticianMatch]:
    """Return the politicians one of whose spellings holds every word of ``name``.

    Spellings are the full name, first and last name, the last name alone and every alias
    in politician_aliases; matching ignores case, accents, punctuation and honorifics.
    A politician merged into another counts as that other one.
    """
    wanted = _name_words(name)
    if not wanted:
        return []

    spellings: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    merged_into: dict[int, int] = {}
    for row in conn.execute(
        "SELECT id, full_name, first_name, middle_name, last_name, merged_into_id "
        "FROM politicians"
    ):
        names[row["id"]] = row["full_name"]
        if row["merged_into_id"] is not None:
            merged_into[row["id"]] = row["merged_into_id"]
        first_last = " ".join(
            part
            for part in (row["first_name"], row["middle_name"], row["last_name"])
            if part
        )
        spellings[row["id"]] = [row["full_name"], first_last]
    for row in conn.execute(
        "SELECT politician_id, COALESCE(alias_name, alias_key) AS spelling "
        "FROM politician_aliases"
    ):
        spellings.setdefault(row["politician_id"], []).append(row["spelling"])

    found: dict[int, bool] = {}
    for politician_id, texts in spellings.items():
        target = merged_into.get(politician_id, politician_id)
        for text in texts:
            words = _name_words(text or "")
            if words and set(wanted) <= set(words):
                found[target] = found.get(target, False) or words == wanted
    return sorted(
        (
            PoliticianMatch(pid, names.get(pid, ""), exact)
            for pid, exact in found.items()
        ),
        key=lambda match: (not match.exact, match.full_name, match.id),
    )


def _politician_ids(conn: sqlite3.Connection, name: str) -> list[int]:
    matches = match_politicians(conn, name)
    if not matches:
        raise UsageError(f"no politician matches '{name}' (see: ptt politicians)")

    ids = {match.id for match in matches}
    # Rows may still point at a politician merged into one of these.
    marks = ",".join("?" * len(ids))
    ids |= {
        row[0]
        for row in conn.execute(
            f"SELECT id FROM politicians WHERE merged_into_id IN ({marks})",
            sorted(ids),
        )
    }
    return sorted(ids)


def find_politician(conn: sqlite3.Connection, name: str) -> int:
    """Return the id of the one politician a name or id designates."""
    if name.strip().isdigit():
        row = conn.execute(
            "SELECT id FROM politicians WHERE id = ?", (int(name),)
        ).fetchone()
        if row is None:
            raise UsageError(f"no politician has the id {name.strip()}")
        return int(row[0])

    matches = match_politicians(conn, name)
    if not matches:
        raise UsageError(f"no politician matches '{name}' (see: ptt politicians)")
    exact = [match for match in matches if match.exact]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0].id

    listed = ", ".join(f"{m.full_name} (id {m.id})" for m in matches[:5])
    more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
    raise UsageError(
        f"'{name}' matches {len(matches)} politicians: {listed}{more}; "
        "give a fuller name or the id"
    )


# The shared filter -----------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """Which trades a question is about; empty fields do not filter."""

    politician: str | None = None
    ticker: str | None = None
    party: str | None = None
    state: str | None = None
    chamber: str | None = None
    source: str | None = None
    types: tuple[str, ...] = ()
    owner: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    date_field: str = "transaction"
    min_amount: int | None = None
    include_amended: bool = False
    # Politicians already resolved to ids (merged ones included), for library callers.
    politician_ids: tuple[int, ...] = ()

    @property
    def date_column(self) -> str:
        """Return the column that --since and --until compare."""
        return DATE_FIELDS[self.date_field]

    def where(
        self, conn: sqlite3.Connection, alias: str = "t", *, table: bool = False
    ) -> tuple[str, list[Any]]:
        """Return the SQL conditions (joined by AND) and their parameters.

        The conditions name the columns of the ``trades`` view under ``alias``, or those
        of ``trading_disclosures`` when ``table`` is true; what belongs to the politician
        or the filing is asked through a subquery, so no join is needed.
        """
        clauses: list[str] = []
        params: list[Any] = []

        def column(name: str) -> str:
            return f"{alias}.{_TABLE_COLUMNS.get(name, name) if table else name}"

        def add(clause: str, *values: Any) -> None:
            clauses.append(clause)
            params.extend(values)

        def marks(values: Sequence[Any]) -> str:
            return ",".join("?" * len(values))

        if not self.include_amended:
            add(f"{column('status')} = 'active'")
        if self.politician:
            ids = _politician_ids(conn, self.politician)
            add(f"{column('politician_id')} IN ({marks(ids)})", *ids)
        if self.politician_ids:
            ids = list(self.politician_ids)
            add(f"{column('politician_id')} IN ({marks(ids)})", *ids)
        who, values = self._politician_conditions()
        if who:
            add(
                f"{column('politician_id')} IN (SELECT id FROM politicians "
                f"WHERE {' AND '.join(who)})",
                *values,
            )
        if self.source:
            _check_source(conn, self.source)
            add(
                f"{column('filing_id')} IN (SELECT id FROM filings WHERE source_id = ?)",
                self.source,
            )
        if self.ticker:
            add(f"{column('ticker')} = ?", self.ticker)
        if self.types:
            add(f"{column('type')} IN ({marks(self.types)})", *self.types)
        if self.owner:
            add(f"{column('owner')} = ?", self.owner)
        if self.since:
            add(f"{column(self.date_column)} >= ?", self.since.isoformat())
        if self.until:
            add(f"{column(self.date_column)} <= ?", self.until.isoformat())
        if self.min_amount is not None:
            add(f"{column('amount_min')} >= ?", self.min_amount)
        return " AND ".join(clauses) or "1", params

    def _politician_conditions(self) -> tuple[list[str], list[Any]]:
        conditions: list[str] = []
        values: list[Any] = []
        if self.party and len(self.party) == 1:
            # A party's initial (D, R, I) matches however the source spells the party.
            conditions.append("UPPER(SUBSTR(party, 1, 1)) = ?")
            values.append(self.party.upper())
        elif self.party:
            conditions.append("party = ? COLLATE NOCASE")
            values.append(self.party)
        if self.state:
            conditions.append("state_country = ? COLLATE NOCASE")
            values.append(self.state)
        if self.chamber:
            conditions.append("chamber = ?")
            values.append(self.chamber)
        return conditions, values


# The names the trades view gives to columns of trading_disclosures.
_TABLE_COLUMNS = {
    "ticker": "asset_ticker",
    "type": "transaction_type",
    "amount_min": "amount_range_min",
    "amount_max": "amount_range_max",
    "asset": "asset_name",
    "trade_id": "id",
}


def build_filter(
    *,
    politician: str | None = None,
    ticker: str | None = None,
    party: str | None = None,
    state: str | None = None,
    chamber: str | None = None,
    source: str | None = None,
    transaction_type: str | None = None,
    owner: str | None = None,
    since: str | None = None,
    until: str | None = None,
    date_field: str = "transaction",
    min_amount: int | None = None,
    include_amended: bool = False,
) -> Filter:
    """Return the Filter for option values as typed; bad values raise UsageError."""
    if date_field not in DATE_FIELDS:
        raise UsageError(
            f"unknown --date-field '{date_field}' (known: {', '.join(DATE_FIELDS)})"
        )
    if min_amount is not None and min_amount < 0:
        raise UsageError(f"--min-amount {min_amount} is negative")

    start = parse_date(since, "--since") if since else None
    end = parse_date(until, "--until", end=True) if until else None
    if start and end and start > end:
        raise UsageError(f"--since {start} is after --until {end}")
    return Filter(
        politician=politician.strip() if politician else None,
        ticker=parse_ticker(ticker) if ticker else None,
        party=party.strip() if party else None,
        state=state.strip() if state else None,
        chamber=parse_chamber(chamber) if chamber else None,
        source=source.strip() if source else None,
        types=parse_types(transaction_type) if transaction_type else (),
        owner=parse_owner(owner) if owner else None,
        since=start,
        until=end,
        date_field=date_field,
        min_amount=min_amount,
        include_amended=include_amended,
    )


def known_source_ids(conn: sqlite3.Connection) -> list[str]:
    """Return the ids of the sources the database knows."""
    return [row[0] for row in conn.execute("SELECT id FROM data_sources ORDER BY id")]


def _check_source(conn: sqlite3.Connection, source: str) -> None:
    known = known_source_ids(conn)
    if source in known:
        return

    listed = ", ".join(known) if known else "none collected yet"
    raise UsageError(f"unknown --source '{source}' (known: {listed})")


# Trades ----------------------------------------------------------------------------------


def _trade_order(sort: str, date_column: str) -> str:
    field, descending = parse_sort(sort)
    column = {
        "date": date_column,
        "amount": "amount_min",
        "politician": "politician",
        "ticker": "ticker",
    }[field]
    direction = "DESC" if descending else "ASC NULLS LAST"
    return f"t.{column} {direction}, t.trade_id {'DESC' if descending else 'ASC'}"


def trades(
    conn: sqlite3.Connection,
    flt: Filter | None = None,
    *,
    sort: str = "-date",
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Return the trades the filter selects, one dict per row, read as they are used.

    Bad filter values raise UsageError here, before any row is read.
    """
    flt = flt or Filter()
    where, params = flt.where(conn)
    order = _trade_order(sort, flt.date_column)
    sql = (
        f"SELECT {', '.join('t.' + c for c in TRADE_COLUMNS)} FROM trades t "
        f"WHERE {where} ORDER BY {order}"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return _dict_rows(conn, sql, params)


def format_amount(low: int | None, high: int | None, *, open_ended: bool) -> str | None:
    """Return an amount range as text: "$1,001..$15,000", "$50,000,001+", or None."""
    if low is None and high is None:
        return None
    if open_ended or high is None:
        return f"${low or 0:,}+"
    if low == high:
        return f"${high:,}"
    return f"${low or 0:,}..${high:,}"


# Politicians -----------------------------------------------------------------------------

_EXTERNAL_IDS = ("bioguide_id", "uk_member_id", "ep_id", "ca_filer_id")


def politicians(
    conn: sqlite3.Connection, query: str | None = None, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Return politicians (all, or those a name matches) with their trade counts."""
    where = "p.merged_into_id IS NULL"
    params: list[Any] = []
    if query:
        ids = [match.id for match in match_politicians(conn, query)]
        if not ids:
            return []
        where += f" AND p.id IN ({','.join('?' * len(ids))})"
        params += ids
    sql = f"""
        SELECT p.id, p.full_name AS name, p.party, p.state_country AS state,
               p.district, p.chamber, p.role,
               (SELECT group_concat(source_id, ', ') FROM (
                    SELECT DISTINCT f.source_id FROM filings f
                    WHERE f.politician_id = p.id ORDER BY f.source_id)) AS sources,
               COALESCE(c.rows, 0) - COALESCE(n.rows, 0) AS trades,
               c.last_transaction_date
        FROM politicians p
        LEFT JOIN (SELECT politician_id, COUNT(*) AS rows,
                          MAX(transaction_date) AS last_transaction_date
                   FROM trading_disclosures GROUP BY politician_id) c
               ON c.politician_id = p.id
        LEFT JOIN (SELECT politician_id, COUNT(*) AS rows FROM trading_disclosures
                   WHERE status != 'active' GROUP BY politician_id) n
               ON n.politician_id = p.id
        WHERE {where}
        ORDER BY trades DESC, p.full_name, p.id
    """
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(row) for row in conn.execute(sql, params)]


def politician_detail(
    conn: sqlite3.Connection, name: str, *, top: int = 10
) -> dict[str, Any]:
    """Return who a politician is, their sources and ids, trades by year, top tickers."""
    politician_id = find_politician(conn, name)
    person = dict(
        conn.execute("SELECT * FROM politicians WHERE id = ?", (politician_id,))
        .fetchone()
    )  # fmt: skip
    ids = [politician_id] + [
        row[0]
        for row in conn.execute(
            "SELECT id FROM politicians WHERE merged_into_id = ?", (politician_id,)
        )
    ]
    marks = ",".join("?" * len(ids))

    aliases = [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT COALESCE(alias_name, alias_key) FROM politician_aliases "
            f"WHERE politician_id IN ({marks}) ORDER BY 1",
            ids,
        )
    ]
    sources = [
        dict(row)
        for row in conn.execute(
            f"""SELECT source_id AS source, COUNT(*) AS filings,
                       MIN(filing_date) AS first_filing_date,
                       MAX(filing_date) AS last_filing_date,
                       SUM(parse_status = 'needs_ocr') AS needing_ocr,
                       SUM(parse_status = 'failed') AS failed
                FROM filings WHERE politician_id IN ({marks})
                GROUP BY source_id ORDER BY source_id""",
            ids,
        )
    ]
    by_year = [
        dict(row)
        for row in conn.execute(
            f"""SELECT CAST(SUBSTR(transaction_date, 1, 4) AS INTEGER) AS year,
                       COUNT(*) AS trades,
                       SUM(transaction_type = 'purchase') AS purchases,
                       SUM(transaction_type IN ({_SALE_TYPES_SQL}))
                           AS sales
                FROM trading_disclosures
                WHERE politician_id IN ({marks}) AND status = 'active'
                GROUP BY year ORDER BY year IS NULL, year""",
            ids,
        )
    ]
    tickers = top_tickers(conn, Filter(politician_ids=tuple(ids)), limit=top)
    return {
        "id": politician_id,
        "name": person["full_name"],
        "honorific": person["honorific"],
        "first_name": person["first_name"],
        "middle_name": person["middle_name"],
        "last_name": person["last_name"],
        "suffix": person["suffix"],
        "role": person["role"],
        "party": person["party"],
        "political_group": person["political_group"],
        "state": person["state_country"],
        "district": person["district"],
        "chamber": person["chamber"],
        "ids": {key: person[key] for key in _EXTERNAL_IDS if person[key]},
        "identity_key": person["identity_key"],
        "aliases": aliases,
        "sources": sources,
        "trades": sum(year["trades"] for year in by_year),
        "trades_by_year": by_year,
        "top_tickers": tickers,
    }


# Tickers ---------------------------------------------------------------------------------


def top_tickers(
    conn: sqlite3.Connection,
    flt: Filter | None = None,
    *,
    by: str = "count",
    limit: int | None = 20,
) -> list[dict[str, Any]]:
    """Return the most traded tickers: trades, buys, sells and the amount band totals.

    ``volume_min``/``volume_max`` are the sums of the bands' bounds; ``volume_max`` is None
    when an open-ended band is among them, and ``volume`` says the same as text. Ordered
    by the number of trades, or by volume (the lower bound first, then the upper).
    """
    if by not in TICKER_ORDERS:
        raise UsageError(f"unknown --by '{by}' (known: {', '.join(TICKER_ORDERS)})")

    flt = flt or Filter()
    where, params = flt.where(conn, alias="td", table=True)
    order = (
        "trades DESC, ticker"
        if by == "count"
        else "volume_min DESC, volume_max IS NULL DESC, volume_max DESC, ticker"
    )
    # Distinct politicians are counted apart, for the tickers shown only: counting
    # them in the ranking query would sort every row of every ticker.
    sql = f"""
        SELECT td.asset_ticker AS ticker,
               COUNT(*) AS trades,
               SUM(td.transaction_type = 'purchase') AS purchases,
               SUM(td.transaction_type IN ({_SALE_TYPES_SQL}))
                   AS sales,
               SUM(td.transaction_type = 'exchange') AS exchanges,
               SUM(td.amount_range_min) AS volume_min,
               CASE WHEN SUM(td.amount_range_min IS NOT NULL
                             AND td.amount_range_max IS NULL) > 0
                    THEN NULL ELSE SUM(td.amount_range_max) END AS volume_max,
               SUM(td.amount_range_min IS NOT NULL AND td.amount_range_max IS NULL)
                   AS open_ended,
               SUM(td.amount_range_min IS NULL AND td.amount_range_max IS NULL)
                   AS trades_without_amount,
               MIN(td.transaction_date) AS first_transaction_date,
               MAX(td.transaction_date) AS last_transaction_date
        FROM trading_disclosures td
        WHERE td.asset_ticker IS NOT NULL
          AND td.transaction_type IN ({_TRADE_TYPES_SQL})
          AND {where}
        GROUP BY td.asset_ticker
        ORDER BY {order}
    """
    if limit:
        sql += " LIMIT ?"
    politicians_sql = f"""
        SELECT COUNT(DISTINCT td.politician_id) FROM trading_disclosures td
        WHERE td.asset_ticker = ? AND td.transaction_type IN ({_TRADE_TYPES_SQL})
          AND {where}
    """
    rows = list(_dict_rows(conn, sql, [*params, limit] if limit else params))
    for row in rows:
        open_ended = row.pop("open_ended") > 0
        row["volume"] = format_amount(
            row["volume_min"], row["volume_max"], open_ended=open_ended
        )
        row["politicians"] = conn.execute(
            politicians_sql, [row["ticker"], *params]
        ).fetchone()[0]
    return rows


_LATE_OWN_COLUMNS = (
    "trade_id",
    "days_after_transaction",
    "days_after_notification",
    "days_late",
)


# Late filings ----------------------------------------------------------------------------

LATE_COLUMNS = (
    "trade_id",
    "politician",
    "politician_id",
    "transaction_date",
    "notification_date",
    "disclosure_date",
    "days_after_transaction",
    "days_after_notification",
    "days_late",
    "ticker",
    "asset",
    "type",
    "amount_text",
    "source",
    "document_url",
)


_DAYS_AFTER_TRANSACTION = (
    "CAST(julianday(td.disclosure_date) - julianday(td.transaction_date) AS INTEGER)"
)
_DAYS_AFTER_NOTIFICATION = (
    "CAST(julianday(td.disclosure_date) - julianday(td.notification_date) AS INTEGER)"
)
# A notification dated before the transaction is a slip in the document (seen in House
# PTRs: the year of the transaction's January); only the transaction clock is judged.
# Said with the indexed delays (fewer days after the notification than after the
# transaction), so that the check reads the index instead of the row.
_CREDIBLE_NOTIFICATION = (
    f"({_DAYS_AFTER_TRANSACTION} IS NULL "
    f"OR {_DAYS_AFTER_NOTIFICATION} <= {_DAYS_AFTER_TRANSACTION})"
)


def _late_sql(
    where: str, params: list[Any], days: int, notification_days: int
) -> tuple[str, list[Any]]:
    """Return SQL for the late trades: id, politician_id, the delays and days_late."""
    if days < 0 or notification_days < 0:
        raise UsageError("the number of days must not be negative")

    # Each half of the UNION reads one of the delay indexes of schema.sql (the delays are
    # spelled as those indexes spell them); an OR of the two would read every row.
    halves = " UNION ".join(
        f"""SELECT td.id AS trade_id, td.politician_id,
                   {_DAYS_AFTER_TRANSACTION} AS days_after_transaction,
                   CASE WHEN {_CREDIBLE_NOTIFICATION} THEN {_DAYS_AFTER_NOTIFICATION}
                   END AS days_after_notification
            FROM trading_disclosures td
            WHERE {delay} > ? AND td.transaction_type IN ({_TRADE_TYPES_SQL})
              AND {where}"""
        for delay in (
            _DAYS_AFTER_TRANSACTION,
            f"{_CREDIBLE_NOTIFICATION} AND {_DAYS_AFTER_NOTIFICATION}",
        )
    )
    sql = f"""
        SELECT l.*,
               MAX(COALESCE(l.days_after_transaction - ?, 0),
                   COALESCE(l.days_after_notification - ?, 0)) AS days_late
        FROM ({halves}) l
    """
    return sql, [
        days,
        notification_days,
        days,
        *params,
        notification_days,
        *params,
    ]


def late_trades(
    conn: sqlite3.Connection,
    flt: Filter | None = None,
    *,
    days: int = TRANSACTION_CLOCK_DAYS,
    notification_days: int = NOTIFICATION_CLOCK_DAYS,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Return the trades disclosed after the clocks, the longest delay first."""
    where, where_params = (flt or Filter()).where(conn, alias="td", table=True)
    sql, params = _late_sql(where, where_params, days, notification_days)
    columns = ", ".join(
        f"l.{c}" if c in _LATE_OWN_COLUMNS else f"t.{c}" for c in LATE_COLUMNS
    )
    ordered = f"{sql} ORDER BY days_late DESC, trade_id"
    if limit is not None:
        ordered += " LIMIT ?"
        params.append(limit)
    sql = (
        f"SELECT {columns} FROM ({ordered}) l JOIN trades t ON t.trade_id = l.trade_id "
        "ORDER BY l.days_late DESC, l.trade_id"
    )
    return _dict_rows(conn, sql, params)


def _dated_trades(
    conn: sqlite3.Connection, where: str, params: list[Any]
) -> dict[int, int]:
    """Return, per politician, the trades whose delay can be judged: those with a
    disclosure date and a transaction or notification date (the late share's base)."""
    rows = conn.execute(
        f"""SELECT td.politician_id, COUNT(*) FROM trading_disclosures td
            WHERE td.transaction_type IN ({_TRADE_TYPES_SQL})
              AND td.disclosure_date IS NOT NULL
              AND (td.transaction_date IS NOT NULL OR td.notification_date IS NOT NULL)
              AND {where}
            GROUP BY td.politician_id""",
        params,
    )
    return {int(politician): int(count) for politician, count in rows}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def late_summary(
    conn: sqlite3.Connection,
    flt: Filter | None = None,
    *,
    days: int = TRANSACTION_CLOCK_DAYS,
    notification_days: int = NOTIFICATION_CLOCK_DAYS,
) -> dict[str, Any]:
    """Return late trades counted per politician (most first) and in total, each with
    its share of the trades whose delay can be judged (``late_percent``)."""
    where, where_params = (flt or Filter()).where(conn, alias="td", table=True)
    sql, params = _late_sql(where, where_params, days, notification_days)
    per_politician = [
        dict(row)
        for row in conn.execute(
            f"""SELECT l.politician_id, p.full_name AS politician, p.chamber,
                       p.state_country AS state, l.late_trades,
                       l.longest_delay_days, l.average_delay_days, l.total_days_late,
                       l.delay_sum, l.timed_trades
                FROM (SELECT politician_id, COUNT(*) AS late_trades,
                             MAX(days_after_transaction) AS longest_delay_days,
                             CAST(ROUND(AVG(days_after_transaction)) AS INTEGER)
                                 AS average_delay_days,
                             SUM(days_late) AS total_days_late,
                             SUM(days_after_transaction) AS delay_sum,
                             COUNT(days_after_transaction) AS timed_trades
                      FROM ({sql}) GROUP BY politician_id) l
                JOIN politicians p ON p.id = l.politician_id
                ORDER BY l.late_trades DESC, l.longest_delay_days DESC, politician""",
            params,
        )
    ]
    # Every late trade is a dated one, so each politician here has a base.
    dated = _dated_trades(conn, where, where_params)
    # A trade late only after its notification states no transaction date: it has no
    # delay after the transaction, and the averages leave it out rather than count 0.
    delay_sum = timed = 0
    for row in per_politician:
        delay_sum += row.pop("delay_sum") or 0
        timed += row.pop("timed_trades")
        row["dated_trades"] = dated[row["politician_id"]]
        row["late_percent"] = _percent(row["late_trades"], row["dated_trades"])
    late = sum(row["late_trades"] for row in per_politician)
    all_dated = sum(dated.values())
    longest = [
        row["longest_delay_days"]
        for row in per_politician
        if row["longest_delay_days"] is not None
    ]
    total = {
        "late_trades": late,
        "dated_trades": all_dated,
        "late_percent": _percent(late, all_dated),
        "politicians": len(per_politician),
        "longest_delay_days": max(longest, default=None),
        "average_delay_days": round(delay_sum / timed) if timed else None,
    }
    return {
        "days": days,
        "notification_days": notification_days,
        "total": total,
        "politicians": per_politician,
    }


# Statistics ------------------------------------------------------------------------------


def stats(conn: sqlite3.Connection, *, months: int = 24) -> dict[str, Any]:
    """Return what the database holds: rows per source, year and month, ticker share,
    documents needing OCR or failed, and each source's freshness."""
    # One pass over the covering index, grouped by day in index order; months, years
    # and totals are summed from the days (grouping by month in SQL sorts every row).
    by_day = conn.execute(
        f"""SELECT transaction_date, COUNT(*), SUM(asset_ticker IS NOT NULL),
                   SUM(transaction_type IN ({_TRADE_TYPES_SQL})),
                   SUM(transaction_type IN ({_TRADE_TYPES_SQL})
                       AND asset_ticker IS NOT NULL)
            FROM trading_disclosures WHERE status = 'active'
            GROUP BY transaction_date"""
    ).fetchall()
    rows = sum(day[1] for day in by_day)
    with_ticker = sum(day[2] for day in by_day)
    trades = sum(day[3] for day in by_day)
    trades_with_ticker = sum(day[4] for day in by_day)
    per_year: dict[int | None, int] = {}
    per_month: dict[str, int] = {}
    for date, count, *_ in by_day:
        year = int(date[:4]) if date else None
        per_year[year] = per_year.get(year, 0) + count
        if date:
            per_month[date[:7]] = per_month.get(date[:7], 0) + count
    recent = sorted(per_month)[-months:] if months > 0 else []

    return {
        "rows": rows,
        "rows_with_ticker": with_ticker,
        "ticker_share": round(with_ticker / rows, 4) if rows else None,
        # Trades alone: holdings and interests (UK, EU, California) rarely state one.
        "trades": trades,
        "trades_with_ticker": trades_with_ticker,
        "trade_ticker_share": (
            round(trades_with_ticker / trades, 4) if trades else None
        ),
        "documents": _document_counts(conn),
        "sources": _source_stats(conn),
        "by_year": [
            {"year": year, "rows": per_year[year]}
            for year in sorted(per_year, key=lambda y: (y is None, y or 0))
        ],
        "by_month": [{"month": month, "rows": per_month[month]} for month in recent],
    }


def _document_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {
        status: 0
        for status in (
            "parsed",
            "needs_ocr",
            "failed",
            "pending",
            "not_a_transaction_report",
        )
    }
    for row in conn.execute(
        "SELECT parse_status, COUNT(*) FROM filings GROUP BY parse_status"
    ):
        counts[row[0]] = int(row[1])
    return counts


def _source_stats(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    # All rows per filing (a covering index), less the few rows not active.
    rows_per_source = {
        row[0]: int(row[1])
        for row in conn.execute(
            """SELECT f.source_id, SUM(c.rows) - COALESCE(SUM(n.rows), 0)
               FROM (SELECT filing_id, COUNT(*) AS rows FROM trading_disclosures
                     GROUP BY filing_id) c
               JOIN filings f ON f.id = c.filing_id
               LEFT JOIN (SELECT filing_id, COUNT(*) AS rows FROM trading_disclosures
                          WHERE status != 'active' GROUP BY filing_id) n
                      ON n.filing_id = c.filing_id
               GROUP BY f.source_id"""
        )
    }
    sources = []
    for row in conn.execute(
        """SELECT s.id AS source, s.name, s.is_active,
                  COUNT(f.id) AS filings,
                  SUM(f.parse_status = 'needs_ocr') AS needing_ocr,
                  SUM(f.parse_status = 'failed') AS failed,
                  MAX(f.filing_date) AS last_filing_date,
                  s.last_pull_at, s.last_success_at, s.last_status
           FROM data_sources s LEFT JOIN filings f ON f.source_id = s.id
           GROUP BY s.id ORDER BY s.id"""
    ):
        item = dict(row)
        item["rows"] = rows_per_source.get(item["source"], 0)
        item["needing_ocr"] = item["needing_ocr"] or 0
        item["failed"] = item["failed"] or 0
        sources.append(item)
    return sources


# Status ----------------------------------------------------------------------------------


def _job_state(job: sqlite3.Row, running: bool, now: dt.datetime) -> str:
    from ptt import clock

    if not job["is_enabled"]:
        return "disabled"
    if job["is_paused"]:
        return "paused"
    if running:
        return "running"
    next_run = job["next_run_at"]
    if next_run and clock.from_text(next_run) + dt.timedelta(minutes=5) < now:
        return "overdue"
    return "scheduled"


def _jobs(conn: sqlite3.Connection, now: dt.datetime) -> list[dict[str, Any]]:
    running = {
        row[0]
        for row in conn.execute(
            "SELECT job_id FROM job_executions WHERE status = 'running'"
        )
    }
    jobs = []
    for job in conn.execute("SELECT * FROM scheduled_jobs ORDER BY name"):
        schedule = (
            job["cron_expr"]
            if job["schedule_type"] == "cron"
            else f"every {job['interval_seconds']}s"
        )
        jobs.append(
            {
                "name": job["name"],
                "kind": job["kind"],
                "schedule": schedule,
                "state": _job_state(job, job["id"] in running, now),
                "last_run_at": job["last_run_at"],
                "last_status": job["last_status"],
                "consecutive_failures": job["consecutive_failures"],
                "next_run_at": job["next_run_at"],
                "disabled_reason": job["disabled_reason"],
            }
        )
    return jobs


def _recent_failures(conn: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in conn.execute(
            """SELECT * FROM (
                   SELECT COALESCE(finished_at, started_at) AS at, 'job' AS kind,
                          job_name AS name, NULL AS target, status,
                          error_message AS error
                   FROM job_executions
                   WHERE status IN ('failed', 'timed_out', 'abandoned')
                   UNION ALL
                   -- The target names the source a failed collection was about; its
                   -- message often does not.
                   SELECT COALESCE(finished_at, started_at), 'action', action_type,
                          target, status, error_message
                   FROM action_logs WHERE status = 'failed')
               ORDER BY at DESC LIMIT ?""",
            (limit,),
        )
    ]


def _file_size(path: Path) -> int:
    return sum(
        candidate.stat().st_size
        for candidate in (path, Path(f"{path}-wal"))
        if candidate.exists()
    )


def status(
    conn: sqlite3.Connection,
    db_path: Path,
    *,
    now: dt.datetime,
    failures: int = 5,
) -> dict[str, Any]:
    """Return the state of the whole installation and what needs attention.

    ``problems`` lists the reasons to look: a disabled job, a source that failed twice
    or more in a row, or no tick for three minutes while enabled jobs exist.
    """
    from ptt import clock
    from ptt.collect import pull_status
    from ptt.db import schema_version, user_version

    sources = [
        # A pull whose process died shows as interrupted, not running.
        {**dict(row), "last_status": pull_status(row)}
        for row in conn.execute(
            """SELECT id AS source, is_active, last_pull_at, last_success_at,
                      last_status, consecutive_failures, last_error,
                      running_pid, running_host
               FROM data_sources ORDER BY id"""
        )
    ]
    for source in sources:
        del source["running_pid"], source["running_host"]
    jobs = _jobs(conn, now)
    tick = conn.execute(
        "SELECT value FROM scheduler_state WHERE key = 'last_tick_at'"
    ).fetchone()
    last_tick = tick[0] if tick else None
    tick_age = (
        int((now - clock.from_text(last_tick)).total_seconds()) if last_tick else None
    )

    problems: list[str] = []
    for job in jobs:
        if job["state"] == "disabled":
            reason = f": {job['disabled_reason']}" if job["disabled_reason"] else ""
            problems.append(f"job '{job['name']}' is disabled{reason}")
    for source in sources:
        if source["consecutive_failures"] >= SOURCE_FAILURES_ALERT:
            error = f": {source['last_error']}" if source["last_error"] else ""
            problems.append(
                f"source '{source['source']}' failed "
                f"{source['consecutive_failures']} times in a row{error}"
            )
    enabled = [job for job in jobs if job["state"] not in ("disabled", "paused")]
    if enabled and (tick_age is None or tick_age > TICK_SILENCE_SECONDS):
        since = (
            f"since {last_tick} ({tick_age // 60} minutes ago)"
            if last_tick and tick_age is not None
            else "recorded yet"
        )
        problems.append(
            f"no tick {since} while {len(enabled)} job(s) are enabled: "
            "is 'ptt tick' in the crontab?"
        )

    return {
        "database": str(db_path),
        "size_bytes": _file_size(db_path),
        "schema_version": user_version(conn),
        "expected_schema_version": schema_version(),
        "now": clock.to_text(now),
        "last_tick_at": last_tick,
        "seconds_since_tick": tick_age,
        "sources": sources,
        "jobs": jobs,
        "recent_failures": _recent_failures(conn, failures),
        "problems": problems,
        "healthy": not problems,
    }
