"""Our kernel modules keep building for arm64: vdispl-front (the guest's)
and vdispl-dmabuf (Dom0's), cross-built against Debian's arm64 headers of
the lab kernel's version, with compiler warnings as errors and modpost
checking every symbol each needs against that kernel's exports. (Booting
them on arm64 is the arm64 lab's work.)"""

import re
import struct
import subprocess

from vdispl_lab import debs, images, kmod
from vdispl_lab.errors import LabError

# Host-only: one run, whatever the frontend.
FRONTENDS = ("vdispl",)
MODULES = ("vdispl-front", "vdispl-dmabuf")
_EM_AARCH64 = 183
_KERNEL = re.compile(r"^linux-image-(\d[^_]*)-amd64_")


def run(lab):
    amd64 = next(m.group(1) for m in map(_KERNEL.match, debs.resolve([images.KERNEL_PACKAGE]))
                 if m)
    version = amd64 + "-arm64"
    for name in MODULES:
        check_module(lab, name, version)


def check_module(lab, name, version):
    try:
        built = kmod.ours(name, version)
        failure = None
    except LabError as e:
        built, failure = [], str(e)
    lab.ok(len(built) == 1, "arm64 build: %s builds for %s without a warning" % (name, version),
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
           "arm64 build: %s is aarch64 code for %s" % (name, version),
           "e_machine %d, vermagic %r" % (machine, vermagic))
