"""``ptt collect --source all``: every registered source against one fixture server."""

from __future__ import annotations

import json
from pathlib import Path

from ptt.sources import expand_sources, known_sources
from tests import congress, more_sources
from tests.fixture_server import FixtureServer
from tests.helpers import run_ptt

EVERY_SOURCE = ["us-house", "us-senate", "uk-parliament", "eu-parliament", "california"]


def test_all_names_every_registered_source() -> None:
    assert expand_sources(["all"]) == EVERY_SOURCE


def test_all_runs_every_source_with_one_summary(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    congress.set_up(fixture_server, fixtures)
    env = {
        **congress.environment(fixture_server),
        **more_sources.environment(fixture_server),
    }

    done = run_ptt(
        tmp_path,
        "collect",
        "--source",
        "all",
        "--year",
        congress.YEARS[0],
        "--year",
        congress.YEARS[1],
        "--format",
        "json",
        **env,
    )

    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert [item["source"] for item in summary] == known_sources()
    by_source = {item["source"]: item for item in summary}
    assert all(item["status"] == "success" for item in summary)
    assert {s: by_source[s]["records_new"] for s in EVERY_SOURCE} == {
        "us-house": 19,
        "us-senate": 9,
        "uk-parliament": 1,
        "eu-parliament": 390,
        "california": 300,
    }
    conn = more_sources.database(tmp_path)
    recorded = {
        row["id"]: (row["gives"], row["last_status"])
        for row in conn.execute("SELECT * FROM data_sources")
    }
    assert recorded == {
        "us-house": ("trades", "success"),
        "us-senate": ("trades", "success"),
        "uk-parliament": ("holdings", "success"),
        "eu-parliament": ("holdings", "success"),
        "california": ("holdings", "success"),
    }
    actions = conn.execute(
        "SELECT target FROM action_logs WHERE action_type = 'data_collection_complete' "
        "AND status = 'completed' ORDER BY id"
    ).fetchall()
    assert [a[0] for a in actions] == known_sources()
