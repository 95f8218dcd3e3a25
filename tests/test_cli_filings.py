"""``ptt filings`` and ``ptt reparse``: every stored source can be listed, tables fit."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_ptt

DAILY = "aggregated/senate_stock_watcher_transaction_report_for_01_04_2018.json"


def test_filings_lists_the_reports_of_an_imported_dataset(
    tmp_path: Path, fixtures: Path
) -> None:
    run_ptt(
        tmp_path, "import", str(fixtures / DAILY), "--format", "senate-stock-watcher"
    )

    result = run_ptt(tmp_path, "filings", "--source", "senate-stock-watcher", "--json")

    assert result.returncode == 0, result.stderr
    filings = json.loads(result.stdout)
    assert len(filings) == 2
    assert {f["source_id"] for f in filings} == {"senate-stock-watcher"}


def test_reparse_says_a_dataset_is_read_again_by_importing_it(
    tmp_path: Path, fixtures: Path
) -> None:
    run_ptt(
        tmp_path, "import", str(fixtures / DAILY), "--format", "senate-stock-watcher"
    )

    result = run_ptt(tmp_path, "reparse", "--source", "senate-stock-watcher")

    assert result.returncode == 2
    assert result.stderr == (
        "Error: 'senate-stock-watcher' is an imported dataset, not a collected "
        "source: import its file again to read it again\n"
    )


def test_an_unknown_source_is_refused_with_the_ones_stored(
    tmp_path: Path, fixtures: Path
) -> None:
    run_ptt(
        tmp_path, "import", str(fixtures / DAILY), "--format", "senate-stock-watcher"
    )

    result = run_ptt(tmp_path, "filings", "--source", "us-senat")

    assert result.returncode == 2
    assert result.stderr == (
        "Error: unknown source 'us-senat' (known: us-house, us-senate, uk-parliament, "
        "eu-parliament, california, senate-stock-watcher)\n"
    )


def test_the_filings_table_leaves_the_long_columns_to_programs(
    tmp_path: Path, fixtures: Path
) -> None:
    run_ptt(
        tmp_path, "import", str(fixtures / DAILY), "--format", "senate-stock-watcher"
    )

    table = run_ptt(tmp_path, "filings", "--format", "table", COLUMNS="200")
    csv = run_ptt(tmp_path, "filings", "--format", "csv")

    heading = next(line for line in table.stdout.splitlines() if "doc id" in line)
    assert "parse status" in heading and "parse error" in heading
    assert "url" not in heading and "archive path" not in heading
    assert csv.stdout.splitlines()[0].endswith(",url,parse_error,archive_path")
