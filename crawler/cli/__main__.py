"""`python -m crawler.cli`: the same entry point as the `crawler` script."""

import sys

from crawler.cli import main

sys.exit(main())
