"""Render a backtest's report.html in headless Chromium and save a screenshot.

    python benchmarks/render_report.py [RESULTS_DIR] [--shot report.png]

Without RESULTS_DIR it first runs a small classical backtest of the bundled airline series
through the command line into a temporary folder. The screenshot is taken offline
(``--disable-background-networking``; the report needs no network) at 1280x2400.
Needs the ``chromium`` browser (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html: Path, png: Path, *, size: str = "1280,2400", timeout: int = 120) -> Path:
    """Open ``html`` in headless Chromium and write a PNG screenshot to ``png``."""
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed (Debian: apt-get install chromium)")
    png = Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
               f"--window-size={size}", Path(html).resolve().as_uri()]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    if not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot to {png}")
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", nargs="?", help="a folder written by 'forecast backtest --out'")
    parser.add_argument("--shot", default="report.png", help="where to save the screenshot")
    args = parser.parse_args(argv)
    if args.results is None:
        results = Path(tempfile.mkdtemp(prefix="forecast-report-")) / "results"
        subprocess.run([sys.executable, "-m", "forecast", "backtest", "--models",
                        "naive,snaive(12),drift,ar(2),arima((0,1,1), seasonal=(0,1,1,12))",
                        "--horizon", "12", "--step", "3", "--out", str(results)],
                       check=True, cwd=ROOT)
    else:
        results = Path(args.results)
    png = screenshot(results / "report.html", Path(args.shot))
    print(f"screenshot of {results / 'report.html'} saved to {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
