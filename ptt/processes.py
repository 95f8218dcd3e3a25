"""Which host and process hold a lease or a running pull, and whether it still lives."""

from __future__ import annotations

import os


def hostname() -> str:
    """Return this host's name as leases and running pulls record it."""
    # os.uname, not socket.gethostname: the same name without importing socket.
    return os.uname().nodename


def pid_alive(pid: int) -> bool:
    """Return whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
