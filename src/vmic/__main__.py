"""``python -m vmic``: the same command line as the ``vmic`` console script."""

from __future__ import annotations

import sys

from vmic.cli import main

if __name__ == "__main__":
    sys.exit(main())
