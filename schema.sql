-- The ptt database: what politicians disclose, where it came from, and what ran.
--
-- This file is the one source of the schema. A new database is created from it and
-- stamped with the version below; older databases are brought up to it by the numbered
-- migrations in ptt/migrations.py. Every timestamp is UTC, ISO-8601 text
-- (YYYY-MM-DDTHH:MM:SSZ); every date is YYYY-MM-DD.
--
-- schema-version: 2

-- People -------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS politicians (
    id              INTEGER PRIMARY KEY,
    full_name       TEXT NOT NULL,
    first_name      TEXT,
    middle_name     TEXT,
    last_name       TEXT,
    suffix          TEXT,
    honorific       TEXT,
    role            TEXT,        -- Representative, Senator, MEP, MP, state official
    party           TEXT,
    political_group TEXT,        -- European Parliament group
    state_country   TEXT,        -- US state code, or the country
    district        TEXT,        -- House district, UK constituency
    chamber         TEXT,        -- house, senate, commons, lords, european_parliament, state
    -- The normalised identity: jurisdiction, last name and first name without honorifics,
    -- suffixes or middle initials, so that spelling variants of one person meet.
    identity_key    TEXT NOT NULL UNIQUE,
    bioguide_id     TEXT UNIQUE,
    uk_member_id    TEXT UNIQUE,
    ep_id           TEXT UNIQUE,
    ca_filer_id     TEXT,
    merged_into_id  INTEGER REFERENCES politicians(id),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Other spellings and keys that name a known politician (name variants, merges).
CREATE TABLE IF NOT EXISTS politician_aliases (
    alias_key     TEXT PRIMARY KEY,
    politician_id INTEGER NOT NULL REFERENCES politicians(id) ON DELETE CASCADE,
    alias_name    TEXT,
    source_id     TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_politician_aliases_politician
    ON politician_aliases (politician_id);

-- Sources and documents ---------------------------------------------------------------

CREATE TABLE IF NOT EXISTS data_sources (
    id                    TEXT PRIMARY KEY,    -- us-house, us-senate, uk-parliament, ...
    name                  TEXT NOT NULL,
    url                   TEXT,
    gives                 TEXT NOT NULL DEFAULT 'trades'
                          CHECK (gives IN ('trades', 'holdings', 'trades and holdings')),
    is_active             INTEGER NOT NULL DEFAULT 1,
    mapping               TEXT,                -- JSON column mapping of an added source
    last_pull_at          TEXT,
    last_success_at       TEXT,
    last_status           TEXT CHECK (last_status IN ('running', 'success', 'failed')),
    last_error            TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_filings_seen     INTEGER,
    last_documents_fetched INTEGER,
    last_records_found    INTEGER,
    last_records_new      INTEGER,
    last_records_updated  INTEGER,
    last_records_failed   INTEGER,
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- Who runs the pull while last_status is 'running': the process, its host and its
    -- action row, so that a pull whose process died is seen as interrupted (schema
    -- version 2).
    running_pid           INTEGER,
    running_host          TEXT,
    running_action_id     INTEGER
);

CREATE TABLE IF NOT EXISTS filings (
    id                INTEGER PRIMARY KEY,
    source_id         TEXT NOT NULL REFERENCES data_sources(id),
    doc_id            TEXT NOT NULL,           -- the source's own document id
    politician_id     INTEGER REFERENCES politicians(id),
    filing_type       TEXT,
    filing_date       TEXT,
    year              INTEGER,
    url               TEXT,
    archive_path      TEXT,                    -- relative to PTT_HOME/documents
    fetched_at        TEXT,
    sha256            TEXT,
    size_bytes        INTEGER,
    parse_status      TEXT NOT NULL DEFAULT 'pending'
                      CHECK (parse_status IN ('pending', 'parsed', 'needs_ocr', 'failed',
                                              'not_a_transaction_report')),
    parse_error       TEXT,
    parsed_at         TEXT,
    transaction_count INTEGER,
    is_amendment      INTEGER NOT NULL DEFAULT 0,
    amends_filing_id  INTEGER REFERENCES filings(id),
    page_image_urls   TEXT,                    -- JSON list, for scans that need OCR
    index_entry       TEXT,                    -- JSON of the index or search row
    origin            TEXT,                    -- a dataset that supplied the document
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- Version 2, last so that a migrated table has the same shape as a new one.
    amends_doc_id     TEXT,                    -- the document an amendment names
    UNIQUE (source_id, doc_id)
);
CREATE INDEX IF NOT EXISTS idx_filings_politician ON filings (politician_id);
CREATE INDEX IF NOT EXISTS idx_filings_status ON filings (parse_status, source_id);
CREATE INDEX IF NOT EXISTS idx_filings_date ON filings (filing_date);

CREATE TABLE IF NOT EXISTS trading_disclosures (
    id                 INTEGER PRIMARY KEY,
    politician_id      INTEGER NOT NULL REFERENCES politicians(id),
    filing_id          INTEGER NOT NULL REFERENCES filings(id),
    row_number         INTEGER NOT NULL,       -- the row's place in the document
    transaction_date   TEXT,
    notification_date  TEXT,
    disclosure_date    TEXT,                   -- the filing date of the document
    owner              TEXT CHECK (owner IN ('self', 'spouse', 'joint', 'dependent')),
    asset_name         TEXT,
    asset_ticker       TEXT,
    ticker_source      TEXT,                   -- document, sec_*, manual (see securities.py)
    ticker_confidence  REAL,
    asset_cusip        TEXT,
    asset_isin         TEXT,
    asset_type         TEXT,
    asset_type_code    TEXT,
    transaction_type   TEXT CHECK (transaction_type IN ('purchase', 'sale_full',
                           'sale_partial', 'sale', 'exchange', 'holding', 'interest')),
    amount_range_min   INTEGER,
    amount_range_max   INTEGER,                -- NULL when open-ended
    amount_text        TEXT,
    cap_gains_over_200 INTEGER,
    filing_status      TEXT,                   -- the row's own "New" / "Amended" label
    subholding_of      TEXT,
    location           TEXT,
    description        TEXT,
    comment            TEXT,
    option_type        TEXT,
    option_strike      REAL,
    option_expiry      TEXT,
    option_underlying  TEXT,
    category           TEXT,                   -- the register's category, for interests
    origin             TEXT,                   -- a dataset that supplied the row
    status             TEXT NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'amended', 'duplicate', 'withdrawn')),
    amended_by_filing_id INTEGER REFERENCES filings(id),
    source_url         TEXT,
    raw                TEXT,                   -- JSON of the row as the document gave it
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- A row of an imported dataset that repeats a row collected from the official
    -- source has status 'duplicate' and points at that row (schema version 2).
    duplicate_of_id    INTEGER REFERENCES trading_disclosures(id),
    -- When a later reading of the document stopped stating the row (status
    -- 'withdrawn'); NULL while the document states it (schema version 2).
    withdrawn_at       TEXT,
    UNIQUE (filing_id, row_number)
);
CREATE INDEX IF NOT EXISTS idx_disclosures_politician_date
    ON trading_disclosures (politician_id, transaction_date);
CREATE INDEX IF NOT EXISTS idx_disclosures_ticker_date
    ON trading_disclosures (asset_ticker, transaction_date);
CREATE INDEX IF NOT EXISTS idx_disclosures_date ON trading_disclosures (transaction_date);
CREATE INDEX IF NOT EXISTS idx_disclosures_disclosure_date
    ON trading_disclosures (disclosure_date);
CREATE INDEX IF NOT EXISTS idx_disclosures_type_date
    ON trading_disclosures (transaction_type, transaction_date);
CREATE INDEX IF NOT EXISTS idx_disclosures_no_ticker
    ON trading_disclosures (id) WHERE asset_ticker IS NULL;

-- Collection (schema version 2) ----------------------------------------------------------

-- A politician's amendments, to link them to the filings they amend.
CREATE INDEX IF NOT EXISTS idx_filings_amendments
    ON filings (source_id, politician_id) WHERE is_amendment = 1;

-- Imports and added sources (schema version 2) -----------------------------------------

-- The duplicates of a row, found when an import is matched against collected rows.
CREATE INDEX IF NOT EXISTS idx_disclosures_duplicate_of
    ON trading_disclosures (duplicate_of_id) WHERE duplicate_of_id IS NOT NULL;
-- A politician's merged identities, followed when a document names a merged one.
CREATE INDEX IF NOT EXISTS idx_politicians_merged_into
    ON politicians (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- Store hardening (schema version 2) -------------------------------------------------

-- A collected row that a later reading of its document no longer states is withdrawn,
-- never deleted; its duplicates get their place back: the imported row is then the
-- only copy of what it says.
CREATE TRIGGER IF NOT EXISTS trg_disclosures_withdrawn_release_duplicates
AFTER UPDATE OF status ON trading_disclosures
WHEN NEW.status = 'withdrawn' AND OLD.status != 'withdrawn'
BEGIN
    UPDATE trading_disclosures SET status = 'active', duplicate_of_id = NULL,
        updated_at = NEW.updated_at
    WHERE duplicate_of_id = NEW.id AND status = 'duplicate';
END;

-- Securities: the SEC's ticker list, for resolving names that state no ticker.
CREATE TABLE IF NOT EXISTS securities (
    ticker          TEXT PRIMARY KEY,
    cik             INTEGER,
    title           TEXT NOT NULL,
    exchange        TEXT,
    normalized_name TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT 'sec',   -- sec, bundled
    fetched_at      TEXT NOT NULL,
    -- The ticker's place in the SEC's file: a company's first ticker is its primary
    -- listing (schema version 2).
    position        INTEGER
);
CREATE INDEX IF NOT EXISTS idx_securities_name ON securities (normalized_name);

-- Tickers (schema version 2) ------------------------------------------------------------

-- How each ticker the resolver gave (or could not give) was decided: the method, the
-- SEC company it matched and the list version, or the candidates of an ambiguous name
-- for `ptt tickers review`, or a person's answer (`ptt tickers set`), which the backfill
-- applies again if a reparse empties the row's ticker.
CREATE TABLE IF NOT EXISTS ticker_resolutions (
    disclosure_id         INTEGER PRIMARY KEY
                          REFERENCES trading_disclosures(id) ON DELETE CASCADE,
    status                TEXT NOT NULL CHECK (status IN ('resolved', 'ambiguous', 'manual')),
    method                TEXT,          -- sec_exact, sec_exact_fund, sec_alias, sec_class, sec_listed, manual
    ticker                TEXT,
    confidence            REAL,
    asset_name            TEXT NOT NULL, -- the name as resolved
    normalized_name       TEXT,
    cik                   INTEGER,
    sec_title             TEXT,          -- the SEC company title matched
    candidates            TEXT,          -- JSON list of tickers, when ambiguous
    reason                TEXT,
    securities_source     TEXT,          -- sec or bundled
    securities_fetched_at TEXT,
    decided_at            TEXT NOT NULL,
    decided_by            TEXT           -- the OS user, for manual answers
);
CREATE INDEX IF NOT EXISTS idx_ticker_resolutions_status
    ON ticker_resolutions (status, disclosure_id);

-- Scheduler ----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS scheduled_jobs (
    id                       INTEGER PRIMARY KEY,
    name                     TEXT NOT NULL UNIQUE,
    kind                     TEXT NOT NULL,        -- collect, backfill-tickers, cleanup
    args                     TEXT NOT NULL DEFAULT '{}',   -- JSON, validated when added
    schedule_type            TEXT NOT NULL CHECK (schedule_type IN ('cron', 'interval')),
    cron_expr                TEXT,
    interval_seconds         INTEGER CHECK (interval_seconds IS NULL OR interval_seconds >= 60),
    timezone                 TEXT NOT NULL DEFAULT 'UTC',
    catch_up                 TEXT NOT NULL DEFAULT 'latest'
                             CHECK (catch_up IN ('latest', 'all', 'none')),
    max_consecutive_failures INTEGER NOT NULL DEFAULT 5,
    timeout_seconds          INTEGER,
    is_enabled               INTEGER NOT NULL DEFAULT 1,
    is_paused                INTEGER NOT NULL DEFAULT 0,
    disabled_reason          TEXT,
    disabled_at              TEXT,
    consecutive_failures     INTEGER NOT NULL DEFAULT 0,
    next_run_at              TEXT,                 -- the next slot, UTC
    last_run_at              TEXT,
    last_status              TEXT,
    created_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((schedule_type = 'cron' AND cron_expr IS NOT NULL)
        OR (schedule_type = 'interval' AND interval_seconds IS NOT NULL))
);

CREATE TABLE IF NOT EXISTS job_executions (
    id               INTEGER PRIMARY KEY,
    job_id           INTEGER REFERENCES scheduled_jobs(id) ON DELETE SET NULL,
    job_name         TEXT NOT NULL,
    scheduled_for    TEXT,                     -- the slot; NULL for manual runs
    trigger          TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'recovery')),
    status           TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed',
                         'timed_out', 'abandoned', 'skipped')),
    started_at       TEXT,
    finished_at      TEXT,
    duration_seconds REAL,
    error_type       TEXT,
    error_message    TEXT,
    traceback        TEXT,
    log              TEXT,                     -- the log lines captured during the run
    log_truncated    INTEGER NOT NULL DEFAULT 0,
    metrics          TEXT,                     -- JSON
    owner_host       TEXT,                     -- the lease: who runs it
    owner_pid        INTEGER,
    heartbeat_at     TEXT,
    lease_expires_at TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
-- One row per scheduled slot, whatever the number of ticks racing for it.
CREATE UNIQUE INDEX IF NOT EXISTS idx_job_executions_slot
    ON job_executions (job_id, scheduled_for);
-- Never two runs of one job at once.
CREATE UNIQUE INDEX IF NOT EXISTS idx_job_executions_one_running
    ON job_executions (job_id) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS idx_job_executions_job_started
    ON job_executions (job_id, started_at);
CREATE INDEX IF NOT EXISTS idx_job_executions_status ON job_executions (status);

-- Small facts the scheduler keeps: when tick last ran, and by whom.
CREATE TABLE IF NOT EXISTS scheduler_state (
    key        TEXT PRIMARY KEY,
    value      TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE IF NOT EXISTS alerts (
    id           INTEGER PRIMARY KEY,
    event        TEXT NOT NULL,                -- job_failed, job_disabled, job_recovered
    job_name     TEXT,
    execution_id INTEGER,
    dedupe_key   TEXT NOT NULL,
    payload      TEXT NOT NULL,                -- JSON as sent
    channel      TEXT,                         -- webhook, command
    delivered    INTEGER NOT NULL DEFAULT 0,
    suppressed   INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_alerts_dedupe ON alerts (dedupe_key, created_at);

-- Action log -----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS action_logs (
    id               INTEGER PRIMARY KEY,
    action_type      TEXT NOT NULL,
    status           TEXT NOT NULL
                     CHECK (status IN ('initiated', 'in_progress', 'completed', 'failed')),
    source           TEXT NOT NULL CHECK (source IN ('cli', 'scheduled_job', 'recovery')),
    user_name        TEXT,
    job_id           INTEGER,
    execution_id     INTEGER,
    target           TEXT,                     -- what the action was about
    details          TEXT,                     -- JSON
    result_message   TEXT,
    error_message    TEXT,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    duration_seconds REAL
);
CREATE INDEX IF NOT EXISTS idx_action_logs_started ON action_logs (started_at);
CREATE INDEX IF NOT EXISTS idx_action_logs_type ON action_logs (action_type, started_at);

-- Views for monitoring ------------------------------------------------------------------

CREATE VIEW IF NOT EXISTS job_execution_summary AS
SELECT
    j.id AS job_id,
    j.name AS job_name,
    COUNT(e.id) AS total_runs,
    SUM(e.status = 'success') AS successes,
    SUM(e.status IN ('failed', 'timed_out', 'abandoned')) AS failures,
    ROUND(100.0 * SUM(e.status = 'success')
          / NULLIF(SUM(e.status IN ('success', 'failed', 'timed_out', 'abandoned')), 0), 1)
        AS success_rate,
    ROUND(AVG(e.duration_seconds), 3) AS avg_duration_seconds,
    MAX(e.started_at) AS latest_run_at
FROM scheduled_jobs j
LEFT JOIN job_executions e ON e.job_id = j.id
GROUP BY j.id;

-- The state of each job. "overdue": the next slot plus a grace of 5 minutes passed with no
-- run (the CLI computes the same with PTT_NOW when a simulated clock is set).
CREATE VIEW IF NOT EXISTS scheduled_jobs_status AS
SELECT
    j.id AS job_id,
    j.name AS job_name,
    j.kind,
    CASE WHEN j.schedule_type = 'cron' THEN j.cron_expr
         ELSE 'every ' || j.interval_seconds || 's' END AS schedule,
    j.timezone,
    CASE
        WHEN j.is_enabled = 0 THEN 'disabled'
        WHEN j.is_paused = 1 THEN 'paused'
        WHEN EXISTS (SELECT 1 FROM job_executions r
                     WHERE r.job_id = j.id AND r.status = 'running') THEN 'running'
        WHEN j.next_run_at IS NOT NULL
             AND datetime(j.next_run_at, '+5 minutes')
                 < datetime(strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) THEN 'overdue'
        ELSE 'scheduled'
    END AS state,
    j.disabled_reason,
    j.consecutive_failures,
    j.max_consecutive_failures,
    last.status AS last_status,
    last.started_at AS last_started_at,
    last.duration_seconds AS last_duration_seconds,
    last.error_message AS last_error,
    j.next_run_at
FROM scheduled_jobs j
LEFT JOIN job_executions last ON last.id = (
    SELECT e.id FROM job_executions e
    WHERE e.job_id = j.id AND e.status != 'skipped'
    ORDER BY e.started_at DESC, e.id DESC LIMIT 1
);

-- Questions people ask the file (query) ---------------------------------------------------
--
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
