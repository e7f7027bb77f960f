"""The argument parser of the ``forecast`` command (argparse only, nothing heavy imported).

>>> build_parser().parse_args(["backtest", "sales.csv", "--horizon", "6"]).horizon
6
"""

from __future__ import annotations

import argparse

from .common import PROG

__all__ = ["build_parser", "UsageError"]


class UsageError(Exception):
    """A command-line usage mistake (unknown flag, missing value); exits with status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage block
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _add_data_args(p: argparse.ArgumentParser, *, optional_data: bool) -> None:
    p.add_argument("data", nargs="?" if optional_data else None, metavar="DATA",
                   help="CSV or Parquet file (or the name of a bundled dataset, see 'forecast datasets')"
                   + ("; omitted: the bundled airline series" if optional_data else ""))
    p.add_argument("--target", help="column to forecast (default: the only numeric column left)")
    p.add_argument("--time-col", dest="time_col", help="time column (default: detected)")
    p.add_argument("--id-col", dest="id_col", help="series id column of a long panel file")
    p.add_argument("--exog", nargs="+", metavar="COL", action="extend",
                   help="observed exogenous regressors: used only up to each forecast origin")
    p.add_argument("--known-exog", dest="known_exog", nargs="+", metavar="COL", action="extend",
                   help="exogenous regressors known in advance (their future values may be used)")
    p.add_argument("--sep", type=_separator,
                   help="field separator of a text file: ',' ';' 'tab' '|' (default: detected)")
    p.add_argument("--decimal", choices=[".", ","],
                   help="decimal mark of a text file (default: detected; ',' as Excel writes in much of Europe)")
    p.add_argument("--thousands", type=_thousands,
                   help="thousands mark of a text file: '.' ',' \"'\" 'space' or 'none' (default: "
                        "detected where groups of three digits leave no doubt, as in 1.009,14)")
    p.add_argument("--skip-rows", dest="skip_rows", type=_int("--skip-rows"), metavar="N",
                   help="lines above the header to skip (a title written by a spreadsheet export)")
    p.add_argument("--date-format", dest="date_format", metavar="FORMAT",
                   help="strptime format of the time column, e.g. '%%d/%%m/%%Y' (default: detected; "
                        "dates like 01/02/2020 need it)")
    p.add_argument("--seed", type=_int("--seed"), help="random seed (networks, sampling); default 0")
    p.add_argument("--backend", choices=["tensorflow", "jax", "torch"],
                   help="Keras backend for recurrent models (sets KERAS_BACKEND for this run only)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or messages")
    p.add_argument("--debug", action="store_true", help="show tracebacks and library logs")


def _separator(text: str) -> str:
    from ..errors import InputError
    from ..io.sniff import parse_sep

    try:
        return parse_sep(text)
    except InputError:
        raise argparse.ArgumentTypeError(f"--sep needs one character such as ';' or 'tab'; got {text!r}") from None


def _thousands(text: str) -> str:
    from ..errors import InputError
    from ..io.sniff import parse_thousands

    try:
        return parse_thousands(text) or "none"
    except InputError as err:
        raise argparse.ArgumentTypeError(f"--thousands: {err}") from None


def _int(flag: str):
    def convert(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} needs a whole number; got {text!r}") from None

    convert.__name__ = "whole number"
    return convert


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``forecast`` command (argparse, no heavy imports)."""
    parser = _Parser(
        prog=PROG,
        description="Do recurrent networks beat the ARMA family on your series, by how much, "
                    "and is the difference real?",
        epilog="Exit status of backtest: 0 every model forecast every origin; 2 bad input; "
               "3 some forecasts failed (compared without them, see failures.csv); "
               "4 nothing could be scored.\n\n"
               "Examples:\n"
               "  forecast backtest                           # default comparison on the airline series\n"
               "  forecast backtest sales.csv --models \"naive,arma(auto),lstm\" --horizon 12\n"
               "  forecast backtest --config run.toml --print-config\n"
               "  forecast predict sales.csv --model \"arima(0,1,1)\" --horizon 6\n"
               "  forecast models\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    bt = sub.add_parser("backtest", help="score models side by side on rolling forecast origins",
                        description="Backtest models on rolling origins and write a leaderboard, "
                                    "tidy results and an HTML report.",
                        epilog="Exit status: 0 every model forecast every origin; 2 bad input; 3 some "
                               "forecasts failed (the others were compared; one line on stderr names the "
                               "failed model, failures.csv has every failure); 4 nothing could be scored.")
    _add_data_args(bt, optional_data=True)
    bt.add_argument("--models", help='comma-separated specs, e.g. "naive,ar(12),arma(auto),lstm(units=32),gru"')
    bt.add_argument("--horizon", type=_int("--horizon"), help="steps ahead to forecast from each origin")
    bt.add_argument("--initial", help="first origin: a count of observations or a fraction (e.g. 0.7)")
    bt.add_argument("--step", type=_int("--step"), help="steps between origins (default 1)")
    bt.add_argument("--window", help="'expanding' (default) or a sliding-window length")
    bt.add_argument("--refit", help="always | never | every:K (default never: fit once, then update)")
    bt.add_argument("--metrics", help="comma-separated metrics (default mae,rmse,smape,mase)")
    bt.add_argument("--season", type=_int("--season"),
                    help="season length m for MASE/RMSSE, seasonal naive and Naive2 (default: from the "
                         "frequency, e.g. 12 monthly, 24 hourly, 96 for 15 minutes; 1 when it has none)")
    bt.add_argument("--jobs", type=_int("--jobs"), help="parallel worker processes (default 1)")
    bt.add_argument("--dask", metavar="ADDRESS", help="run the tasks on a Dask scheduler at ADDRESS")
    bt.add_argument("--out", help="output folder (default ./forecast-results)")
    bt.add_argument("--config", help="TOML configuration file; flags override it")
    bt.add_argument("--print-config", dest="print_config", action="store_true",
                    help="print the effective configuration as TOML and exit")
    bt.add_argument("--resume", action="store_true",
                    help="reuse the finished tasks cached in OUT by an interrupted run")
    bt.add_argument("--no-report", dest="no_report", action="store_true",
                    help="skip the plots and report.html")

    pr = sub.add_parser("predict", help="fit one model on all the data and forecast ahead",
                        description="Fit one model on all the data and write its forecasts with "
                                    "prediction intervals as CSV (stdout or --out).")
    _add_data_args(pr, optional_data=False)
    pr.add_argument("--model", required=True, help='model spec, e.g. "arma(2,1)" or "lstm(units=16)"')
    pr.add_argument("--horizon", required=True, type=_int("--horizon"), help="steps ahead")
    pr.add_argument("--future", metavar="FILE",
                    help="CSV/Parquet with the exogenous values for the horizon (models with --exog)")
    pr.add_argument("--levels", default="80,95", help="interval levels in percent (default 80,95)")
    pr.add_argument("--out", help="write the CSV here instead of stdout")

    md = sub.add_parser("models", help="list the models, their parameters and defaults")
    md.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    ds = sub.add_parser("datasets", help="list the bundled datasets")
    ds.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser
