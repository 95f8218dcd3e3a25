"""Settings: the one place that reads the environment.

``PTT_HOME`` (default ``$XDG_DATA_HOME/ptt``, else ``~/.local/share/ptt``) holds the database,
``logs/`` and the document archive. ``PTT_DB`` (or the global ``--db`` option) and
``PTT_LOG_DIR`` point elsewhere. Each source's base URL can be overridden so that tests and
mirrors can serve the same paths as the real site.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ptt.clock import parse_now
from ptt.errors import ConfigError

DEFAULT_BASE_URLS: dict[str, str] = {
    "us-house": "https://disclosures-clerk.house.gov",
    "us-senate": "https://efdsearch.senate.gov",
    "uk-interests": "https://interests-api.parliament.uk",
    "uk-members": "https://members-api.parliament.uk",
    "eu-parliament": "https://www.europarl.europa.eu",
    "integritywatch": "https://www.integritywatch.eu",
    "california": "https://raw.githubusercontent.com/CalMatters/ca-form-700-data/main/schedule-a1.csv",
    "sec": "https://www.sec.gov",
}

# The environment variable that overrides each base URL.
BASE_URL_VARIABLES: dict[str, str] = {
    "us-house": "PTT_US_HOUSE_BASE_URL",
    "us-senate": "PTT_US_SENATE_BASE_URL",
    "uk-interests": "PTT_UK_INTERESTS_BASE_URL",
    "uk-members": "PTT_UK_MEMBERS_BASE_URL",
    "eu-parliament": "PTT_EU_PARLIAMENT_BASE_URL",
    "integritywatch": "PTT_INTEGRITYWATCH_BASE_URL",
    "california": "PTT_CALIFORNIA_URL",
    "sec": "PTT_SEC_BASE_URL",
}

DEFAULT_CONTACT = "ptt-user@example.invalid"


@dataclass(frozen=True)
class Settings:
    """Where data lives and how ptt talks to the sources."""

    home: Path
    db_path: Path
    log_dir: Path
    documents_dir: Path
    contact: str
    base_urls: dict[str, str] = field(default_factory=dict)
    # Requests per second per host; 0 lifts the limit (for mirrors and tests).
    rate_limit: float = 2.0
    concurrency: int = 4
    # Processes that read PDFs beside the storing thread; None is min(concurrency,
    # cores), 0 reads them on the storing thread.
    read_processes: int | None = None
    debug: bool = False
    alert_webhook: str | None = None
    alert_command: str | None = None
    # The scheduler's lease on a running job, and how often its heartbeat renews it.
    lease_seconds: float = 120.0
    heartbeat_seconds: float = 30.0

    @property
    def user_agent(self) -> str:
        """Return the User-Agent sent to every source, naming ptt and a contact."""
        from ptt import __version__

        return (
            f"ptt/{__version__} (politician trading tracker; contact: {self.contact})"
        )

    def base_url(self, name: str) -> str:
        """Return the base URL of a source, without a trailing slash."""
        return self.base_urls[name].rstrip("/")


def default_home(env: Mapping[str, str]) -> Path:
    """Return PTT_HOME, or the XDG data folder for ptt."""
    if env.get("PTT_HOME"):
        return Path(env["PTT_HOME"]).expanduser()
    xdg = env.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "ptt"


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r} is not a number") from None


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if not text:
        return default
    if not text.strip().isdigit() or int(text) < 1:
        raise ConfigError(f"{name}={text!r} is not a whole number of 1 or more")
    return int(text)


def _base_url(env: Mapping[str, str], name: str) -> str:
    variable = BASE_URL_VARIABLES[name]
    text = env.get(variable)
    if not text:
        return DEFAULT_BASE_URLS[name]
    if not text.startswith(("http://", "https://")):
        raise ConfigError(
            f"{variable}={text!r} is not an http or https address "
            "(e.g. http://127.0.0.1:8000); fix or unset it"
        )
    return text


def load_settings(
    db: str | Path | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Return the settings from the environment, with ``db`` taking precedence."""
    env = os.environ if env is None else env
    home = default_home(env)
    db_path = Path(db or env.get("PTT_DB") or home / "ptt.db").expanduser()
    log_dir = Path(env.get("PTT_LOG_DIR") or home / "logs").expanduser()
    base_urls = {name: _base_url(env, name) for name in DEFAULT_BASE_URLS}
    rate_limit = _float(env, "PTT_RATE_LIMIT", 2.0)
    if rate_limit < 0:
        raise ConfigError(
            f"PTT_RATE_LIMIT={env['PTT_RATE_LIMIT']!r} is below 0 (requests per "
            "second; 0 lifts the limit)"
        )
    if env.get("PTT_NOW"):
        # Refused here, at start-up, rather than at the first timestamp a command reads.
        parse_now(env["PTT_NOW"])

    return Settings(
        home=home,
        db_path=db_path,
        log_dir=log_dir,
        documents_dir=home / "documents",
        contact=env.get("PTT_CONTACT") or DEFAULT_CONTACT,
        base_urls=base_urls,
        rate_limit=rate_limit,
        concurrency=_count(env, "PTT_CONCURRENCY", 4),
        read_processes=(
            int(_float(env, "PTT_READ_PROCESSES", 0))
            if env.get("PTT_READ_PROCESSES")
            else None
        ),
        debug=env.get("PTT_DEBUG", "") not in ("", "0"),
        alert_webhook=env.get("PTT_ALERT_WEBHOOK") or None,
        alert_command=env.get("PTT_ALERT_COMMAND") or None,
        lease_seconds=_float(env, "PTT_LEASE_SECONDS", 120.0),
        heartbeat_seconds=_float(env, "PTT_HEARTBEAT_SECONDS", 30.0),
    )
