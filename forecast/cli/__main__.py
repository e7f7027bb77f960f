"""``python -m forecast.cli``, as before the command line became a package (same as ``python -m forecast``)."""

from . import main

raise SystemExit(main())
