"""Running ptt as people and cron do: a real process, a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ptt_env(home: Path, **extra: str) -> dict[str, str]:
    """Return an environment for a ptt process whose data lives in ``home``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PTT_") and key != "NO_COLOR"
    }
    env["PTT_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_ptt(
    home: Path,
    *args: str,
    timeout: float = 120,
    input_text: str | None = None,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ptt ARGS`` with its data in ``home`` and return what it did."""
    return subprocess.run(
        [sys.executable, "-m", "ptt", *args],
        cwd=ROOT,
        env=ptt_env(home, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input_text,
    )


def commands_in_help(text: str) -> set[str]:
    """Return the command names a help screen's Commands section lists."""
    _, _, section = text.partition("\nCommands:\n")
    return {
        line.split()[0]
        for line in section.splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    }
