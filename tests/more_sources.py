"""The UK, EU and California sources on the fixture server: settings, runs, snapshots."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ptt.collect import CollectionResult, CollectOptions, run_collection
from ptt.config import Settings, load_settings
from ptt.db import connect
from ptt.http import HttpClient, RetryPolicy
from tests.fixture_server import CALIFORNIA_PATH, FixtureServer
from tests.helpers import run_ptt


def environment(server: FixtureServer) -> dict[str, str]:
    """Return the environment that points the three sources at the server."""
    return {
        "PTT_UK_INTERESTS_BASE_URL": server.base_url,
        "PTT_UK_MEMBERS_BASE_URL": server.base_url,
        "PTT_EU_PARLIAMENT_BASE_URL": server.base_url,
        "PTT_INTEGRITYWATCH_BASE_URL": server.base_url,
        "PTT_CALIFORNIA_URL": server.url(CALIFORNIA_PATH),
        "PTT_RATE_LIMIT": "0",
        "PTT_CONTACT": "tests@example.org",
    }


def settings_for(home: Path, server: FixtureServer) -> Settings:
    """Return settings whose data lives in ``home`` and whose sources are the server."""
    return load_settings(env={"PTT_HOME": str(home), **environment(server)})


def collect_in_process(
    home: Path, server: FixtureServer, source: str, **options: Any
) -> CollectionResult:
    """Run one source through run_collection, retrying a failed request once, at once."""
    settings = settings_for(home, server)
    conn = connect(settings.db_path)
    retry = RetryPolicy(attempts=2, backoff=0.0, jitter=0.0)
    try:
        with HttpClient(settings, retry=retry) as http:
            return run_collection(
                conn, settings, [source], CollectOptions(**options), http=http
            )
    finally:
        conn.close()


def collect_process(
    home: Path, server: FixtureServer, *sources: str, expect: int = 0
) -> tuple[dict[str, dict[str, Any]], str]:
    """Run ``ptt collect`` as a process; return its JSON summary by source and stderr."""
    args = [part for source in sources for part in ("--source", source)]
    done = run_ptt(home, "collect", *args, "--format", "json", **environment(server))
    assert done.returncode == expect, done.stderr
    summary = {item["source"]: item for item in json.loads(done.stdout)}
    return summary, done.stderr


def database(home: Path) -> sqlite3.Connection:
    """Return a connection to the database in ``home``, rows by name."""
    conn = sqlite3.connect(home / "ptt.db")
    conn.row_factory = sqlite3.Row
    return conn


def snapshot(home: Path, source: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return a source's stored politicians, filings and rows, to compare runs."""
    conn = database(home)
    tables = {
        "politicians": "SELECT * FROM politicians ORDER BY id",
        "filings": "SELECT * FROM filings WHERE source_id = ? ORDER BY id",
        "rows": (
            "SELECT t.* FROM trading_disclosures t JOIN filings f "
            "ON f.id = t.filing_id WHERE f.source_id = ? ORDER BY t.id"
        ),
    }
    found = {
        name: [
            tuple(row)
            for row in conn.execute(sql, () if name == "politicians" else (source,))
        ]
        for name, sql in tables.items()
    }
    conn.close()
    return found


def counts(metrics: dict[str, Any]) -> tuple[int, ...]:
    """Return the counts a second, unchanged run must leave at zero."""
    return (
        metrics["documents_fetched"],
        metrics["records_new"],
        metrics["records_updated"],
        metrics["records_failed"],
    )


def archived_files(home: Path, source: str) -> list[Path]:
    """Return the documents a source archived, without the archive's hidden sidecars."""
    root = home / "documents" / source
    return sorted(
        p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")
    )
