"""Run the transit command line: `python -m transit …`."""

from __future__ import annotations

import sys

from transit.cli import main

sys.exit(main())
