"""The per-run parts of the images: our binaries, the scripts, the guest's
command and extra packages, as small archives appended to the cached bases."""

import os
import stat
import subprocess

from . import cpio
from .debs import PackageSet
from .images import HOST_LIB_DIRS, SCRIPTS, Tree
from . import elf

# Never copied out of --domu-pkg packages: documentation only.
_SKIP_PREFIXES = ("usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/lintian/",
                  "usr/share/locale/", ".unpacked", ".depmod")


def _concat(parts, out_path):
    with open(out_path + ".tmp", "wb") as out:
        for p in parts:
            with open(p, "rb") as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    out.write(chunk)
    os.replace(out_path + ".tmp", out_path)
    return out_path


def _script(name):
    with open(os.path.join(SCRIPTS, name)) as f:
        return f.read()


def _copy_package_files(tree, root):
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel.startswith(_SKIP_PREFIXES):
                continue
            src = os.path.join(dirpath, name)
            if os.path.islink(src):
                tree.symlink(rel, os.readlink(src))
            elif stat.S_ISREG(os.lstat(src).st_mode):
                tree.add(src, rel)


def _add_modules(tree, modules):
    # Loaded with insmod by path, so the base image's module index stays as
    # it is; what each needs from that index is listed beside it (NAME.deps).
    for ko in modules:
        name = os.path.basename(ko)
        tree.add(ko, "lab/modules/" + name)
        deps = subprocess.run(["modinfo", "-F", "depends", ko], stdout=subprocess.PIPE,
                              text=True, check=True).stdout.strip()
        tree.write("lab/modules/%s.deps" % name[:-len(".ko")], deps.replace(",", " ") + "\n")


def guest_initrd(base, work, client, command, files=(), packages=(), programs=(), modules=(),
                 frontend="mainline"):
    """The guest's initramfs for one run: base + overlay, written under @work.
    @programs are more host binaries for the guest's /usr/bin, @modules
    kernel modules for /lab/modules, @frontend the display driver its init
    loads ("mainline" or "vdispl")."""
    tree = Tree(os.path.join(work, "guest-overlay"))
    _add_modules(tree, modules)
    search = [tree.host("usr/lib/x86_64-linux-gnu")] + base.packages.lib_dirs() + HOST_LIB_DIRS
    added = [tree.add(client, "usr/bin/vdispl-client", 0o755)] + [
        tree.add(p, "usr/bin/" + os.path.basename(p), 0o755) for p in programs]
    programs = [p for p in added if elf.is_elf(p)]
    for path in files:
        dest = tree.add(path, "root/" + os.path.basename(path))
        if elf.is_elf(dest):
            programs.append(dest)
    if packages:
        extra = PackageSet(packages)
        have = set(base.packages.key())
        for name, root in sorted(extra.roots.items()):
            deb = [os.path.basename(d) for d in extra.debs
                   if os.path.basename(d).startswith(name + "_")]
            if deb and deb[0] in have:
                continue
            _copy_package_files(tree, root)
        search += extra.lib_dirs()
    tree.add_libraries(programs, search)
    tree.write("lab/domu-cmd", command + "\n", 0o755)
    tree.write("lab/frontend", frontend + "\n")
    tree.write("lab/guest-rc", _script("guest-rc"), 0o755)
    tree.write("lab/guest-cmd", _script("guest-cmd"), 0o755)
    tree.write("etc/inittab", _script("guest-inittab"))
    tree.symlink("init", "usr/bin/busybox")
    overlay = os.path.join(work, "guest-overlay.cpio")
    cpio.write_tree(tree.path, overlay)
    return _concat([base.archive, overlay], os.path.join(work, "guest-initrd.cpio"))


def dom0_initrd(base, work, backend, scenario, guest_initrd_path, files=None, programs=(),
                modules=()):
    """Dom0's initramfs for one run. @files maps image paths to text;
    @programs are more host binaries for Dom0's /usr/bin, @modules kernel
    modules for /lab/modules."""
    tree = Tree(os.path.join(work, "dom0-overlay"))
    _add_modules(tree, modules)
    search = [tree.host("usr/lib/x86_64-linux-gnu")] + base.packages.lib_dirs() + HOST_LIB_DIRS
    programs = [tree.add(backend, "usr/bin/vdispl-backend", 0o755)] + [
        tree.add(p, "usr/bin/" + os.path.basename(p), 0o755) for p in programs]
    tree.add_libraries([p for p in programs if elf.is_elf(p)], search, have=base.sonames)
    tree.write("init", _script("dom0-init"), 0o755)
    tree.write("lab/lab.sh", _script("lab.sh"))
    tree.write("lab/scenario.sh", scenario)
    for path, text in (files or {}).items():
        tree.write(path, text)
    overlay = os.path.join(work, "dom0-overlay.cpio")

    def add_guest(writer):
        writer.path(guest_initrd_path, "lab/guest/initrd.cpio")

    cpio.write_tree(tree.path, overlay, extra=add_guest)
    return _concat([base.archive, overlay], os.path.join(work, "dom0-initrd.cpio"))
