"""The per-run parts of the images: our binaries, the scripts, each
domain's command, files and extra packages, as small archives appended to
the cached bases."""

import os
import subprocess

from . import cpio, cross, elf
from .arch import HOST
from .images import HOST_LIB_DIRS, SCRIPTS, Tree


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


def _install(tree, base, programs, files, packages, have=()):
    """@programs ([(host path, image path)]) and @files (host paths, into
    /root), with the libraries the ELF ones among them need, found in @base's
    packages, on the host or in @packages (an images.PackagesArchive or
    None); none that the image holds anyway (@have, and @packages' own)."""
    added = [tree.add(src, dest, 0o755) for src, dest in programs]
    added += [tree.add(path, "root/" + os.path.basename(path)) for path in files]
    # Our programs link against the host's libraries, or the cross sysroot's.
    built_against = HOST_LIB_DIRS if base.arch is HOST else cross.lib_dirs(base.arch.name)
    search = [tree.host(tree.libdir)] + base.packages.lib_dirs() + built_against
    have = set(have)
    if packages:
        search += packages.packages.lib_dirs()
        have |= packages.sonames
    tree.add_libraries([p for p in added if elf.is_elf(p)], search, have=have)


def _in_bin(programs):
    return [(p, "usr/bin/" + os.path.basename(p)) for p in programs]


def _image(base, overlay, packages, out_path):
    # The compressed part goes last: nothing needs to follow it.
    return _concat([base.archive, overlay] + ([packages.path] if packages else []), out_path)


def guest_initrd(base, work, client, command, files=(), packages=None, programs=(), modules=(),
                 frontend="mainline"):
    """The guest's initramfs for one run: base + overlay (+ @packages, an
    images.PackagesArchive), written under @work. @programs are more host
    binaries for the guest's /usr/bin, @files for its /root, @modules kernel
    modules for /lab/modules, @frontend the display driver its init loads
    ("mainline" or "vdispl")."""
    tree = Tree(os.path.join(work, "guest-overlay"), base.arch)
    _add_modules(tree, modules)
    _install(tree, base, [(client, "usr/bin/vdispl-client")] + _in_bin(programs), files,
             packages)
    tree.write("lab/domu-cmd", command + "\n", 0o755)
    tree.write("lab/frontend", frontend + "\n")
    tree.write("lab/guest-rc", _script("guest-rc"), 0o755)
    tree.write("lab/guest-cmd", _script("guest-cmd"), 0o755)
    tree.write("etc/inittab", _script("guest-inittab"))
    tree.symlink("init", "usr/bin/busybox")
    overlay = os.path.join(work, "guest-overlay.cpio")
    cpio.write_tree(tree.path, overlay)
    return _image(base, overlay, packages, os.path.join(work, "guest-initrd.cpio"))


def dom0_initrd(base, work, backend, scenario, guest_initrd_path, files=None, programs=(),
                modules=(), root_files=(), packages=None, command=None):
    """Dom0's initramfs for one run (+ @packages, an images.PackagesArchive).
    @files maps image paths to text; @programs are more host binaries for
    Dom0's /usr/bin, @root_files host files for its /root, @modules kernel
    modules for /lab/modules; @command is what lab.sh's lab_start_dom0_cmd
    runs (/lab/dom0-cmd), if anything."""
    tree = Tree(os.path.join(work, "dom0-overlay"), base.arch)
    _add_modules(tree, modules)
    _install(tree, base, [(backend, "usr/bin/vdispl-backend")] + _in_bin(programs), root_files,
             packages, have=base.sonames)
    tree.write("init", _script("dom0-init"), 0o755)
    tree.write("lab/lab.sh", _script("lab.sh"))
    tree.write("lab/scenario.sh", scenario)
    if command is not None:
        tree.write("lab/dom0-cmd", command + "\n", 0o755)
    for path, text in (files or {}).items():
        tree.write(path, text)
    overlay = os.path.join(work, "dom0-overlay.cpio")

    def add_guest(writer):
        writer.path(guest_initrd_path, "lab/guest/initrd.cpio")

    cpio.write_tree(tree.path, overlay, extra=add_guest)
    return _image(base, overlay, packages, os.path.join(work, "dom0-initrd.cpio"))
