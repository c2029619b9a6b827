"""``python -m brain.cli``."""

import sys

from brain.cli import main

# Guarded: build_parser() walks this package and imports this module too.
if __name__ == "__main__":
    sys.exit(main())
