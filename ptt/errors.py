"""The exception family of ptt.

    PttError                   every expected failure; the CLI prints it as one line
    ├── UsageError             a bad option, name or value given by the user (exit 2)
    ├── ConfigError            a bad environment variable or setting
    ├── DatabaseError          the database cannot be opened, migrated or written
    ├── FetchError             a source could not be reached or answered wrongly
    │   └── BlockedError       the source refused us (403, agreement page, empty body)
    ├── ParseError             a document could not be read
    │   └── NeedsOcrError      the document has no text layer
    ├── StoreError             a parsed document could not be stored
    └── ScheduleError          a job, schedule or run could not be handled
        └── InvalidJobError    a job, schedule or job argument the user gave is wrong (exit 2)

Each carries the context a person needs to act: the source, the URL, the document.
"""

from __future__ import annotations


class PttError(Exception):
    """Base of every expected failure; its message is shown to the user as is."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        url: str | None = None,
        document: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.url = url
        self.document = document


class UsageError(PttError):
    """Return a failure caused by what the user typed."""

    exit_code = 2


class ConfigError(PttError):
    """A setting from the environment is invalid."""


class DatabaseError(PttError):
    """The database cannot be opened, migrated or written."""


class FetchError(PttError):
    """A source could not be reached, or answered with something unusable."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        source: str | None = None,
        url: str | None = None,
        document: str | None = None,
    ) -> None:
        super().__init__(message, source=source, url=url, document=document)
        # The HTTP status of the last answer, None when no answer came.
        self.status = status


class BlockedError(FetchError):
    """The source refused the request or sent us back to its agreement page."""


class ParseError(PttError):
    """A document could not be parsed."""


class NeedsOcrError(ParseError):
    """A document is a scan without a text layer."""


class StoreError(PttError):
    """A parsed document could not be written to the database."""


class ScheduleError(PttError):
    """A job or its schedule is invalid, or a run could not be recorded."""


class InvalidJobError(ScheduleError):
    """A job, schedule or job argument given by the user is invalid."""

    exit_code = 2
