"""The ``forecast`` command line (also ``python -m forecast``).

Commands
--------
``forecast backtest [DATA]``
    Score models side by side on rolling origins; leaderboard in the terminal, tidy CSVs,
    plots and a self-contained ``report.html`` in ``--out``. Without DATA: the default
    comparison on the bundled airline series.
``forecast predict DATA --model SPEC --horizon H``
    Fit one model on all the data and write its forecasts with intervals as CSV.
``forecast models`` / ``forecast datasets``
    What can be used: registered models and their parameters; the bundled datasets.

Every bad input ends with one line on stderr and exit status 2 (``--debug`` shows the
traceback). ``forecast backtest`` exits with 0 when every model forecast every origin, 3
when some forecasts failed (the comparison ran over the models and origins that succeeded;
one line on stderr says which model failed and why, ``failures.csv`` has every failure)
and 4 when nothing could be scored. Start-up imports nothing heavy: ``forecast --help`` and a classical-only run
never import tensorflow.

Layout: :mod:`.parser` (the arguments), one module per command (:mod:`.backtest`,
:mod:`.predict`, :mod:`.catalog` for ``models`` and ``datasets``), :mod:`.tables` and
:mod:`.termtable` (terminal tables), :mod:`.progress` (the progress bar), :mod:`.config`
(the TOML configuration), :mod:`.data` (reading DATA) and :mod:`.common` (exit codes,
messages, environment). The results folder is written by the library
(:func:`forecast.reporting.save_report`); the CLI only parses, calls and prints.

>>> build_parser().parse_args(["backtest", "sales.csv", "--horizon", "6"]).horizon
6
"""

from __future__ import annotations

import sys

from .common import EXIT_INPUT, EXIT_INTERRUPTED, configure_environment, print_error
from .parser import UsageError, build_parser

__all__ = ["main", "build_parser", "UsageError"]


def main(argv: list[str] | None = None) -> int:
    """Run the ``forecast`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.version:
            from .. import __version__

            print(f"forecast {__version__}")
            return 0
        if args.command is None:
            parser.print_help()
            return 0
        configure_environment(args)
        if args.command == "models":
            from .catalog import run_models

            return run_models(args)
        if args.command == "datasets":
            from .catalog import run_datasets

            return run_datasets(args)
        if args.command == "predict":
            from .predict import command

            return command(args)
        from .backtest import command as backtest_command

        return backtest_command(args, argv)
    except UsageError as err:
        print_error(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        if debug:
            raise
        print_error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as err:
        if debug:
            raise
        from ..errors import ForecastError

        if isinstance(err, ForecastError | ValueError | OSError) and _is_input_error(err):
            print_error(str(err))
            return EXIT_INPUT
        print_error(f"{type(err).__name__}: {err} (run again with --debug for the traceback)")
        return 1


def _is_input_error(err: BaseException) -> bool:
    from ..errors import InputError, MissingDependencyError, PersistenceError

    return isinstance(err, InputError | MissingDependencyError | PersistenceError)
