"""Logging: human lines on the console, JSON lines in a daily file.

Every module logs through ``logging.getLogger(__name__)`` under ``ptt.``. The console gets
short coloured lines on stderr (warnings and errors unless ``-v``); every record also goes to
``logs/YYYY-MM-DD.log`` as one JSON object per line, with ``logs/latest.log`` a symlink to
today's file. Extra fields passed with ``extra={...}`` are written as JSON fields. Values
that look like secrets (cookies, tokens, keys) are masked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

ROOT_LOGGER = "ptt"
_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_SECRET_KEY = re.compile(
    r"(cookie|csrf|session|token|password|passwd|secret|api[_-]?key|authorization)",
    re.IGNORECASE,
)
_SECRET_IN_TEXT = re.compile(
    r"(?i)\b(csrftoken|csrfmiddlewaretoken|sessionid|api[_-]?key|token|password|"
    r"authorization|cookie)(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s;,&]+)"
)
MASK = "***"
# An error that a command prints itself, as its final ``Error: ...`` line, is logged with
# ``extra=REPORTED_AT_EXIT``; inside :func:`errors_reported_at_exit` the console leaves
# such records out, so that a person reads the error once. Files and run logs keep them.
REPORTED_AT_EXIT = {"_reported_at_exit": True}
_console_leaves_out_reported = False


def redact_text(text: str) -> str:
    """Return ``text`` with values following secret-looking names masked."""
    return _SECRET_IN_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)


def redact(value: Any, key: str = "") -> Any:
    """Return ``value`` with secrets masked, looking into dicts and lists."""
    if key and _SECRET_KEY.search(key):
        return MASK
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """Return the structured fields a call passed with ``extra``."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_ATTRS and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as JSON: time, level, logger, message and fields."""
        entry: dict[str, Any] = {
            "timestamp": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
        }
        for key, value in record_fields(record).items():
            entry[key] = redact(value, key)
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


class DailyFileHandler(logging.Handler):
    """Write to ``<dir>/YYYY-MM-DD.log`` (UTC day) and keep ``latest.log`` pointing at it."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        self._day: str | None = None
        self._stream: TextIO | None = None
        self.setFormatter(JsonFormatter())

    def _open(self, day: str) -> TextIO:
        if self._stream is not None and self._day == day:
            return self._stream

        self.close_stream()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{day}.log"
        self._stream = path.open("a", encoding="utf-8")
        self._day = day
        _point_latest(self.directory, path.name)
        return self._stream

    def emit(self, record: logging.LogRecord) -> None:
        """Append the record to the file of its day."""
        try:
            day = dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%Y-%m-%d")
            stream = self._open(day)
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:
            # A log file that cannot be written must never stop a collection or a job.
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """Report a failed write once on stderr, without a traceback."""
        if not getattr(self, "_warned", False):
            self._warned = True
            print(
                f"ptt: cannot write the log file in {self.directory}", file=sys.stderr
            )

    def close_stream(self) -> None:
        """Close the open file, if any."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def close(self) -> None:
        """Close the handler and its file."""
        self.close_stream()
        super().close()


def _point_latest(directory: Path, name: str) -> None:
    latest = directory / "latest.log"
    try:
        if latest.is_symlink() and os.readlink(latest) == name:
            return
        temporary = directory / f".latest.{os.getpid()}"
        if temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        temporary.symlink_to(name)
        # Atomic swap, so concurrent processes never leave latest.log missing.
        temporary.replace(latest)
    except OSError:
        pass


_COLOURS = {
    logging.DEBUG: "\033[2m",
    logging.INFO: "\033[36m",
    logging.WARNING: "\033[33m",
    logging.ERROR: "\033[31m",
    logging.CRITICAL: "\033[1;31m",
}


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever ``sys.stderr`` is at the time of each record."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        """Return the current stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass

    def filter(self, record: logging.LogRecord) -> bool:
        """Return whether to show the record: not when the command reports it itself."""
        if _console_leaves_out_reported and getattr(record, "_reported_at_exit", False):
            return False
        return bool(super().filter(record))


@contextmanager
def errors_reported_at_exit() -> Iterator[None]:
    """Leave out of the console the errors the running command will print at its end."""
    global _console_leaves_out_reported
    saved = _console_leaves_out_reported
    _console_leaves_out_reported = True
    try:
        yield
    finally:
        _console_leaves_out_reported = saved


class ConsoleFormatter(logging.Formatter):
    """Format a record as a short human line, coloured when the console allows."""

    def __init__(self, colour: bool) -> None:
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        """Return ``LEVEL message``, coloured by level."""
        level = record.levelname.lower()
        message = redact_text(record.getMessage())
        line = f"{level:>7} {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if self.colour:
            return f"{_COLOURS.get(record.levelno, '')}{line}\033[0m"
        return line


def use_colour(stream: TextIO) -> bool:
    """Return whether to colour output on ``stream`` (a terminal, and NO_COLOR unset)."""
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def setup_logging(
    log_dir: Path | None, verbosity: int = 0, debug: bool = False
) -> None:
    """Send ptt's records to the console and, when ``log_dir`` is set, the daily file."""
    logger = logging.getLogger(ROOT_LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, "_ptt", False):
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    console = ConsoleHandler()
    console.setFormatter(ConsoleFormatter(use_colour(sys.stderr)))
    if verbosity >= 2 or debug:
        console.setLevel(logging.DEBUG)
    elif verbosity == 1:
        console.setLevel(logging.INFO)
    else:
        console.setLevel(logging.WARNING)
    console._ptt = True  # type: ignore[attr-defined]
    logger.addHandler(console)

    if log_dir is not None:
        file_handler = DailyFileHandler(log_dir)
        file_handler.setLevel(
            logging.DEBUG if (debug or verbosity >= 2) else logging.INFO
        )
        file_handler._ptt = True  # type: ignore[attr-defined]
        logger.addHandler(file_handler)


class LogCapture(logging.Handler):
    """Keep the lines logged during a run, up to a size, then mark the truncation."""

    TRUNCATION_MARK = "[... log truncated ...]"

    def __init__(self, max_bytes: int = 256 * 1024) -> None:
        super().__init__(logging.DEBUG)
        self.max_bytes = max_bytes
        self.lines: list[str] = []
        self.size = 0
        self.truncated = False
        self.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted, redacted line while there is room."""
        if self.truncated:
            return
        line = redact_text(self.format(record))
        if self.size + len(line) + 1 > self.max_bytes:
            self.truncated = True
            self.lines.append(self.TRUNCATION_MARK)
            return
        self.lines.append(line)
        self.size += len(line) + 1

    def text(self) -> str:
        """Return the captured lines as one text."""
        return "\n".join(self.lines)


@contextmanager
def capture_logs(max_bytes: int = 256 * 1024) -> Iterator[LogCapture]:
    """Capture every ptt record logged inside the block."""
    capture = LogCapture(max_bytes)
    logger = logging.getLogger(ROOT_LOGGER)
    logger.addHandler(capture)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        logger.removeHandler(capture)
        logger.setLevel(previous)
