"""Building vdispl's binaries for the lab images with meson."""

import os
import subprocess

from . import cross, elf
from .arch import HOST
from .errors import LabError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# Sanitized builds: ASan and UBSan, every finding fatal (lab.sh sets the
# runtime options), in a build directory of their own.
SANITIZE = ["-Db_sanitize=address,undefined", "-Db_lundef=false"]


def build_dir(sanitize=False):
    if sanitize:
        return os.environ.get("VDISPL_SANITIZE_BUILD_DIR") or os.path.join(REPO, "build-sanitize")
    return os.environ.get("VDISPL_BUILD_DIR") or os.path.join(REPO, "build")


def sanitized_backend():
    """vdispl-backend built with ASan and UBSan (configured once); its path."""
    d = build_dir(sanitize=True)
    if not os.path.exists(os.path.join(d, "build.ninja")):
        _run(["meson", "setup", d, REPO] + SANITIZE)
    _run(["meson", "compile", "-C", d, "vdispl-backend"])
    path = os.path.join(d, "backend", "vdispl-backend")
    # A run "with no report" means something only if the sanitizers are in.
    _interp, libs = elf.needed(path)
    if not any(n.startswith("libasan.") for n in libs) or \
            not any(n.startswith("libubsan.") for n in libs):
        raise LabError("%s is not built with ASan and UBSan (it needs %s)"
                       % (path, ", ".join(libs)))
    return path


def build(arch=HOST):
    """Configure (once) and compile for @arch (arch.Arch; cross-built when
    not the host's); return {name: path} of the lab's binaries."""
    if arch is not HOST:
        d = cross.build(arch.name)
        # What builds there: the programs that need no GBM, EGL or weston.
        return {name: os.path.join(d, sub, name) for sub, name in (
            ("backend", "vdispl-backend"), ("tools", "vdispl-client"),
            ("tools", "vdispl-evil-frontend"), ("tools", "vdispl-dmabuf-check"))
            if os.path.exists(os.path.join(d, sub, name))}
    d = build_dir()
    if not os.path.exists(os.path.join(d, "build.ninja")):
        _run(["meson", "setup", d, REPO])
    _run(["meson", "compile", "-C", d])
    binaries = {
        "vdispl-backend": os.path.join(d, "backend", "vdispl-backend"),
        "vdispl-client": os.path.join(d, "tools", "vdispl-client"),
        "vdispl-frame-check": os.path.join(d, "tools", "vdispl-frame-check"),
        "vdispl-dmabuf-check": os.path.join(d, "tools", "vdispl-dmabuf-check"),
        "vdispl-gl-client": os.path.join(d, "tools", "vdispl-gl-client"),
        "vdispl-prime-client": os.path.join(d, "tools", "vdispl-prime-client"),
    }
    # Built where libxen is, for tests that speak displif from a guest.
    binaries["vdispl-evil-frontend"] = os.path.join(d, "tools", "vdispl-evil-frontend")
    # Built where libweston-10-dev is: weston's ivi-shell controller for the IVI test.
    binaries["vdispl-ivi-controller"] = os.path.join(d, "tools", "ivi-controller",
                                                     "vdispl-ivi-controller.so")
    for name, path in binaries.items():
        if name in ("vdispl-evil-frontend", "vdispl-ivi-controller"):
            continue
        if not os.path.exists(path):
            raise LabError("%s was not built (%s): are libdrm-dev, libpng-dev, libgbm-dev, libegl-dev and "
                           "libgles-dev installed? "
                           "tools/install-deps installs them" % (name, path))
    return binaries


def _run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise LabError("%s failed:\n%s" % (" ".join(cmd), proc.stdout[-3000:]))
