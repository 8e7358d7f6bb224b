"""copier-tssa: read, check and maintain CNCF TSSA security assessment packages."""

import os
import signal
import sys
from types import FrameType

__version__ = "0.2.0"

_CLI = os.path.join("tssa", "cli.py")


def _interrupted(number: int, frame: FrameType | None) -> None:
    """Ctrl-C: inside the command, a KeyboardInterrupt it cleans up after; before, one line and out.

    The command's imports take a while (copier's most), and Python would print
    a traceback for an interrupt among them.
    """
    while frame is not None:
        if frame.f_code.co_name == "main" and frame.f_code.co_filename.endswith(_CLI):
            raise KeyboardInterrupt
        frame = frame.f_back
    sys.stderr.write("tssa: interrupted\n")
    os._exit(130)


# Run as the `tssa` command (or `python -m tssa.cli`, whose argv[0] is "-m" while the package loads):
# installed as early as can be, before any other module of tssa loads.
if sys.argv and os.path.basename(sys.argv[0]) in ("tssa", "tssa.exe", "-m"):
    signal.signal(signal.SIGINT, _interrupted)
