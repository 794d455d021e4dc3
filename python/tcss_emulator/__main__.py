"""`python -m tcss_emulator ARGS`: runs the bundled `tcss-emulator` binary with ARGS."""

import os
import subprocess
import sys

from ._binary import find_binary


def main() -> int:
    """Runs the binary (in place of this process where the platform allows) and returns
    its exit code."""
    binary = find_binary()
    if sys.platform == "win32":
        return subprocess.call([binary, *sys.argv[1:]])
    os.execv(binary, [binary, *sys.argv[1:]])
    return 0  # not reached: execv replaces the process


if __name__ == "__main__":
    sys.exit(main())
