"""``python -m brain.cli``."""

import sys

from brain.cli import main

# Guarded: build_parser() imports every module of brain.cli, this one included.
if __name__ == "__main__":
    sys.exit(main())
