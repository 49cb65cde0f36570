"""vdispl-front keeps building for arm64: cross-built against Debian's
arm64 headers of the lab kernel's version, with compiler warnings as
errors and modpost checking every symbol it needs against that kernel's
exports. (Booting it on arm64 is the arm64 lab's work.)"""

import re
import struct
import subprocess

from vdispl_lab import debs, images, kmod
from vdispl_lab.errors import LabError

FRONTENDS = ("vdispl",)
_EM_AARCH64 = 183
_KERNEL = re.compile(r"^linux-image-(\d[^_]*)-amd64_")


def run(lab):
    amd64 = next(m.group(1) for m in map(_KERNEL.match, debs.resolve([images.KERNEL_PACKAGE]))
                 if m)
    version = amd64 + "-arm64"
    try:
        built = kmod.ours("vdispl-front", version)
        failure = None
    except LabError as e:
        built, failure = [], str(e)
    lab.ok(len(built) == 1, "arm64 build: vdispl-front builds for %s without a warning" % version,
           failure)
    if not built:
        return
    with open(built[0], "rb") as f:
        header = f.read(20)
    machine = struct.unpack_from("<H", header, 18)[0]
    vermagic = subprocess.run(["modinfo", "-F", "vermagic", built[0]], stdout=subprocess.PIPE,
                              text=True).stdout.strip()
    lab.ok(header[:4] == b"\x7fELF" and machine == _EM_AARCH64 and
           vermagic.startswith(version + " ") and vermagic.endswith(" aarch64"),
           "arm64 build: the module is aarch64 code for %s" % version,
           "e_machine %d, vermagic %r" % (machine, vermagic))
