"""The query commands as people and scripts run them, on the fixture database."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from ptt.__main__ import main
from ptt.query import LATE_COLUMNS, TRADE_COLUMNS
from tests import congress
from tests.fixture_server import FixtureServer
from tests.helpers import commands_in_help, run_ptt


def rows_of_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_it_lists_the_query_commands_in_help(tmp_path: Path) -> None:
    result = run_ptt(tmp_path, "--help")

    commands = commands_in_help(result.stdout)
    assert {"trades", "politicians", "tickers", "late", "stats", "export",
            "status"} <= commands  # fmt: skip


def test_it_writes_trades_as_csv_that_round_trips(fixture_db: Path) -> None:
    result = run_ptt(fixture_db.parent, "trades", "--include-amended")

    assert result.returncode == 0, result.stderr
    reader = csv.reader(io.StringIO(result.stdout))
    header = next(reader)
    rows = list(reader)
    assert header == list(TRADE_COLUMNS)
    conn = sqlite3.connect(fixture_db)
    stored = conn.execute(
        f"SELECT {', '.join(TRADE_COLUMNS)} FROM trades ORDER BY transaction_date DESC, "
        "trade_id DESC"
    ).fetchall()
    assert len(rows) == len(stored) == 624
    as_text = [["" if v is None else str(v) for v in row] for row in stored]
    assert rows == as_text


def test_it_filters_trades_from_the_command_line(fixture_db: Path) -> None:
    result = run_ptt(
        fixture_db.parent, "trades", "--politician", "WYDEN", "--ticker", "nvda",
        "--type", "buy", "--json",
    )  # fmt: skip

    rows = json.loads(result.stdout)
    assert result.returncode == 0
    assert len(rows) == 6
    assert {(r["politician"], r["ticker"], r["type"]) for r in rows} == {
        ("Ron L Wyden", "NVDA", "purchase")
    }
    assert all(r["document_url"].startswith("https://efdsearch") for r in rows)


def test_it_limits_and_sorts_trades(fixture_db: Path) -> None:
    result = run_ptt(
        fixture_db.parent, "trades", "--sort", "-amount", "--limit", "2",
        "--format", "ndjson",
    )  # fmt: skip

    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["amount_min"] for r in rows] == [5000001, 1000001]


def test_it_rejects_bad_filter_values_as_usage_errors(fixture_db: Path) -> None:
    cases = [
        (("--since", "2024-13-01"), "Error: --since '2024-13-01' is not a date"),
        (("--type", "gift"), "Error: unknown --type 'gift' (known: purchase, buy,"),
        (("--politician", "Nobody Atall"), "Error: no politician matches "),
        (("--sort", "size"), "Error: unknown --sort 'size'"),
        (("--source", "us-senat"), "Error: unknown --source 'us-senat' (known: "),
    ]
    for args, message in cases:
        result = run_ptt(fixture_db.parent, "trades", *args)

        assert result.returncode == 2, args
        assert result.stderr.startswith(message), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""


def test_it_exports_to_a_file_whole(fixture_db: Path) -> None:
    out = fixture_db.parent / "export" / "aapl.csv"
    out.parent.mkdir()

    result = run_ptt(fixture_db.parent, "export", "--ticker", "AAPL", "--out", str(out))

    assert result.returncode == 0, result.stderr
    assert "Exported 21 trades to" in result.stderr
    rows = rows_of_csv(out.read_text(encoding="utf-8"))
    assert len(rows) == 21 and {r["ticker"] for r in rows} == {"AAPL"}
    assert [p.name for p in out.parent.iterdir()] == ["aapl.csv"]


def test_it_leaves_an_existing_file_alone_when_an_export_fails(
    fixture_db: Path,
) -> None:
    out = fixture_db.parent / "trades.json"
    out.write_text("earlier export\n")

    result = run_ptt(
        fixture_db.parent, "export", "--format", "json", "--politician", "Nobody",
        "--out", str(out),
    )  # fmt: skip

    assert result.returncode == 2
    assert out.read_text() == "earlier export\n"
    assert sorted(
        p.name for p in fixture_db.parent.iterdir() if "trades" in p.name
    ) == ["trades.json"]


def test_it_exports_json_and_ndjson_to_stdout(fixture_db: Path) -> None:
    as_json = run_ptt(fixture_db.parent, "export", "--format", "json", "--owner", "DC")
    as_ndjson = run_ptt(
        fixture_db.parent, "export", "--format", "ndjson", "--owner", "dependent"
    )
    nothing = run_ptt(
        fixture_db.parent, "export", "--format", "json", "--since", "2030"
    )

    rows = json.loads(as_json.stdout)
    lines = [json.loads(line) for line in as_ndjson.stdout.splitlines()]
    assert len(rows) == 17 and rows == lines
    assert list(rows[0]) == list(TRADE_COLUMNS)
    assert json.loads(nothing.stdout) == []


def test_it_lists_politicians_without_a_subcommand(fixture_db: Path) -> None:
    everyone = run_ptt(fixture_db.parent, "politicians", "--format", "json")
    some = run_ptt(fixture_db.parent, "politicians", "wyden", "--json")
    by_list = run_ptt(fixture_db.parent, "politicians", "list", "wyden", "--json")

    assert everyone.returncode == 0, everyone.stderr
    assert len(json.loads(everyone.stdout)) == 39  # one per full name stated
    assert [(p["name"], p["trades"]) for p in json.loads(some.stdout)] == [
        ("Ron L Wyden", 64)
    ]
    assert by_list.stdout == some.stdout


def test_it_shows_one_politician(fixture_db: Path) -> None:
    result = run_ptt(fixture_db.parent, "politicians", "show", "Boozman", "--json")
    table = run_ptt(
        fixture_db.parent, "politicians", "show", "boozman", "--format", "table"
    )
    ambiguous = run_ptt(fixture_db.parent, "politicians", "show", "jr")

    detail = json.loads(result.stdout)
    assert detail["name"] == "John Boozman" and detail["trades"] == 8
    assert detail["sources"][0]["source"] == "us-senate"
    assert "John Boozman" in table.stdout and "Trades by year" in table.stdout
    assert ambiguous.returncode == 2
    assert ambiguous.stderr.startswith("Error: 'jr' matches 3 politicians: ")


def test_it_ranks_tickers_with_band_totals_as_ranges(fixture_db: Path) -> None:
    result = run_ptt(fixture_db.parent, "tickers", "top", "--limit", "2", "--json")
    by_volume = run_ptt(
        fixture_db.parent, "tickers", "top", "--by", "volume", "--limit", "1"
    )

    top = json.loads(result.stdout)
    assert [(t["ticker"], t["trades"], t["purchases"], t["sales"]) for t in top] == [
        ("AAPL", 21, 13, 8), ("NVDA", 12, 8, 4),
    ]  # fmt: skip
    assert top[0]["volume"] == "$518,021..$1,220,000"
    row = rows_of_csv(by_volume.stdout)[0]
    # One $5,000,001 - $25,000,000 sale outweighs AAPL's twenty-one trades.
    assert (row["ticker"], row["trades"], row["volume"]) == (
        "ICE",
        "1",
        "$5,000,001..$25,000,000",
    )


def test_it_reports_late_trades_per_politician_and_in_total(fixture_db: Path) -> None:
    summary = run_ptt(fixture_db.parent, "late", "--json")
    shorter = run_ptt(fixture_db.parent, "late", "--days", "20")
    listed = run_ptt(fixture_db.parent, "late", "--days", "20", "--list")

    report = json.loads(summary.stdout)
    assert report["total"]["late_trades"] == 2
    assert report["politicians"][0]["politician"] == "George Whitesides"
    assert [r["late_trades"] for r in rows_of_csv(shorter.stdout)] == [
        "6", "5", "4", "1", "1", "1",
    ]  # fmt: skip
    rows = rows_of_csv(listed.stdout)
    assert list(rows[0]) == list(LATE_COLUMNS)
    assert len(rows) == 18 and rows[0]["days_late"] == "119"


def test_it_shows_stats_with_month_bars(fixture_db: Path) -> None:
    as_json = run_ptt(fixture_db.parent, "stats", "--json")
    as_table = run_ptt(fixture_db.parent, "stats", "--format", "table")
    as_csv = run_ptt(fixture_db.parent, "stats", "--months", "2")

    report = json.loads(as_json.stdout)
    assert report["rows"] == 624
    assert "Rows by month" in as_table.stdout and "█" in as_table.stdout
    lines = rows_of_csv(as_csv.stdout)
    assert {"section": "month", "name": "2025-12", "value": "8"} in lines
    assert {"section": "source:us-senate", "name": "rows", "value": "305"} in lines


def test_it_exits_0_on_a_healthy_installation(tmp_path: Path) -> None:
    result = run_ptt(tmp_path, "status", "--format", "table", COLUMNS="200")

    assert result.returncode == 0, result.stderr
    assert "All well." in result.stdout
    assert str(tmp_path / "ptt.db") in result.stdout


def test_it_exits_1_with_the_reasons_when_something_needs_attention(
    tmp_path: Path,
) -> None:
    run_ptt(tmp_path, "db", "init")
    conn = sqlite3.connect(tmp_path / "ptt.db")
    conn.execute(
        "INSERT INTO scheduled_jobs (name, kind, schedule_type, interval_seconds, "
        "is_enabled, disabled_reason) VALUES ('nightly', 'collect', 'interval', 3600, "
        "0, 'failed 5 times in a row')"
    )
    conn.execute(
        "INSERT INTO scheduled_jobs (name, kind, schedule_type, cron_expr) "
        "VALUES ('hourly', 'collect', 'cron', '0 * * * *')"
    )
    conn.execute(
        "INSERT INTO scheduler_state (key, value) "
        "VALUES ('last_tick_at', '2026-01-20T11:50:00Z')"
    )
    conn.commit()
    conn.close()

    table = run_ptt(tmp_path, "status", "--format", "table",
                    PTT_NOW="2026-01-20T12:00:00Z")  # fmt: skip
    as_json = run_ptt(tmp_path, "status", "--json", PTT_NOW="2026-01-20T12:00:00Z")

    assert table.returncode == 1 and as_json.returncode == 1
    assert "Needs attention:" in table.stdout
    assert "- job 'nightly' is disabled: failed 5 times in a row" in table.stdout
    assert json.loads(as_json.stdout)["problems"] == [
        "job 'nightly' is disabled: failed 5 times in a row",
        "no tick since 2026-01-20T11:50:00Z (10 minutes ago) while 1 job(s) are "
        "enabled: is 'ptt tick' in the crontab?",
    ]


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv"])
@pytest.mark.parametrize(
    "command",
    [
        ["trades"],
        ["export"],
        ["politicians"],
        ["politicians", "list", "x"],
        ["tickers", "top"],
        ["late"],
        ["late", "--list"],
        ["stats"],
        ["status"],
    ],
)
def test_it_answers_every_question_on_an_empty_database(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    fmt: str,
) -> None:
    monkeypatch.setenv("PTT_HOME", str(tmp_path))
    if command == ["export"] and fmt == "table":
        fmt = "csv"

    code = main([*command, "--format", fmt])

    out = capsys.readouterr().out
    assert code == 0
    if fmt == "json":
        json.loads(out)
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(out)))) >= 1
    elif fmt == "ndjson":
        assert all(json.loads(line) is not None for line in out.splitlines())


def test_it_shows_a_terminal_table_of_the_first_100_trades(fixture_db: Path) -> None:
    result = run_ptt(fixture_db.parent, "trades", "--format", "table", COLUMNS="250")

    assert result.returncode == 0
    assert "Trades" in result.stdout and "document" in result.stdout
    assert result.stdout.count("https://") == 100
    assert result.stderr.strip() == (
        "Showing the first 100 trades: --limit N for more, or --format csv."
    )


def test_it_answers_about_a_real_collection(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    server = congress.set_up(fixture_server, fixtures)
    collected = run_ptt(
        tmp_path, *congress.collect_args(), **congress.environment(server)
    )
    assert collected.returncode == 0, collected.stderr

    sullivan = run_ptt(tmp_path, "trades", "--politician", "Dan Sullivan", "--json")
    stats = run_ptt(tmp_path, "stats", "--json")
    status = run_ptt(tmp_path, "status", "--json")

    rows = json.loads(sullivan.stdout)
    assert [(r["ticker"], r["type"], r["transaction_date"]) for r in rows] == [
        ("RPM", "sale_partial", "2018-05-22")
    ]
    assert rows[0]["document_url"].endswith(f"/search/view/ptr/{congress.SULLIVAN_ID}/")
    sources = {s["source"]: s for s in json.loads(stats.stdout)["sources"]}
    assert sources["us-senate"]["last_status"] == "success"
    assert sources["us-senate"]["last_success_at"] is not None
    assert sources["us-house"]["needing_ocr"] == 1  # the scanned House filing
    report = json.loads(status.stdout)
    assert status.returncode == 0 and report["problems"] == []
    assert {s["source"] for s in report["sources"]} >= {"us-house", "us-senate"}


def test_export_takes_json_and_limit_as_trades_does(fixture_db: Path) -> None:
    as_json = run_ptt(fixture_db.parent, "export", "--json", "--limit", "3")
    as_format = run_ptt(fixture_db.parent, "export", "--format", "json", "--limit", "3")
    both = run_ptt(fixture_db.parent, "export", "--json", "--format", "csv")

    assert as_json.returncode == 0, as_json.stderr
    assert len(json.loads(as_json.stdout)) == 3
    assert as_json.stdout == as_format.stdout
    assert both.returncode == 2
    assert both.stderr == "Error: --json and --format cannot be used together\n"
