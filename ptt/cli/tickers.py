"""``ptt tickers``: the tickers the trades name."""

from __future__ import annotations

import typer

from ptt.cli.query import tickers_top_command

app = typer.Typer(help="Tickers: the most traded.", no_args_is_help=True)

app.command("top")(tickers_top_command)
