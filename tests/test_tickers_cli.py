"""The tickers, securities and backfill-tickers commands, run as people and cron do."""

from __future__ import annotations

import functools
import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptt import db
from tests.helpers import run_ptt


def _seed(home: Path) -> Path:
    """Return the database of ``home`` with House rows that state no ticker."""
    path = home / "ptt.db"
    conn = db.connect(path)
    conn.execute(
        "INSERT INTO politicians (id, full_name, identity_key) "
        "VALUES (1, 'Nancy Pelosi', 'us|pelosi|nancy')"
    )
    conn.execute("INSERT INTO data_sources (id, name) VALUES ('us-house', 'House')")
    conn.execute(
        "INSERT INTO filings (id, source_id, doc_id, politician_id) "
        "VALUES (1, 'us-house', '20022260', 1)"
    )
    names = [
        ("Alphabet Inc. - Class A", "ST"),
        ("Salesforce, Inc.", "OP"),
        ("REOF XX, LLC", "AB"),
    ]
    for number, (name, code) in enumerate(names, start=1):
        conn.execute(
            "INSERT INTO trading_disclosures (id, politician_id, filing_id, "
            "row_number, asset_name, asset_type_code) VALUES (?, 1, 1, ?, ?, ?)",
            (number, number, name, code),
        )
    conn.close()
    return path


def test_resolve_prints_json_objects_for_names_given(tmp_path: Path) -> None:
    done = run_ptt(
        tmp_path, "tickers", "resolve", "Apple Inc.", "Pineapple Energy", "--json"
    )

    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert [
        (a["name"], a["ticker"], a["method"], a["confidence"]) for a in answers
    ] == [
        ("Apple Inc.", "AAPL", "sec_exact", 0.97),
        ("Pineapple Energy", None, None, None),
    ]


def test_resolve_reads_names_from_stdin_as_csv(tmp_path: Path) -> None:
    done = run_ptt(
        tmp_path,
        "tickers",
        "resolve",
        input_text="The Boeing Company\n\nBerkshire Hathaway Inc.\n",
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "name,ticker,method,confidence,status,candidates,reason,title"
    assert lines[1].startswith("The Boeing Company,BA,sec_alias,0.9,resolved,")
    assert lines[2].startswith('Berkshire Hathaway Inc.,,,,ambiguous,"BRK.B, BRK.A"')


def test_backfill_review_and_set_work_together(tmp_path: Path) -> None:
    path = _seed(tmp_path)

    backfill = run_ptt(tmp_path, "backfill-tickers", "--source", "us-house")
    review = run_ptt(tmp_path, "tickers", "review", "--json")
    answer = run_ptt(tmp_path, "tickers", "set", "1", "GOOGL")
    again = run_ptt(tmp_path, "tickers", "review", "--format", "csv")

    assert backfill.returncode == 0, backfill.stderr
    assert backfill.stdout == (
        "3 rows without a ticker: 1 resolved, 1 ambiguous (see 'ptt tickers review'), "
        "1 left unresolved.\n"
    )
    listed = json.loads(review.stdout)
    assert [(r["disclosure_id"], r["candidates"]) for r in listed] == [
        (1, "GOOGL, GOOG")
    ]
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout == (
        "Disclosure 1 (Alphabet Inc. - Class A): no ticker -> GOOGL (manual)\n"
    )
    assert again.stdout.splitlines()[1:] == []
    conn = sqlite3.connect(path)
    assert conn.execute(
        "SELECT id, asset_ticker, ticker_source FROM trading_disclosures ORDER BY id"
    ).fetchall() == [(1, "GOOGL", "manual"), (2, "CRM", "sec_exact"), (3, None, None)]
    actions = conn.execute(
        "SELECT action_type, status FROM action_logs ORDER BY id"
    ).fetchall()
    assert actions == [("ticker_backfill", "completed"), ("ticker_set", "completed")]


def test_backfill_prints_its_metrics_as_json(tmp_path: Path) -> None:
    _seed(tmp_path)

    done = run_ptt(tmp_path, "backfill-tickers", "--dry-run", "--json")

    metrics = json.loads(done.stdout)
    assert metrics["dry_run"] is True
    assert (metrics["rows_examined"], metrics["resolved"]) == (3, 1)
    assert metrics["by_method"] == {"sec_exact": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [(("backfill-tickers", "--source", "us-congres"),
      "Error: unknown source 'us-congres' (known in this database: us-house)\n"),
     (("tickers", "review", "--source", "us-congres"),
      "Error: unknown source 'us-congres' (known in this database: us-house)\n"),
     (("tickers", "set", "1", "not a ticker"),
      "Error: 'not a ticker' is not a ticker (1 to 5 letters, a class after a dot: BRK.B)\n"),
     (("tickers", "set", "42", "AAPL"), "Error: no disclosure with id 42\n"),
     (("securities", "show", "ZZZZZ"), "Error: ZZZZZ is not in the stored SEC list\n")],
)  # fmt: skip
def test_bad_input_gets_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _seed(tmp_path)

    done = run_ptt(tmp_path, *args)

    assert (done.returncode, done.stderr) == (2, message)


@pytest.fixture
def sec_server(fixtures: Path) -> Iterator[str]:
    """Serve the SEC fixture files under /files/ on 127.0.0.1."""
    root = fixtures / "sec"

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            name = path.split("?")[0].removeprefix("/files/")
            return str(root / name) if "/" not in name else str(root / "missing")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_refresh_downloads_the_list_from_the_sec_base_url(
    tmp_path: Path, sec_server: str
) -> None:
    done = run_ptt(tmp_path, "securities", "refresh", PTT_SEC_BASE_URL=sec_server)
    shown = run_ptt(tmp_path, "securities", "show", "BRK-B", "--json")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Stored 10")
    assert json.loads(shown.stdout)["source"] == "sec"
    assert json.loads(shown.stdout)["title"] == "BERKSHIRE HATHAWAY INC"


def test_refresh_from_a_server_without_the_files_fails_loudly(
    tmp_path: Path, sec_server: str
) -> None:
    done = run_ptt(
        tmp_path, "securities", "refresh", PTT_SEC_BASE_URL=sec_server + "/nothing"
    )

    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot refresh the SEC ticker list: GET ")
    assert "answered HTTP 404" in done.stderr
    conn = sqlite3.connect(tmp_path / "ptt.db")
    assert conn.execute("SELECT action_type, status FROM action_logs").fetchall() == [
        ("securities_refresh", "failed")
    ]


@pytest.mark.parametrize(
    ("ticker", "title"),
    [
        ("A", "AGILENT TECHNOLOGIES, INC."),
        ("F", "FORD MOTOR CO"),
        ("BRK.B", "BERKSHIRE HATHAWAY INC"),
    ],
)
def test_show_finds_a_one_letter_ticker_among_the_titles_that_contain_it(
    tmp_path: Path, ticker: str, title: str
) -> None:
    shown = run_ptt(tmp_path, "securities", "show", ticker, "--json")

    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    assert (found["ticker"], found["title"]) == (ticker, title)
