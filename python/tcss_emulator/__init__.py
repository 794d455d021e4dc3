"""tcss-emulator for Python: the `tcss-emulator` binary (installed on `PATH` with this
package), `Emulator` to run it from code, and a pytest plugin (loaded automatically) with
the fixtures `tcss_emulator` and `tcss`.

    from tcss_emulator import Emulator

    with Emulator() as emu:
        print(emu.client().DescribeAssetImageRegistryDetail(req).ImageName)
"""

from ._binary import BIN_ENV, find_binary
from ._emulator import DEFAULT_CREDENTIAL, Emulator
from ._process import EmulatorError

__all__ = ["BIN_ENV", "DEFAULT_CREDENTIAL", "Emulator", "EmulatorError", "find_binary"]
