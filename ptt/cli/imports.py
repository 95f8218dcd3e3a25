"""``ptt import``: load a third-party dataset's history, without doubling collected rows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ptt import output
from ptt.cli.common import JsonOption, open_db, settings
from ptt.errors import UsageError


def import_command(
    file: Annotated[Path, typer.Argument(help="The dataset file (JSON or CSV).")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="What the file is: senate-stock-watcher (either of its JSON "
            "layouts), or csv (any CSV or JSON list, read through --mapping).",
        ),
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(help="The mapping file naming the columns (--format csv)."),
    ] = None,
    # --format names the dataset's layout here; --json asks for JSON output.
    as_json: JsonOption = False,
) -> None:
    """Import a dataset: found, new, duplicate and failed rows, one report at a time."""
    from ptt.importing import import_dataset

    mapping_text = None
    if mapping is not None:
        try:
            mapping_text = mapping.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {mapping}: {exc.strerror or exc}") from exc
    result = import_dataset(
        open_db(), settings(), file, fmt.strip().lower(), mapping_text=mapping_text
    )

    if as_json:
        output.write_detail(result.as_dict(), "json")
        return
    output.write_text(
        f"Imported {result.dataset} from {file}: {result.documents} report(s), "
        f"{result.found} row(s) found, {result.new} new, {result.duplicate} duplicate, "
        f"{result.already_imported} already imported, {result.failed} failed report(s), "
        f"{result.needs_ocr} needing OCR"
    )
