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

# Collection: the document an amendment names, and an index to find the amendments of a
# politician.
MIGRATIONS[2] += """
ALTER TABLE filings ADD COLUMN amends_doc_id TEXT;

CREATE INDEX IF NOT EXISTS idx_filings_amendments
    ON filings (source_id, politician_id) WHERE is_amendment = 1;
"""
