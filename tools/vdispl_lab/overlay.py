"""The per-run parts of the images: our binaries, the scripts, the guest's
command and extra packages, as small archives appended to the cached bases."""

import os
import subprocess

from . import cpio
from .images import HOST_LIB_DIRS, SCRIPTS, Tree
from . import elf

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


def _add_modules(tree, modules):
    # Loaded with insmod by path, so the base image's module index stays as
    # it is; what each needs from that index is listed beside it (NAME.deps).
    for ko in modules:
        name = os.path.basename(ko)
        tree.add(ko, "lab/modules/" + name)
        deps = subprocess.run(["modinfo", "-F", "depends", ko], stdout=subprocess.PIPE,
                              text=True, check=True).stdout.strip()
        tree.write("lab/modules/%s.deps" % name[:-len(".ko")], deps.replace(",", " ") + "\n")


def guest_initrd(base, work, client, command, files=(), packages=None, programs=(), modules=(),
                 frontend="mainline"):
    """The guest's initramfs for one run: base + overlay (+ @packages, an
    images.PackagesArchive), written under @work. @programs are more host
    binaries for the guest's /usr/bin, @modules kernel modules for
    /lab/modules, @frontend the display driver its init loads ("mainline"
    or "vdispl")."""
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
    have = set()
    if packages:
        search += packages.packages.lib_dirs()
        have = packages.sonames
    tree.add_libraries(programs, search, have=have)
    tree.write("lab/domu-cmd", command + "\n", 0o755)
    tree.write("lab/frontend", frontend + "\n")
    tree.write("lab/guest-rc", _script("guest-rc"), 0o755)
    tree.write("lab/guest-cmd", _script("guest-cmd"), 0o755)
    tree.write("etc/inittab", _script("guest-inittab"))
    tree.symlink("init", "usr/bin/busybox")
    overlay = os.path.join(work, "guest-overlay.cpio")
    cpio.write_tree(tree.path, overlay)
    # The compressed part goes last: nothing needs to follow it.
    return _concat([base.archive, overlay] + ([packages.path] if packages else []),
                   os.path.join(work, "guest-initrd.cpio"))


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
