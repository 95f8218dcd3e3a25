"""Numbered migrations that bring an older database up to schema.sql.

``MIGRATIONS[n]`` turns a database at version ``n - 1`` into version ``n``. A new database is
created straight from schema.sql; these run only on databases made by an earlier ptt. Each
one runs inside the migrating transaction, so it applies whole or not at all.
"""

from __future__ import annotations

# Version 1 is the first schema: there is nothing older to migrate from.
MIGRATIONS: dict[int, str] = {}

# Version 2. Collection: the document an amendment names, and an index to find the
# amendments of a politician.
MIGRATIONS[2] = """
ALTER TABLE filings ADD COLUMN amends_doc_id TEXT;

CREATE INDEX IF NOT EXISTS idx_filings_amendments
    ON filings (source_id, politician_id) WHERE is_amendment = 1;
"""
