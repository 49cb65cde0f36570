#!/usr/bin/env python3
"""Write the fuzz harnesses' seed corpora (tests/fuzz/corpus/NAME/): valid
and nearly valid inputs in each harness's layout, so fuzzing starts deep
in the code rather than at its first check. Run from anywhere; the files
are committed, so tools/fuzz never needs this."""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
XR24 = struct.unpack("<I", b"XR24")[0]

DBUF_CREATE, DBUF_DESTROY, FB_ATTACH, FB_DETACH, SET_CONFIG, PG_FLIP, GET_EDID = range(0x10, 0x17)


def req(op, body):
    """A 64-octet xendispl_req: id, operation, 5 reserved, 56 of body."""
    return struct.pack("<HB5x", 0, op) + body.ljust(56, b"\0")


def dbuf_create(cookie, directory, w, h, bpp, size, flags=0, ofs=0):
    return req(DBUF_CREATE, struct.pack("<QIIIIIII", cookie, w, h, bpp, size, flags,
                                        directory, ofs))


def fb_attach(dbuf, fb, w, h, fourcc=XR24):
    return req(FB_ATTACH, struct.pack("<QQIII", dbuf, fb, w, h, fourcc))


def set_config(fb, x, y, w, h, bpp):
    return req(SET_CONFIG, struct.pack("<QIIIII", fb, x, y, w, h, bpp))


def one_cookie(op, cookie):
    return req(op, struct.pack("<Q", cookie))


def get_edid(directory, size):
    return req(GET_EDID, struct.pack("<II", directory, size))


def directory_page(refs, next_page=0):
    return struct.pack("<I", next_page) + b"".join(struct.pack("<I", r) for r in refs)


def write(name, seed, data):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


def request_seeds():
    # [64 request][20 context][directory pages...]: a context of a 64x64
    # connector 0, be-alloc off, and one directory page for 4 references.
    ctx = bytes([0, 0]) + struct.pack("<HH", 64, 64) + bytes(14)
    page = directory_page([12, 13, 14, 15]).ljust(4096, b"\0")
    seeds = {
        "dbuf-create": dbuf_create(1, 16, 64, 64, 32, 16384),
        "dbuf-create-be-alloc": dbuf_create(1, 16, 64, 64, 32, 16384, flags=1),
        "fb-attach": fb_attach(1, 2, 64, 64),
        "set-config": set_config(2, 0, 0, 64, 64, 32),
        "pg-flip": one_cookie(PG_FLIP, 2),
        "dbuf-destroy": one_cookie(DBUF_DESTROY, 1),
        "fb-detach": one_cookie(FB_DETACH, 2),
        "get-edid": get_edid(16, 4096),
    }
    for name, r in seeds.items():
        write("request", name, r + ctx + page)


def config_seeds():
    write("config", "example", b"""[backend]
import = auto
output = kms
drm-device = /dev/dri/card0

[guest1/id0]
output = kms
drm-device = /dev/dri/card1
drm-connector = Virtual-1

[*/id1]
output = headless
png-dir = /var/lib/vdispl
png-every = 30

[guest2/*]
be-alloc = yes
max-pages = 65536
""")
    write("config", "limits", b"[backend]\nmax-buffers = 8\nmax-framebuffers = 8\n"
          b"max-pages = 100\nmax-width = 1920\nmax-height = 1080\nmax-total-buffers = 64\n"
          b"max-total-pages = 1000\n[5/*]\nbe-alloc = no\n")
    write("config", "errors", b"[guest/id0]\nmax-pages = 5\nkms-legacy = maybe\n[x]\nfoo\n")


def daemon_seeds():
    settle = b"\x30"

    def on(ring, r):
        return bytes([ring]) + r

    show = (on(0, dbuf_create(1, 16, 64, 64, 32, 16384)) + settle +
            on(0, fb_attach(1, 2, 64, 64)) + settle +
            on(0, set_config(2, 0, 0, 64, 64, 32)) + settle +
            on(0, one_cookie(PG_FLIP, 2)) + settle + settle)
    write("daemon", "show", show)
    write("daemon", "show-and-release", show + on(0, one_cookie(FB_DETACH, 2)) + settle +
          on(0, one_cookie(DBUF_DESTROY, 1)) + settle)
    # Spare page 1 (reference 17) as a directory of two of the buffer's pages.
    own_dir = directory_page([12, 13])
    write("daemon", "own-directory",
          bytes([0x41, 0, len(own_dir)]) + own_dir +
          on(0, dbuf_create(3, 17, 32, 32, 32, 8192)) + settle +
          on(1, get_edid(17, 8192)) + settle)
    write("daemon", "be-alloc", on(0, dbuf_create(4, 17, 32, 32, 32, 4096, flags=1)) + settle)
    write("daemon", "disconnect", show + b"\x25" + settle + b"\x26" + settle + b"\x21" +
          settle)
    write("daemon", "destroy", show + b"\x50" + settle)
    write("daemon", "nodes", bytes([0x10, 9]) + b"99999x999" + b"\x23" + settle +
          bytes([0x11, 4]) + b"\x1b[2J" + b"\x60" + settle)


if __name__ == "__main__":
    request_seeds()
    config_seeds()
    daemon_seeds()
