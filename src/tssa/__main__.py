"""`python -m tssa`: the same as the `tssa` command."""

import sys

from tssa.cli import main

sys.exit(main())
