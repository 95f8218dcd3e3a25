"""The child process that runs one job body: ``python -m ptt.scheduler.worker``.

The tick (or ``ptt jobs run-now``) writes a JSON description of the run on this
process's stdin. The worker runs the kind's body with the run's log captured, and writes
the outcome (status, metrics, error, traceback, log) as JSON to the given result file;
the parent records it. The worker leads its own process group and dies with its parent:
a tick killed with SIGKILL takes its job, and the commands the job started, with it, so
that the run reclaimed by the next tick is not still running somewhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

# The same bound for a run's captured log as ptt.logs.capture_logs uses by default.
LOG_LIMIT_BYTES = 256 * 1024
_PR_SET_PDEATHSIG = 1


def _kill_own_group(signum: int = 0, frame: FrameType | None = None) -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)


def _die_with_parent(parent_pid: int) -> None:
    signal.signal(signal.SIGTERM, _kill_own_group)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:
        _kill_own_group()

    def watch() -> None:
        # Where prctl is missing (or the parent died before it took effect).
        while True:
            time.sleep(1)
            if os.getppid() != parent_pid:
                _kill_own_group()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the job body that ``spec`` describes and return its outcome."""
    from ptt.config import load_settings
    from ptt.db import connect
    from ptt.errors import PttError
    from ptt.logs import capture_logs, setup_logging
    from ptt.scheduler.kinds import JobContext, get_kind

    settings = load_settings(spec["db"])
    setup_logging(settings.log_dir, 1, settings.debug)
    outcome: dict[str, Any]
    with capture_logs(LOG_LIMIT_BYTES) as capture:
        try:
            conn = connect(settings.db_path)
            context = JobContext(
                conn=conn,
                settings=settings,
                job_id=spec["job_id"],
                job_name=spec["job_name"],
                execution_id=spec["execution_id"],
                args=spec["args"],
            )
            result = get_kind(spec["kind"]).run(context)
            outcome = {"status": "success", "metrics": result.metrics}
            if result.failed:
                outcome.update(
                    status="failed",
                    error_type="JobFailed",
                    error_message=result.error or "the job reported a failure",
                )
        except Exception as exc:
            message = exc.message if isinstance(exc, PttError) else str(exc)
            outcome = {
                "status": "failed",
                "error_type": type(exc).__name__,
                "error_message": message or type(exc).__name__,
                "traceback": traceback.format_exc(),
            }
    outcome["log"] = capture.text()
    outcome["log_truncated"] = int(capture.truncated)
    return outcome


def main() -> int:
    """Read the run's description on stdin, run it, write the outcome file."""
    spec = json.loads(sys.stdin.read())
    _die_with_parent(int(spec["parent_pid"]))
    outcome = run(spec)

    result_path = Path(spec["result_path"])
    temporary = result_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(outcome, default=str), encoding="utf-8")
    temporary.replace(result_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
