"""Entry point of ``ptt`` and ``python -m ptt``: the one place errors become exit codes."""

from __future__ import annotations

import os
import sys

INTERRUPTED = "Interrupted."


def _debug_requested(argv: list[str]) -> bool:
    if os.environ.get("PTT_DEBUG", "") not in ("", "0"):
        return True
    return any(a in ("-v", "-vv", "--verbose") for a in argv)


def main(argv: list[str] | None = None) -> int:
    """Run ptt with ``argv`` and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)

    from ptt.errors import PttError

    try:
        if argv[:1] == ["tick"]:
            # The fast path: cron runs this every minute, so no typer, no rich.
            from ptt.scheduler.runner import tick_main

            return tick_main(argv[1:])
        return _run_cli(argv)
    except PttError as exc:
        if _debug_requested(argv):
            import traceback

            traceback.print_exc()
        print(f"Error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130


def _run_cli(argv: list[str]) -> int:
    import typer

    from ptt.cli.app import app

    try:
        result = app(args=argv, prog_name="ptt", standalone_mode=False)
    except typer.Abort:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except typer.Exit as exc:
        result = int(exc.exit_code)
    except typer.TyperException as exc:
        # Usage errors from the command-line parser: it prints them itself.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"Error: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    code = result if isinstance(result, int) else 0
    # Typer turns Ctrl-C inside a command into exit code 130 without a word.
    if code == 130:
        print(INTERRUPTED, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
