"""Alerts: a real webhook on 127.0.0.1, a real command, suppression, failing channels."""

from __future__ import annotations

import http.server
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.scheduler_support import T0, add, db, executions, job, ptt, tick

FIELDS = {"event", "job", "execution_id", "status", "error", "consecutive_failures",
          "time"}  # fmt: skip


class Hook:
    """A webhook receiver: records every JSON body posted to it."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.bodies: list[dict[str, Any]] = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(hook.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[str]:
        return [body["event"] for body in self.bodies]


@pytest.fixture
def hook() -> Iterator[Hook]:
    receiver = Hook()
    yield receiver
    receiver.server.shutdown()


def alert_rows(home: Path) -> list[dict[str, Any]]:
    with db(home) as conn:
        return [dict(r) for r in conn.execute("SELECT * FROM alerts ORDER BY id")]


def failing_job(home: Path, max_failures: str = "5") -> Path:
    ok = home / "ok"
    add(home, "flaky", "--cron", "* * * * *", "--run", "command",
        "--command", f"test -f {ok} || {{ echo 'no ok file'; exit 2; }}",
        "--max-failures", max_failures)  # fmt: skip
    return ok


def test_a_failed_run_posts_a_json_alert_to_the_webhook(
    tmp_path: Path, hook: Hook
) -> None:
    failing_job(tmp_path)

    tick(tmp_path, "2026-01-05T00:01:00Z", PTT_ALERT_WEBHOOK=hook.url)

    [body] = hook.bodies
    assert set(body) == FIELDS
    assert body["event"] == "job_failed"
    assert body["job"] == "flaky"
    assert body["execution_id"] == executions(tmp_path)[0]["id"]
    assert body["status"] == "failed"
    assert body["error"] == "the command exited with status 2"
    assert body["consecutive_failures"] == 1
    assert body["time"] == "2026-01-05T00:01:00Z"
    [row] = alert_rows(tmp_path)
    assert (row["channel"], row["delivered"], row["suppressed"]) == ("webhook", 1, 0)


def test_identical_alerts_within_an_hour_are_suppressed(
    tmp_path: Path, hook: Hook
) -> None:
    failing_job(tmp_path)

    for moment in ("00:01", "00:02", "00:30", "01:05"):
        tick(tmp_path, f"2026-01-05T{moment}:00Z", PTT_ALERT_WEBHOOK=hook.url)

    # 00:01 sent; 00:02 and 00:30 suppressed; 01:05 is more than an hour after 00:01.
    assert [b["time"][11:16] for b in hook.bodies] == ["00:01", "01:05"]
    assert [r["suppressed"] for r in alert_rows(tmp_path)] == [0, 1, 1, 0]


def test_disabling_and_recovering_send_their_own_alerts(
    tmp_path: Path, hook: Hook
) -> None:
    ok = failing_job(tmp_path, max_failures="2")

    tick(tmp_path, "2026-01-05T00:01:00Z", PTT_ALERT_WEBHOOK=hook.url)
    tick(tmp_path, "2026-01-05T00:02:00Z", PTT_ALERT_WEBHOOK=hook.url)
    ok.touch()
    ptt(tmp_path, "jobs", "enable", "flaky", now="2026-01-05T00:02:30Z")
    tick(tmp_path, "2026-01-05T00:03:00Z", PTT_ALERT_WEBHOOK=hook.url)

    # The second job_failed is the same as the first within the hour: suppressed.
    assert hook.events() == ["job_failed", "job_disabled", "job_recovered"]
    disabled = hook.bodies[1]
    assert (disabled["consecutive_failures"], disabled["status"]) == (2, "failed")
    recovered = hook.bodies[2]
    assert (recovered["status"], recovered["error"]) == ("success", None)


def test_the_alert_command_gets_the_same_json_on_stdin(
    tmp_path: Path, hook: Hook
) -> None:
    script = tmp_path / "record.py"
    received = tmp_path / "received.jsonl"
    script.write_text(
        "import sys\n"
        f"with open({str(received)!r}, 'a') as out:\n"
        "    out.write(sys.stdin.read() + '\\n')\n"
    )
    failing_job(tmp_path)

    tick(tmp_path, "2026-01-05T00:01:00Z", PTT_ALERT_WEBHOOK=hook.url,
         PTT_ALERT_COMMAND=f"{sys.executable} {script}")  # fmt: skip

    [line] = received.read_text().splitlines()
    assert json.loads(line) == hook.bodies[0]
    assert {r["channel"] for r in alert_rows(tmp_path)} == {"webhook", "command"}


def test_a_failing_alert_is_logged_and_never_fails_the_job(tmp_path: Path) -> None:
    refusing = Hook(status=500)
    add(tmp_path, "fine", "--interval", "1h", "--run", "command", "--command", "true")
    with db(tmp_path) as conn:
        conn.execute("UPDATE scheduled_jobs SET consecutive_failures = 2")

    try:
        result = tick(tmp_path, T0, PTT_ALERT_WEBHOOK=refusing.url,
                      PTT_ALERT_COMMAND="exit 7")  # fmt: skip
    finally:
        refusing.server.shutdown()

    assert result.returncode == 0
    assert executions(tmp_path)[0]["status"] == "success"
    assert job(tmp_path, "fine")["consecutive_failures"] == 0
    assert refusing.events() == ["job_recovered"]
    rows = {r["channel"]: r for r in alert_rows(tmp_path)}
    assert rows["webhook"]["delivered"] == 0
    assert "500" in rows["webhook"]["error"]
    assert rows["command"]["error"].startswith("the alert command exited with status 7")
    assert "could not be sent" in result.stderr


def test_an_unreachable_webhook_is_retried_not_suppressed(tmp_path: Path) -> None:
    failing_job(tmp_path)
    closed = "http://127.0.0.1:9/alerts"

    tick(tmp_path, "2026-01-05T00:01:00Z", PTT_ALERT_WEBHOOK=closed)
    tick(tmp_path, "2026-01-05T00:02:00Z", PTT_ALERT_WEBHOOK=closed)

    rows = alert_rows(tmp_path)
    assert [(r["delivered"], r["suppressed"]) for r in rows] == [(0, 0), (0, 0)]
    assert all(r["error"] for r in rows)
