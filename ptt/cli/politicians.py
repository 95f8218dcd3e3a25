"""``ptt politicians merge``: join two identities of one person."""

from __future__ import annotations

from typing import Annotated

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db

# ``merge`` joins the politicians group of ptt/cli/query.py (``list`` and ``show``),
# registered in ptt/cli/app.py.


def merge_command(
    kept: Annotated[
        str,
        typer.Argument(help="The politician to keep: an id or an unambiguous name."),
    ],
    duplicate: Annotated[
        str,
        typer.Argument(help="The duplicate identity to merge into it: id or name."),
    ],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Merge DUPLICATE into KEPT: move its filings and rows, keep its names as aliases."""
    from ptt.politicians import find_politician_by_reference, merge_politicians

    conn = open_db()
    kept_id = find_politician_by_reference(conn, kept)
    duplicate_id = find_politician_by_reference(conn, duplicate)
    result = merge_politicians(conn, kept_id, duplicate_id)

    # A sentence unless a format is asked for: this reports one change, not records.
    if fmt is not None or as_json:
        output.write_detail(result.as_dict(), output.choose_format(fmt, as_json))
        return
    output.write_text(
        f"Merged {result.merged_name} ({result.merged_id}) into {result.kept_name} "
        f"({result.kept_id}): {result.filings_moved} filing(s) and "
        f"{result.disclosures_moved} row(s) moved, {result.aliases_added} alias(es) "
        "recorded"
    )
