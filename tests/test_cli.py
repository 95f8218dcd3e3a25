"""The command line: help, global options, exit codes and error messages."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ptt.__main__ import main
from ptt.db import schema_version
from tests.helpers import ROOT, commands_in_help, ptt_env, run_ptt


def test_it_lists_the_command_groups_in_help(tmp_path: Path) -> None:
    result = run_ptt(tmp_path, "--help")

    assert result.returncode == 0
    assert {"db", "actions"} <= commands_in_help(result.stdout)


def test_it_prints_the_database_path_from_home_option_and_env(tmp_path: Path) -> None:
    default = run_ptt(tmp_path, "db", "path")
    from_option = run_ptt(tmp_path, "--db", str(tmp_path / "other.db"), "db", "path")
    from_env = run_ptt(tmp_path, "db", "path", PTT_DB=str(tmp_path / "env.db"))

    assert default.stdout.strip() == str(tmp_path / "ptt.db")
    assert from_option.stdout.strip() == str(tmp_path / "other.db")
    assert from_env.stdout.strip() == str(tmp_path / "env.db")


def test_it_uses_xdg_data_home_without_ptt_home(tmp_path: Path) -> None:
    env = ptt_env(tmp_path)
    del env["PTT_HOME"]
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")

    result = subprocess.run(
        [sys.executable, "-m", "ptt", "db", "path"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert result.stdout.strip() == str(tmp_path / "xdg" / "ptt" / "ptt.db")


def test_it_initialises_once_and_checks_ok(tmp_path: Path) -> None:
    first = run_ptt(tmp_path, "db", "init")
    second = run_ptt(tmp_path, "db", "init")
    check = run_ptt(tmp_path, "db", "check", "--json")

    assert first.returncode == 0
    assert f"schema version {schema_version()}" in first.stdout
    assert second.returncode == 0 and "up to date" in second.stdout
    report = json.loads(check.stdout)
    assert report["integrity"] == "ok"
    assert report["schema_version"] == report["expected_schema_version"]
    conn = sqlite3.connect(tmp_path / "ptt.db")
    actions = conn.execute("SELECT action_type FROM action_logs").fetchall()
    assert actions == [("database_initialized",)]


def test_it_reports_a_corrupt_database_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "ptt.db").write_bytes(b"this is not a database" * 100)

    result = run_ptt(tmp_path, "db", "check")

    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_it_exits_2_on_usage_errors(tmp_path: Path) -> None:
    unknown = run_ptt(tmp_path, "no-such-command")
    bad_format = run_ptt(tmp_path, "actions", "--format", "xml")

    assert unknown.returncode == 2
    assert bad_format.returncode == 2
    assert "Error: unknown format 'xml' (known: table, json, ndjson, csv)" in (
        bad_format.stderr
    )


def test_it_shows_the_traceback_only_when_debugging(tmp_path: Path) -> None:
    (tmp_path / "ptt.db").write_bytes(b"garbage" * 500)

    quiet = run_ptt(tmp_path, "db", "check")
    debug = run_ptt(tmp_path, "db", "check", PTT_DEBUG="1")

    assert "Traceback" not in quiet.stderr
    assert "Traceback" in debug.stderr
    assert debug.returncode == 1


def test_it_exits_130_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ptt.__main__ as entry

    def interrupted(argv: list[str]) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(entry, "_run_cli", interrupted)

    assert main(["db", "path"]) == 130
    assert "Interrupted." in capsys.readouterr().err


def test_it_lists_actions_as_csv_when_piped(tmp_path: Path) -> None:
    run_ptt(tmp_path, "db", "init")

    result = run_ptt(tmp_path, "actions")

    header, row = result.stdout.strip().splitlines()
    assert header.startswith("id,started_at,action_type,status")
    assert ",database_initialized,completed,cli," in row


def test_it_runs_as_python_dash_m(tmp_path: Path) -> None:
    result = run_ptt(tmp_path, "--version")

    assert result.returncode == 0
    assert result.stdout.startswith("ptt ")


def test_importing_the_cli_loads_no_heavy_library(tmp_path: Path) -> None:
    code = (
        "import sys, ptt.cli.app, ptt.__main__; "
        "heavy = {'httpx', 'lxml', 'pypdfium2', 'sqlite_utils', 'croniter'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ptt_env(tmp_path),
        capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert result.stdout.strip() == "[]"


def test_a_database_error_no_command_expected_is_one_line_not_a_traceback(
    tmp_path: Path,
) -> None:
    run_ptt(tmp_path, "db", "init")
    conn = sqlite3.connect(tmp_path / "ptt.db")
    conn.execute("DROP TABLE action_logs")
    conn.commit()
    conn.close()

    result = run_ptt(tmp_path, "actions")

    assert result.returncode == 1
    assert result.stderr == (
        "Error: the database failed (no such table: action_logs); check the disk "
        "and run `ptt db check`\n"
    )
