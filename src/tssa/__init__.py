"""copier-tssa: read, check and maintain CNCF TSSA security assessment packages."""

import os
import signal
import sys

__version__ = "0.1.0"


def _interrupted_while_starting(number: int, frame: object) -> None:
    """Ctrl-C before the command runs: one line, no traceback (nothing has been done yet)."""
    sys.stderr.write("tssa: interrupted\n")
    os._exit(130)


def quiet_interrupts_while_starting() -> None:
    """Make Ctrl-C end `tssa` with one line until `main` takes over (imports take a while)."""
    signal.signal(signal.SIGINT, _interrupted_while_starting)


# Run as the `tssa` command: as early as can be, before any module loads.
if sys.argv and os.path.basename(sys.argv[0]) in ("tssa", "tssa.exe"):
    quiet_interrupts_while_starting()
