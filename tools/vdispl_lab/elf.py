"""Which shared libraries an ELF program needs, read from the file itself.

Parsing DT_NEEDED directly (rather than running ldd) works for images of
another architecture and never runs the program.
"""

import os
import struct

_PT_DYNAMIC = 2
_DT_NEEDED = 1
_DT_STRTAB = 5
_PT_LOAD = 1
_PT_INTERP = 3


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def needed(path):
    """(interpreter or None, [DT_NEEDED names]) of a 64-bit little-endian ELF file."""
    data = _read(path)
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("%s: not a 64-bit little-endian ELF file" % path)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic, interp = [], None, None
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == _PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == _PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
        elif p_type == _PT_INTERP:
            interp = data[p_offset:p_offset + p_filesz].rstrip(b"\0").decode()
    if dynamic is None:
        return interp, []

    def file_offset(vaddr):
        for start, off, size in loads:
            if start <= vaddr < start + size:
                return vaddr - start + off
        raise ValueError("%s: address 0x%x outside the file" % (path, vaddr))

    names, strtab = [], None
    off, size = dynamic
    for i in range(0, size, 16):
        tag, val = struct.unpack_from("<qQ", data, off + i)
        if tag == 0:
            break
        if tag == _DT_NEEDED:
            names.append(val)
        elif tag == _DT_STRTAB:
            strtab = file_offset(val)
    result = []
    for n in names:
        end = data.index(b"\0", strtab + n)
        result.append(data[strtab + n:end].decode())
    return interp, result


def closure(programs, search_dirs):
    """Map each library soname the @programs need (transitively) to a host path.

    @search_dirs are host directories tried in order, like the loader's path.
    Raises LookupError naming the first library that cannot be found.
    """
    found = {}
    todo = list(programs)
    seen = set()
    while todo:
        path = todo.pop()
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        interp, libs = needed(real)
        if interp:
            name = os.path.basename(interp)
            if name not in found:
                found[name] = _find(name, search_dirs, path)
                todo.append(found[name])
        for lib in libs:
            if lib not in found:
                found[lib] = _find(lib, search_dirs, path)
                todo.append(found[lib])
    return found


def _find(name, search_dirs, wanted_by):
    for d in search_dirs:
        candidate = os.path.join(d, name)
        if os.path.exists(candidate):
            return candidate
    raise LookupError("%s needs %s, which none of the image's packages provide"
                      % (wanted_by, name))
