"""Command line entry point (``forecast`` and ``python -m forecast``)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: forecast demo\n\nThe backtest command line is coming; 'forecast demo' runs the "
              "bundled comparison on the airline series.")
        return 0
    if argv[0] == "demo":
        from .demo import main as demo

        return demo()
    print(f"forecast: unknown command {argv[0]!r}; try 'forecast --help'", file=sys.stderr)
    return 2
