"""``ptt sources``: list the sources, add one from a mapping file, enable or disable one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db
from ptt.errors import UsageError

app = typer.Typer(
    rich_markup_mode=None,
    help="Sources: what each gives, whether --source all includes it, its last pull.",
)


@app.callback(invoke_without_command=True)
def sources_command(
    ctx: typer.Context, fmt: FormatOption = None, as_json: JsonOption = False
) -> None:
    """List every source with what it gives, whether it is active and its last pull."""
    if ctx.invoked_subcommand is not None:
        return

    _write_sources(fmt, as_json)


@app.command("list")
def list_command(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """List every source, as ``ptt sources`` does."""
    _write_sources(fmt, as_json)


def _write_sources(fmt: str | None, as_json: bool) -> None:
    from ptt.sources.catalog import COLUMNS, list_sources

    output.write_records(
        list_sources(open_db()),
        output.choose_format(fmt, as_json),
        COLUMNS,
        title="Sources",
    )


@app.command("add-mapped")
def add_mapped_command(
    name: Annotated[str, typer.Argument(help="The new source's id, e.g. sf-ethics.")],
    url: Annotated[str, typer.Option(help="Where the CSV or JSON file is published.")],
    mapping: Annotated[
        Path, typer.Option(help="The JSON mapping file naming the file's columns.")
    ],
    gives: Annotated[
        str | None,
        typer.Option(
            help="trades, holdings or 'trades and holdings' (default: holdings when "
            "the mapping makes every row a holding, else trades).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Change an added source's URL or mapping.")
    ] = False,
) -> None:
    """Add a state's published CSV or JSON as a source, read through a mapping file."""
    from ptt.sources.mapped import add_mapped_source

    try:
        text = mapping.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {mapping}: {exc.strerror or exc}") from exc
    source = add_mapped_source(
        open_db(), name, url=url, mapping_text=text, gives=gives, replace=replace
    )
    output.write_text(
        f"Added {source.id} ({source.gives}) from {source.url}; collect it with "
        f"`ptt collect --source {source.id}`"
    )


def _set(name: str, active: bool) -> None:
    from ptt.sources.catalog import set_active

    changed = set_active(open_db(), name, active)
    word = "enabled" if active else "disabled"
    output.write_text(f"{name} {word}" if changed else f"{name} was already {word}")


@app.command("enable")
def enable_command(
    name: Annotated[str, typer.Argument(help="The source to include again.")],
) -> None:
    """Include a source in --source all and in scheduled collections."""
    _set(name, True)


@app.command("disable")
def disable_command(
    name: Annotated[str, typer.Argument(help="The source to leave out.")],
) -> None:
    """Leave a source out of --source all, its groups and scheduled collections."""
    _set(name, False)
