"""Everything ptt prints for people and programs; the only module that imports rich.

On a terminal, records are shown as a rich table and long work as a progress bar. When
stdout is not a terminal (a pipe, cron), the default is CSV with a header row, never a
table cut to some width. ``--format json|ndjson|csv|table`` chooses explicitly. Colours
follow ``NO_COLOR``. Scraped text is never read as rich markup.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ptt.errors import UsageError
from ptt.model import to_jsonable

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "ndjson", "csv")


def stdout_is_terminal() -> bool:
    """Return whether stdout is an interactive terminal."""
    return sys.stdout.isatty()


def choose_format(fmt: str | None, as_json: bool = False) -> str:
    """Return the output format: the one asked for, or table on a terminal, else CSV."""
    if as_json:
        if fmt not in (None, "json"):
            raise UsageError("--json and --format cannot be used together")
        return "json"
    if fmt is None:
        return "table" if stdout_is_terminal() else "csv"
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    return fmt


def console(stderr: bool = False) -> Console:
    """Return a rich console on stdout (or stderr) that honours NO_COLOR."""
    from rich.console import Console

    return Console(
        stderr=stderr,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return str(value)


def write_records(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    columns: Sequence[str] | None = None,
    *,
    title: str | None = None,
    stream: Any = None,
) -> None:
    """Write records in the format: table, json, ndjson or csv."""
    stream = stream or sys.stdout
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        items = [{c: to_jsonable(row.get(c)) for c in columns} for row in rows]
        stream.write(
            json.dumps(items, indent=2, default=str, ensure_ascii=False) + "\n"
        )
    elif fmt == "ndjson":
        for row in rows:
            data = {c: to_jsonable(row.get(c)) for c in columns}
            stream.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    else:
        _write_table(rows, columns, title)


def _write_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], title: str | None
) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(Text(_cell(row.get(c))) for c in columns))
    out = console()
    if rows:
        out.print(table)
    else:
        out.print(Text(f"{title}: nothing to show" if title else "Nothing to show."))


def write_detail(
    record: Mapping[str, Any], fmt: str, *, title: str | None = None
) -> None:
    """Write one record: key/value lines for people, one object for programs."""
    if fmt in ("json", "ndjson"):
        indent = 2 if fmt == "json" else None
        sys.stdout.write(
            json.dumps(to_jsonable(dict(record)), indent=indent, default=str) + "\n"
        )
        return
    if fmt == "csv":
        write_records([record], "csv")
        return

    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in record.items():
        table.add_row(key.replace("_", " "), Text(_cell(value)))
    console().print(table)


def write_stream(
    rows: Iterable[Mapping[str, Any]],
    fmt: str,
    columns: Sequence[str],
    stream: Any = None,
) -> int:
    """Write rows as csv, json or ndjson one at a time (never all in memory); return
    how many were written."""
    stream = stream or sys.stdout
    count = 0
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        plain = (str, int)
        for row in rows:
            # Text and integers (most cells) go to csv as they are; None is empty.
            writer.writerow(
                [
                    "" if v is None else v if type(v) in plain else _cell(v)
                    for v in (row.get(c) for c in columns)
                ]
            )
            count += 1
        return count
    if fmt not in ("json", "ndjson"):
        raise UsageError(f"cannot stream the format '{fmt}' (known: csv, json, ndjson)")

    separator = "[\n" if fmt == "json" else ""
    for row in rows:
        data = {c: to_jsonable(row.get(c)) for c in columns}
        stream.write(separator + json.dumps(data, default=str, ensure_ascii=False))
        separator = ",\n" if fmt == "json" else "\n"
        count += 1
    if fmt == "json":
        stream.write("[]\n" if count == 0 else "\n]\n")
    elif count:
        stream.write("\n")
    return count


@contextmanager
def atomic_file(path: Path) -> Iterator[Any]:
    """Open a text file that appears at ``path`` whole, or not at all.

    The rows go to a temporary file beside ``path``, which replaces it only once
    everything was written; an error or Ctrl-C removes the temporary file.
    """
    path = Path(path)
    fd, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    # mkstemp makes the file private; give it the mode any new file would get.
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(text: str, *, err: bool = False) -> None:
    """Write a plain line (no markup) to stdout or stderr."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Return rows as CSV text with a header row."""
    buffer = io.StringIO()
    write_records(list(rows), "csv", columns, stream=buffer)
    return buffer.getvalue()


class Progress(Protocol):
    """What long work reports: the total, each step, and what it is working on."""

    def set_total(self, total: int) -> None: ...

    def advance(self, steps: int = 1, label: str | None = None) -> None: ...


class _SilentProgress:
    def set_total(self, total: int) -> None:
        pass

    def advance(self, steps: int = 1, label: str | None = None) -> None:
        pass


class _RichProgress:
    def __init__(self, bar: Any, task: Any, description: str) -> None:
        self.bar = bar
        self.task = task
        self.description = description

    def set_total(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def advance(self, steps: int = 1, label: str | None = None) -> None:
        from rich.markup import escape

        description = self.description
        if label:
            description = f"{self.description}: {escape(label)}"
        self.bar.update(self.task, advance=steps, description=description)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Progress]:
    """Show a progress bar on a terminal (stderr); do nothing elsewhere."""
    if not sys.stderr.isatty():
        yield _SilentProgress()
        return

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as RichProgress

    with RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield _RichProgress(bar, task, description)
