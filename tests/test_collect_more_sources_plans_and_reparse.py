"""Dry runs and reparse of the UK, EU and California sources, as ptt processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import more_sources
from tests.fixture_server import FixtureServer
from tests.helpers import run_ptt

# Each source and the documents its fixtures hold.
DOCUMENTS = {"uk-parliament": 1, "eu-parliament": 60, "california": 32}


@pytest.mark.parametrize(("source", "documents"), DOCUMENTS.items())
def test_a_dry_run_lists_each_document_and_stores_nothing(
    tmp_path: Path, fixture_server: FixtureServer, source: str, documents: int
) -> None:
    done = run_ptt(
        tmp_path,
        "collect",
        "--source",
        source,
        "--dry-run",
        "--format",
        "csv",
        **more_sources.environment(fixture_server),
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "source,doc_id,politician,url"
    assert len(lines) == 1 + documents
    assert all(line.startswith(source + ",") for line in lines[1:])
    conn = more_sources.database(tmp_path)
    for table in ("filings", "politicians", "data_sources", "action_logs"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    assert not (tmp_path / "documents" / source).exists()


@pytest.mark.parametrize(("source", "documents"), DOCUMENTS.items())
def test_reparse_reads_the_archived_documents_again_without_downloading(
    tmp_path: Path, fixture_server: FixtureServer, source: str, documents: int
) -> None:
    more_sources.collect_in_process(tmp_path, fixture_server, source)
    before = more_sources.snapshot(tmp_path, source)
    conn = more_sources.database(tmp_path)
    conn.execute(
        "UPDATE trading_disclosures SET description = 'garbled' WHERE filing_id IN "
        "(SELECT id FROM filings WHERE source_id = ?)",
        (source,),
    )
    conn.commit()
    garbled = conn.total_changes
    requests = len(fixture_server.requests)

    done = run_ptt(tmp_path, "reparse", "--source", source, "--format", "json")

    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    assert len(outcomes) == documents
    assert sum(o["updated"] for o in outcomes) == garbled
    assert all(o["new_status"] == "parsed" and not o["new"] for o in outcomes)
    assert len(fixture_server.requests) == requests
    after = more_sources.snapshot(tmp_path, source)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(trading_disclosures)")]
    assert _without_times(columns, after["rows"]) == _without_times(
        columns, before["rows"]
    )
    assert [p[:-1] for p in after["politicians"]] == [
        p[:-1] for p in before["politicians"]
    ]


def _without_times(
    columns: list[str], rows: list[tuple[object, ...]]
) -> list[tuple[object, ...]]:
    kept = [i for i, c in enumerate(columns) if c not in ("created_at", "updated_at")]
    return [tuple(row[i] for i in kept) for row in rows]


def test_limit_stores_at_most_that_many_documents_and_the_next_run_the_rest(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    first = more_sources.collect_in_process(
        tmp_path, fixture_server, "eu-parliament", limit=10
    )
    second = more_sources.collect_in_process(tmp_path, fixture_server, "eu-parliament")

    assert first.sources[0].documents_fetched == 10
    assert second.sources[0].documents_fetched == 50
    conn = more_sources.database(tmp_path)
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 60
