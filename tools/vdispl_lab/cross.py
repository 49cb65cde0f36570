"""Building vdispl for another Debian architecture on this amd64 machine,
with Debian's cross compiler and a sysroot of Debian's -dev packages of
that architecture.

libxen-dev is not multiarch-installable beside the host's own, so nothing
is installed for the other architecture: apt resolves the -dev packages and
all they depend on as for an empty system, and they are unpacked into a
sysroot in the lab's cache, keyed by the exact package versions. The cross
file in the tree, cross/<arch>.ini, names the compiler and takes the
sysroot from a small file made here."""

import hashlib
import os
import shutil
import subprocess

from . import cache, debs
from .errors import LabError

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What meson.build looks for, for the arm64 side; wayland-protocols is XML.
PACKAGES = {
    "arm64": ["libxen-dev:arm64", "libdrm-dev:arm64", "libpng-dev:arm64", "libinih-dev:arm64",
              "libwayland-dev:arm64", "wayland-protocols"],
}
# ELF e_machine of each architecture, to check what came out.
MACHINES = {"arm64": 183}
TRIPLETS = {"arm64": "aarch64-linux-gnu"}


def sysroot(arch):
    """The sysroot of @arch's packages (made once per set of versions)."""
    paths = debs.fetch(PACKAGES[arch])
    key = hashlib.sha256("\n".join(sorted(os.path.basename(p) for p in paths))
                         .encode()).hexdigest()[:16]
    root = cache.directory("sysroots", "%s-%s" % (arch, key))
    if os.path.exists(os.path.join(root, ".complete")):
        return root
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for deb in paths:
        subprocess.run(["dpkg-deb", "-x", deb, tmp], check=True)
    open(os.path.join(tmp, ".complete"), "w").close()
    shutil.rmtree(root, ignore_errors=True)
    os.replace(tmp, root)
    print("cross-build: %s sysroot of %d Debian packages in %s" % (arch, len(paths), root))
    return root


def lib_dirs(arch):
    """Where @arch's libraries are in its sysroot."""
    root = sysroot(arch)
    return [os.path.join(root, d, TRIPLETS[arch]) for d in ("lib", "usr/lib")]


def elf_machine(path):
    with open(path, "rb") as f:
        head = f.read(20)
    return int.from_bytes(head[18:20], "little") if head[:4] == b"\x7fELF" else None


def build(arch, build_dir=None):
    """Configure (once per sysroot) and compile the tree for @arch in
    @build_dir (default build-<arch>); check the backend and the client are
    @arch's programs. Returns the build directory."""
    build_dir = os.path.abspath(build_dir or os.path.join(TOP, "build-%s" % arch))
    root = sysroot(arch)
    constants = cache.path("sysroots", "%s.ini" % os.path.basename(root))
    with open(constants, "w") as f:
        f.write("[constants]\nsysroot = '%s'\n" % root)
    cross = [constants, os.path.join(TOP, "cross", "%s.ini" % arch)]
    # A build dir made against another sysroot is made again.
    stamp = os.path.join(build_dir, ".vdispl-sysroot")
    if os.path.exists(os.path.join(build_dir, "build.ninja")) and (
            not os.path.exists(stamp) or open(stamp).read() != root):
        shutil.rmtree(build_dir)
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        cmd = ["meson", "setup", build_dir, TOP]
        for c in cross:
            cmd += ["--cross-file", c]
        _run(cmd)
        with open(stamp, "w") as f:
            f.write(root)
    _run(["meson", "compile", "-C", build_dir])
    for program in ("backend/vdispl-backend", "tools/vdispl-client"):
        path = os.path.join(build_dir, program)
        if not os.path.exists(path) or elf_machine(path) != MACHINES[arch]:
            raise LabError("%s is not an %s program" % (path, arch))
    return build_dir


def _run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise LabError("%s failed:\n%s" % (" ".join(cmd), proc.stdout[-3000:]))
