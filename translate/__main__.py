"""Allows ``python -m translate`` where the console script is not installed."""

from translate.cli import main

raise SystemExit(main())
