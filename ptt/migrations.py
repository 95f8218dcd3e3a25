"""Numbered migrations that bring an older database up to schema.sql.

``MIGRATIONS[n]`` turns a database at version ``n - 1`` into version ``n``. A new database is
created straight from schema.sql; these run only on databases made by an earlier ptt. Each
one runs inside the migrating transaction, so it applies whole or not at all.
"""

from __future__ import annotations

# Version 1 is the first schema: there is nothing older to migrate from.
MIGRATIONS: dict[int, str] = {}

# Version 2: each part adds its statements to this one string.
MIGRATIONS[2] = ""

# Tickers: the SEC order of the securities list, and how each resolution was decided.
MIGRATIONS[2] += """
ALTER TABLE securities ADD COLUMN position INTEGER;

CREATE TABLE IF NOT EXISTS ticker_resolutions (
    disclosure_id         INTEGER PRIMARY KEY
                          REFERENCES trading_disclosures(id) ON DELETE CASCADE,
    status                TEXT NOT NULL CHECK (status IN ('resolved', 'ambiguous', 'manual')),
    method                TEXT,
    ticker                TEXT,
    confidence            REAL,
    asset_name            TEXT NOT NULL,
    normalized_name       TEXT,
    cik                   INTEGER,
    sec_title             TEXT,
    candidates            TEXT,
    reason                TEXT,
    securities_source     TEXT,
    securities_fetched_at TEXT,
    decided_at            TEXT NOT NULL,
    decided_by            TEXT
);
CREATE INDEX IF NOT EXISTS idx_ticker_resolutions_status
    ON ticker_resolutions (status, disclosure_id);
"""

# Query: the trades, late_filings and ticker_activity views and their indexes.
MIGRATIONS[2] += """
-- Views for anyone who opens the database with an SQLite client or Datasette: readable
-- column names, the politician and the document beside every row. `trades` holds every
-- disclosed row (amended ones too: filter `status = 'active'` for the current picture);
-- `late_filings` and `ticker_activity` count active trades only.

CREATE VIEW IF NOT EXISTS trades AS
SELECT
    td.id AS trade_id,
    td.transaction_date,
    td.disclosure_date,
    td.notification_date,
    p.full_name AS politician,
    p.party,
    p.state_country AS state,
    p.district,
    p.chamber,
    td.owner,
    td.asset_ticker AS ticker,
    td.asset_name AS asset,
    td.asset_type,
    td.transaction_type AS type,
    td.amount_range_min AS amount_min,
    td.amount_range_max AS amount_max,
    td.amount_text,
    td.comment,
    f.source_id AS source,
    f.doc_id AS document_id,
    COALESCE(td.source_url, f.url) AS document_url,
    td.status,
    td.politician_id,
    td.filing_id,
    td.row_number
FROM trading_disclosures td
JOIN politicians p ON p.id = td.politician_id
JOIN filings f ON f.id = td.filing_id;

-- Trades disclosed after the STOCK Act clocks: more than 45 days after the transaction,
-- or more than 30 days after the notification where the document gives it (House).
-- days_late counts the days past the clock that was missed by more. A notification dated
-- before the transaction is a slip in the document: only the transaction clock counts
-- then. (The two halves of the UNION each read one of the delay indexes below; an OR
-- would read every row.)
CREATE VIEW IF NOT EXISTS late_filings AS
SELECT
    t.*,
    l.days_after_transaction,
    l.days_after_notification,
    MAX(COALESCE(l.days_after_transaction - 45, 0),
        COALESCE(l.days_after_notification - 30, 0)) AS days_late
FROM (
    SELECT id,
        CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER)
            AS days_after_transaction,
        -- The notification counts when it is not dated before the transaction: said
        -- with the indexed delays, so that the check reads the index, not the row.
        CASE WHEN CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER) IS NULL
                  OR CAST(julianday(disclosure_date) - julianday(notification_date) AS INTEGER)
                     <= CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER)
             THEN CAST(julianday(disclosure_date) - julianday(notification_date) AS INTEGER)
        END AS days_after_notification
    FROM trading_disclosures
    WHERE CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER) > 45
      AND status = 'active'
      AND transaction_type IN ('purchase', 'sale_full', 'sale_partial', 'sale', 'exchange')
    UNION
    SELECT id,
        CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER),
        CAST(julianday(disclosure_date) - julianday(notification_date) AS INTEGER)
    FROM trading_disclosures
    WHERE CAST(julianday(disclosure_date) - julianday(notification_date) AS INTEGER) > 30
      AND (CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER) IS NULL
           OR CAST(julianday(disclosure_date) - julianday(notification_date) AS INTEGER)
              <= CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER))
      AND status = 'active'
      AND transaction_type IN ('purchase', 'sale_full', 'sale_partial', 'sale', 'exchange')
) l
JOIN trades t ON t.trade_id = l.id;

-- Per ticker: active trades, buys and sells, and the sum of the stated amount bands as a
-- range (volume_max is NULL when an open-ended band, "Over $50,000,000", is among them).
CREATE VIEW IF NOT EXISTS ticker_activity AS
SELECT
    td.asset_ticker AS ticker,
    COUNT(*) AS trades,
    SUM(td.transaction_type = 'purchase') AS purchases,
    SUM(td.transaction_type IN ('sale_full', 'sale_partial', 'sale')) AS sales,
    SUM(td.transaction_type = 'exchange') AS exchanges,
    COUNT(DISTINCT td.politician_id) AS politicians,
    SUM(td.amount_range_min) AS volume_min,
    CASE WHEN SUM(td.amount_range_min IS NOT NULL AND td.amount_range_max IS NULL) > 0
         THEN NULL ELSE SUM(td.amount_range_max) END AS volume_max,
    SUM(td.amount_range_min IS NULL AND td.amount_range_max IS NULL)
        AS trades_without_amount,
    MIN(td.transaction_date) AS first_transaction_date,
    MAX(td.transaction_date) AS last_transaction_date
FROM trading_disclosures td
WHERE td.asset_ticker IS NOT NULL
  AND td.status = 'active'
  AND td.transaction_type IN ('purchase', 'sale_full', 'sale_partial', 'sale', 'exchange')
GROUP BY td.asset_ticker;

-- The delays behind late_filings (and `ptt late`), with what the late questions filter
-- and count on, so that finding late trades reads an index instead of every row.
CREATE INDEX IF NOT EXISTS idx_disclosures_days_after_transaction
    ON trading_disclosures (
        CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER),
        status, transaction_type, politician_id,
        CAST(julianday(disclosure_date) - julianday(notification_date) AS INTEGER));
CREATE INDEX IF NOT EXISTS idx_disclosures_days_after_notification
    ON trading_disclosures (
        CAST(julianday(disclosure_date) - julianday(notification_date) AS INTEGER),
        status, transaction_type, politician_id,
        CAST(julianday(disclosure_date) - julianday(transaction_date) AS INTEGER));
-- Rows not active (amended, duplicate, withdrawn) are few: counting them apart lets the
-- per-politician and per-filing counts read the small indexes only.
CREATE INDEX IF NOT EXISTS idx_disclosures_not_active
    ON trading_disclosures (politician_id, filing_id) WHERE status != 'active';
-- Covering indexes: the statistics and the ticker ranking read these instead of the rows.
CREATE INDEX IF NOT EXISTS idx_disclosures_status_date
    ON trading_disclosures (status, transaction_date, filing_id, transaction_type,
                            asset_ticker);
CREATE INDEX IF NOT EXISTS idx_disclosures_ticker_activity
    ON trading_disclosures (asset_ticker, status, transaction_type, transaction_date,
                            amount_range_min, amount_range_max, politician_id)
    WHERE asset_ticker IS NOT NULL;
"""

# Collection: the document an amendment names, and an index to find the amendments of a
# politician.
MIGRATIONS[2] += """
ALTER TABLE filings ADD COLUMN amends_doc_id TEXT;

CREATE INDEX IF NOT EXISTS idx_filings_amendments
    ON filings (source_id, politician_id) WHERE is_amendment = 1;
"""

# Imports and added sources: the collected row an imported row repeats and an index to
# follow merged politicians.
MIGRATIONS[2] += """
ALTER TABLE trading_disclosures
    ADD COLUMN duplicate_of_id INTEGER REFERENCES trading_disclosures(id);

CREATE INDEX IF NOT EXISTS idx_disclosures_duplicate_of
    ON trading_disclosures (duplicate_of_id) WHERE duplicate_of_id IS NOT NULL;

CREATE INDEX IF NOT EXISTS idx_politicians_merged_into
    ON politicians (merged_into_id) WHERE merged_into_id IS NOT NULL;
"""

# Store hardening: rows a later reading no longer states are withdrawn (with the time)
# instead of deleted, and a trigger gives their duplicates back their place; the process,
# host and action of a running pull, to see it as interrupted when its process died.
MIGRATIONS[2] += """
ALTER TABLE data_sources ADD COLUMN running_pid INTEGER;
ALTER TABLE data_sources ADD COLUMN running_host TEXT;
ALTER TABLE data_sources ADD COLUMN running_action_id INTEGER;

ALTER TABLE trading_disclosures ADD COLUMN withdrawn_at TEXT;

CREATE TRIGGER IF NOT EXISTS trg_disclosures_withdrawn_release_duplicates
AFTER UPDATE OF status ON trading_disclosures
WHEN NEW.status = 'withdrawn' AND OLD.status != 'withdrawn'
BEGIN
    UPDATE trading_disclosures SET status = 'active', duplicate_of_id = NULL,
        updated_at = NEW.updated_at
    WHERE duplicate_of_id = NEW.id AND status = 'duplicate';
END;
"""
