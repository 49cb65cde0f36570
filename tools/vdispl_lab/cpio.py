"""Writing initramfs archives (cpio "newc") without the cpio tool.

Written by hand so that every entry is owned by root whatever user builds
it, and so a run can append its own small archive to a cached base one: the
kernel unpacks concatenated archives in order, later files winning.
"""

import gzip
import os
import stat

_TRAILER = "TRAILER!!!"


def _header(name, mode, size, ino, nlink=1, rdevmajor=0, rdevminor=0):
    fields = (
        ino, mode, 0, 0, nlink, 0, size, 0, 0, rdevmajor, rdevminor, len(name) + 1, 0,
    )
    return ("070701" + "".join("%08X" % f for f in fields)).encode("ascii")


def _pad(n):
    return b"\0" * ((4 - n % 4) % 4)


class Writer:
    """Accumulates entries and writes one archive."""

    def __init__(self, out):
        self._out = out
        self._ino = 1
        self._dirs = set()
        # (st_dev, st_ino) of a host file with hard links -> its archive inode
        self._links = {}

    def _entry(self, name, mode, data=b"", ino=None, **kw):
        name = name.lstrip("/")
        if ino is None:
            ino = self._ino
            self._ino += 1
        head = _header(name, mode, len(data), ino, **kw)
        record = head + name.encode() + b"\0"
        self._out.write(record + _pad(len(record)))
        self._out.write(data + _pad(len(data)))

    def directory(self, name, mode=0o755):
        name = name.strip("/")
        if not name or name in self._dirs:
            return
        parent = os.path.dirname(name)
        if parent:
            self.directory(parent)
        self._dirs.add(name)
        self._entry(name, stat.S_IFDIR | mode, nlink=2)

    def _parents(self, name):
        parent = os.path.dirname(name.strip("/"))
        if parent:
            self.directory(parent)

    def file(self, name, data, mode=0o644):
        self._parents(name)
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._parents(name)
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def char_device(self, name, major, minor, mode=0o600):
        self._parents(name)
        self._entry(name, stat.S_IFCHR | mode, rdevmajor=major, rdevminor=minor)

    def tree(self, root, prefix=""):
        """Add everything under the host directory @root at @prefix."""
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel = os.path.relpath(dirpath, root)
            base = prefix if rel == "." else os.path.join(prefix, rel)
            if base:
                self.directory(base)
            for name in sorted(filenames) + [d for d in dirnames
                                             if os.path.islink(os.path.join(dirpath, d))]:
                self.path(os.path.join(dirpath, name), os.path.join(base, name))

    def path(self, host_path, name):
        st = os.lstat(host_path)
        if stat.S_ISLNK(st.st_mode):
            self.symlink(name, os.readlink(host_path))
        elif stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            self._hard_link(host_path, name, st)
        elif stat.S_ISREG(st.st_mode):
            with open(host_path, "rb") as f:
                self.file(name, f.read(), stat.S_IMODE(st.st_mode))
        elif stat.S_ISDIR(st.st_mode):
            self.directory(name, stat.S_IMODE(st.st_mode))

    def _hard_link(self, host_path, name, st):
        # The kernel links a name to an earlier entry of the same inode when
        # nlink > 1, and the data travels once, with the first: Mesa's
        # drivers are one 25 MB file under a dozen names.
        self._parents(name)
        key = (st.st_dev, st.st_ino)
        mode = stat.S_IFREG | stat.S_IMODE(st.st_mode)
        if key in self._links:
            self._entry(name, mode, ino=self._links[key], nlink=st.st_nlink)
            return
        self._links[key] = self._ino
        with open(host_path, "rb") as f:
            self._entry(name, mode, f.read(), nlink=st.st_nlink)

    def close(self):
        self._entry(_TRAILER, 0, nlink=1)
        # Round the archive up to 512 octets as cpio(1) does.
        pos = self._out.tell()
        self._out.write(b"\0" * ((512 - pos % 512) % 512))


def write_tree(root, out_path, extra=None, compress=False):
    """Archive the host directory @root to @out_path, gzip-compressed if
    @compress (the kernel unpacks that too); @extra(writer) adds more.
    Returns the archive's uncompressed size."""
    tmp = out_path + ".tmp"
    with (gzip.open(tmp, "wb", compresslevel=6) if compress else open(tmp, "wb")) as out:
        w = Writer(out)
        w.tree(root)
        if extra:
            extra(w)
        w.close()
        size = out.tell()
    os.replace(tmp, out_path)
    return size
