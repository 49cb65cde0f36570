"""Dom0 and guest initramfs images, built from Debian packages.

Each image is a cached base archive (Debian's files: BusyBox, Xen's tools,
kernel modules, libraries), keyed by the package versions and this builder,
plus a small per-run overlay archive (our binaries, the scripts, the guest's
command) appended to it: the kernel unpacks both, the overlay winning.

Images use Debian's merged-/usr layout: /bin, /sbin, /lib and /lib64 are
symlinks into /usr.
"""

import gzip
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile

from . import cache, cpio, elf
from .arch import HOST
from .debs import PackageSet
from .errors import LabError

XEN_VERSION = "4.17"
# The host's kernel: the version every architecture's kernel is taken at.
KERNEL_PACKAGE = HOST.kernel_package


def dom0_packages(arch):
    return [arch.package(p) for p in [
        "xen-hypervisor-%s-%s" % (XEN_VERSION, arch.name),
        "xen-utils-%s" % XEN_VERSION,
        "xenstore-utils",
        # xl's, which apt leaves out of xen-utils' closure for a foreign arch.
        "libxentoolcore1",
        "busybox-static",
        "libgcc-s1",
        # What vdispl-backend links against.
        "libdrm2",
        "libpng16-16",
        "libinih1",
    ]] + [arch.kernel_package]


def guest_packages(arch):
    return [arch.kernel_package] + [arch.package(p) for p in
                                    ["busybox-static", "libgcc-s1", "libdrm2"]]

# Dom0: event channels, grant mapping and sharing, privcmd/xenfs for the
# toolstack, and bochs for the KMS display QEMU captures.
DOM0_MODULES = ["xen-evtchn", "xen-gntdev", "xen-gntalloc", "xen-privcmd", "xenfs", "bochs",
                # What vkms, built out of tree (kmod.py), needs besides drm.
                "drm_shmem_helper", "drm_kms_helper"]
# The guest: the mainline frontend, unchanged; event channels, grant
# sharing and grant mapping for user-space frontends (tests that speak
# displif themselves, and map the backend's be-alloc pages).
# What drm_xen_front needs, for where the lab builds it (on amd64 it brings
# them itself): drm_kms_helper, which vdispl-front needs too, and
# xen-front-pgdir-shbuf.
GUEST_MODULES = ["drm_xen_front", "drm_kms_helper", "xen-front-pgdir-shbuf", "xen-evtchn",
                 "xen-gntalloc", "xen-gntdev"]


def guest_modules(kernel):
    # Debian's arm64 kernel has no drm_xen_front.
    return [m for m in GUEST_MODULES if kernel.has_module(m)]

XEN_TOOLS = ["xl", "xenstored", "xenconsoled", "xen-init-dom0"]
XENSTORE_CLIENTS = ["read", "write", "ls", "list", "rm", "exists", "watch", "chmod"]

HOST_LIB_DIRS = ["/lib/" + HOST.triplet, "/usr/lib/" + HOST.triplet]

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def _builder_digest():
    h = hashlib.sha256()
    with open(os.path.abspath(__file__), "rb") as f:
        h.update(f.read())
    return h.hexdigest()[:12]


class Tree:
    """A staging directory laid out like the image's root, for @arch."""

    def __init__(self, path, arch=HOST):
        self.path = path
        self.arch = arch
        self.libdir = "usr/lib/" + arch.triplet
        for d in ("usr/bin", "usr/sbin", self.libdir, "usr/lib64", "etc", "proc",
                  "sys", "dev", "tmp", "run", "root", "var/log", "var/lib", "lab"):
            os.makedirs(os.path.join(path, d), exist_ok=True)
        for link, target in (("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"),
                             ("lib64", "usr/lib64")):
            p = os.path.join(path, link)
            if not os.path.lexists(p):
                os.symlink(target, p)

    def host(self, relpath):
        return os.path.join(self.path, _merged(relpath))

    def _replace(self, relpath):
        """The host path of /@relpath, its directory made and whatever was
        there removed."""
        dest = self.host(relpath)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.lexists(dest):
            os.unlink(dest)
        return dest

    def add(self, src, relpath, mode=None):
        """Copy the host file @src (symlinks followed) to /@relpath."""
        dest = self._replace(relpath)
        shutil.copyfile(src, dest)
        shutil.copymode(src, dest)
        if mode is not None:
            os.chmod(dest, mode)
        return dest

    def write(self, relpath, text, mode=0o644):
        dest = self.host(relpath)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w") as f:
            f.write(text)
        os.chmod(dest, mode)
        return dest

    def hard_link(self, relpath, existing):
        """/@relpath as another name of the tree's file @existing (a host path)."""
        os.link(existing, self._replace(relpath))

    def symlink(self, relpath, target):
        os.symlink(target, self._replace(relpath))

    def add_libraries(self, programs, search_dirs, have=None):
        """Copy what @programs (host paths) need into /usr/lib, skipping the
        sonames in @have (already in a base archive)."""
        try:
            libs = elf.closure(programs, search_dirs)
        except (LookupError, ValueError) as e:
            raise LabError(str(e)) from None
        for soname, src in sorted(libs.items()):
            if have and soname in have:
                continue
            self.add(src, "%s/%s" % (self.libdir, soname))
        loader = os.path.basename(self.arch.loader)
        if loader in libs:
            link = _merged(self.arch.loader)
            self.symlink(link, os.path.relpath("%s/%s" % (self.libdir, loader),
                                               os.path.dirname(link)))
        return set(libs)

    def sonames(self):
        d = self.host(self.libdir)
        return set(os.listdir(d)) if os.path.isdir(d) else set()


def _merged(relpath):
    relpath = relpath.lstrip("/")
    for top in ("bin/", "sbin/", "lib/", "lib64/"):
        if relpath.startswith(top):
            return "usr/" + relpath
    return relpath


class Kernel:
    """Debian's kernel: image, version and a module index (cached)."""

    def __init__(self, packages):
        # The metapackage (linux-image-amd64) depends on the versioned one,
        # which is the one that carries the modules.
        roots = [r for name, r in sorted(packages.roots.items())
                 if name.startswith("linux-image-") and os.path.isdir(os.path.join(r, "lib/modules"))]
        if not roots:
            raise LabError("no linux-image package with modules in the set")
        self.root = roots[0]
        # linux-image-6.1.0-57-amd64_6.1.192-3_amd64 -> 6.1.192-3
        self.package_version = os.path.basename(self.root).split("_")[1]
        moddir = os.path.join(self.root, "lib/modules")
        versions = os.listdir(moddir)
        if len(versions) != 1:
            raise LabError("expected one kernel version in %s, found %s" % (moddir, versions))
        self.version = versions[0]
        self.vmlinuz = os.path.join(self.root, "boot/vmlinuz-" + self.version)
        self._depmod()
        self._deps = self._read_deps()

    def has_module(self, name):
        return name.replace("-", "_") in self._deps

    def _depmod(self):
        marker = os.path.join(self.root, ".depmod")
        if os.path.exists(marker):
            return
        _run(["depmod", "-b", self.root, self.version])
        open(marker, "w").close()

    def _read_deps(self):
        deps = {}
        path = os.path.join(self.root, "lib/modules", self.version, "modules.dep")
        with open(path) as f:
            for line in f:
                mod, _, rest = line.partition(":")
                name = os.path.basename(mod)[:-len(".ko")].replace("-", "_")
                deps[name] = (mod, rest.split())
        return deps

    def module_files(self, names):
        """Relative paths of @names and everything they depend on."""
        files = set()
        for name in names:
            key = name.replace("-", "_")
            if key not in self._deps:
                raise LabError("kernel %s has no module %s" % (self.version, name))
            mod, deps = self._deps[key]
            files.add(mod)
            files.update(deps)
        return sorted(files)

    def install_modules(self, tree, names):
        src = os.path.join(self.root, "lib/modules", self.version)
        for rel in self.module_files(names):
            tree.add(os.path.join(src, rel), "lib/modules/%s/%s" % (self.version, rel))
        for index in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
            p = os.path.join(src, index)
            if os.path.exists(p):
                tree.add(p, "lib/modules/%s/%s" % (self.version, index))
        _run(["depmod", "-b", tree.path, self.version])


def _run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise LabError("%s failed: %s" % (" ".join(cmd), proc.stdout.strip()))
    return proc.stdout


def _cached_archive(kind, packages, extra_key, build, arch=HOST):
    """The base archive of @kind for @packages, built by @build(tree) once."""
    h = hashlib.sha256()
    for part in packages.key() + [extra_key, _builder_digest()]:
        h.update(part.encode() + b"\0")
    out = cache.path("images", "%s-%s.cpio" % (kind, h.hexdigest()[:16]))
    if os.path.exists(out):
        return out
    with tempfile.TemporaryDirectory(prefix="vdispl-lab-") as tmp:
        tree = Tree(os.path.join(tmp, "root"), arch)
        build(tree)
        cpio.write_tree(tree.path, out, extra=_device_nodes)
    return out


# Never copied out of whole packages: documentation only.
_DOC_PREFIXES = ("usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/lintian/",
                 "usr/share/locale/", ".unpacked", ".depmod")


def _copy_package_files(tree, root, linked):
    """Every file of the unpacked package @root into @tree; files that are
    hard links of one another stay so (@linked: host inode -> tree path)."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel.startswith(_DOC_PREFIXES):
                continue
            src = os.path.join(dirpath, name)
            st = os.lstat(src)
            if stat.S_ISLNK(st.st_mode):
                tree.symlink(rel, os.readlink(src))
            elif stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) in linked:
                tree.hard_link(rel, linked[(st.st_dev, st.st_ino)])
            elif stat.S_ISREG(st.st_mode):
                dest = tree.add(src, rel)
                if st.st_nlink > 1:
                    linked[(st.st_dev, st.st_ino)] = dest


class PackagesArchive:
    """Whole Debian packages for an image: every file (but documentation) of
    @names and of all they depend on, libc6 included, since an image's base
    holds only the libraries of its own programs. Drivers that are
    dlopen()ed and data files (Mesa's, glvnd's) come along. One
    gzip-compressed archive, cached by the resolved package set: Mesa's
    software stack is over 200 MB."""

    def __init__(self, names, arch=HOST):
        self.packages = PackageSet([arch.package(n) for n in names], arch.triplet)
        h = hashlib.sha256()
        for part in self.packages.key() + [_builder_digest()]:
            h.update(part.encode() + b"\0")
        self.path = cache.path("images", "packages-%s.cpio.gz" % h.hexdigest()[:16])
        size_path = self.path + ".size"
        if not os.path.exists(self.path) or not os.path.exists(size_path):
            with tempfile.TemporaryDirectory(prefix="vdispl-lab-") as tmp:
                tree = Tree(os.path.join(tmp, "root"), arch)
                linked = {}
                for _name, root in sorted(self.packages.roots.items()):
                    _copy_package_files(tree, root, linked)
                size = cpio.write_tree(tree.path, self.path, compress=True)
            with open(size_path, "w") as f:
                f.write("%d\n" % size)
        with open(size_path) as f:
            # What the archive unpacks to: the guest's memory must hold it.
            self.unpacked_size = int(f.read())
        self.sonames = set()
        for root in self.packages.roots.values():
            for sub in ("lib/" + arch.triplet, "usr/lib/" + arch.triplet):
                d = os.path.join(root, sub)
                if os.path.isdir(d):
                    self.sonames.update(os.listdir(d))


def _device_nodes(writer):
    # The kernel opens /dev/console for init before anything mounts /dev.
    writer.char_device("dev/console", 5, 1)


def _install_libgcc_s(tree, packages):
    # glibc's pthread_cancel() dlopen()s it: libxenstore's users (xl, and
    # user-space frontends in guests) abort at exit without it.
    tree.add(os.path.join(packages.root_of("libgcc-s1"), "lib", tree.arch.triplet,
                          "libgcc_s.so.1"), "%s/libgcc_s.so.1" % tree.libdir)


def _install_busybox(tree, packages):
    tree.add(os.path.join(packages.root_of("busybox-static"), "bin/busybox"), "usr/bin/busybox")


class Dom0Base:
    """Xen, Dom0's kernel and the base Dom0 archive."""

    def __init__(self, arch=HOST):
        self.arch = arch
        self.packages = PackageSet(dom0_packages(arch), arch.triplet)
        self.kernel = Kernel(self.packages)
        self.xen = self._xen_image()
        self.modules = DOM0_MODULES + arch.dom0_modules
        self.archive = _cached_archive("dom0", self.packages, " ".join(self.modules),
                                       self._build, arch)
        self.sonames = self._sonames()

    def _xen_image(self):
        """Xen as QEMU loads it: an ELF file on x86 (Debian ships it
        gzipped), the raw image on arm."""
        if self.arch.name != "amd64":
            return self.packages.find("boot/xen-%s-%s" % (XEN_VERSION, self.arch.name))
        gz = self.packages.find("boot/xen-%s-amd64.gz" % XEN_VERSION)
        out = cache.path("images", "xen-%s.elf" % hashlib.sha256(
            os.path.basename(os.path.dirname(os.path.dirname(gz))).encode()).hexdigest()[:16])
        if not os.path.exists(out):
            with gzip.open(gz, "rb") as src, open(out + ".tmp", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(out + ".tmp", out)
        return out

    def _build(self, tree):
        _install_busybox(tree, self.packages)
        xen_bin = "usr/lib/xen-%s/bin" % XEN_VERSION
        programs = []
        for tool in XEN_TOOLS:
            programs.append(tree.add(self.packages.find("%s/%s" % (xen_bin, tool)),
                                     "%s/%s" % (xen_bin, tool)))
        programs.append(tree.add(self.packages.find("usr/bin/xenstore"), "usr/bin/xenstore"))
        for client in XENSTORE_CLIENTS:
            tree.symlink("usr/bin/xenstore-" + client, "xenstore")
        _install_libgcc_s(tree, self.packages)
        tree.add_libraries(programs, self.packages.lib_dirs())
        self.kernel.install_modules(tree, self.modules)
        tree.add(self.kernel.vmlinuz, "lab/guest/vmlinuz")
        tree.write("etc/xen/xl.conf", "# vdispl lab: libxl defaults\n")
        for d in ("var/lib/xen", "var/lib/xenstored", "var/log/xen", "var/run/xen",
                  "run/xen"):
            os.makedirs(tree.host(d), exist_ok=True)

    def _sonames(self):
        # What the base archive already holds, so overlays skip it.
        with tempfile.TemporaryDirectory() as tmp:
            tree = Tree(tmp, self.arch)
            return tree.add_libraries(
                [self.packages.find("usr/lib/xen-%s/bin/xl" % XEN_VERSION)],
                self.packages.lib_dirs())


class GuestBase:
    """The guest's base archive: BusyBox, the mainline frontend, its init."""

    def __init__(self, arch=HOST):
        self.arch = arch
        self.packages = PackageSet(guest_packages(arch), arch.triplet)
        self.kernel = Kernel(self.packages)
        self.modules = guest_modules(self.kernel)
        self.archive = _cached_archive("guest", self.packages, " ".join(self.modules),
                                       self._build, arch)

    def _build(self, tree):
        _install_busybox(tree, self.packages)
        _install_libgcc_s(tree, self.packages)
        self.kernel.install_modules(tree, self.modules)
