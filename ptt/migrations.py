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
