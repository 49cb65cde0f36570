"""The machines the lab emulates, and what differs between them: Debian's
package names and multiarch paths, QEMU and how Xen and Dom0 are loaded,
which guest types Xen offers, and how Dom0 talks to the host.

amd64 is this machine's own architecture; arm64's packages are named
NAME:arm64 (tools/install-deps makes it one of dpkg's architectures) and
its binaries are cross-built (tools/cross-build, kmod.py)."""

from .errors import LabError


class Arch:
    def __init__(self, name, triplet, loader, qemu, guest_types, frontends, foreign,
                 dom0_modules):
        self.name = name
        self.triplet = triplet
        # The dynamic loader's path, as programs name it (PT_INTERP).
        self.loader = loader
        self.qemu = qemu
        # Xen on arm has one kind of guest, which xl calls pvh.
        self.guest_types = guest_types
        # The guest display drivers its lab can load.
        self.frontends = frontends
        self.foreign = foreign
        # Modules Dom0 needs on this machine besides the common ones.
        self.dom0_modules = dom0_modules

    def package(self, name):
        """Debian's name for package @name of this architecture; NAME/SUITE
        stays NAME:ARCH/SUITE."""
        if not self.foreign:
            return name
        package, slash, suite = name.partition("/")
        return "%s:%s%s%s" % (package, self.name, slash, suite)

    @property
    def kernel_package(self):
        return self.package("linux-image-" + self.name)

    def __repr__(self):
        return self.name


AMD64 = Arch("amd64", "x86_64-linux-gnu", "/lib64/ld-linux-x86-64.so.2", "qemu-system-x86_64",
             ("pv", "pvh"), ("mainline", "vdispl"), foreign=False, dom0_modules=[])
# Dom0 talks to the host through a virtio serial port: the virt machine's
# one UART is Xen's console. Debian's arm64 kernel has no drm_xen_front: the
# lab builds it from the kernel's sources (kmod.py).
ARM64 = Arch("arm64", "aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1", "qemu-system-aarch64",
             ("pvh",), ("mainline", "vdispl"), foreign=True,
             dom0_modules=["virtio_pci", "virtio_console"])
ARCHES = {a.name: a for a in (AMD64, ARM64)}
HOST = AMD64


def get(name):
    try:
        return ARCHES[name]
    except KeyError:
        raise LabError("no architecture %r: want one of %s" % (name, ", ".join(ARCHES))) from None
