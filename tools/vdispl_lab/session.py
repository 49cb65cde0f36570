"""A lab session: build the images, boot Xen under QEMU, serve Dom0's
requests on the control channel until the scenario ends, and always stop
QEMU. Time is bounded at every step."""

import base64
import gzip
import os
import re
import select
import shutil
import signal
import time

from . import images, kmod, overlay
from .arch import HOST
from .errors import LabError
from .machine import DOM0_MEMORY_MB, Machine

# Dom0 must say hello this long after QEMU starts (Xen + Dom0 boot ~10 s).
BOOT_TIMEOUT = 240
# Whole session unless the caller says otherwise.
DEFAULT_TIMEOUT = int(os.environ.get("VDISPL_LAB_TIMEOUT", "1200"))

_PANICS = re.compile(rb"Panic on CPU|Hardware Dom0 crashed|Kernel panic - not syncing|\(XEN\) \*\*\*\*\*\*\*")
_CONNECTOR = re.compile(r"^([!-~]+):([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$")
FRONTENDS = ("mainline", "vdispl")
# PV guests, and auto-translated PVH ones (which need Xen's hap).
GUEST_TYPES = ("pv", "pvh")
# How many connectors each frontend takes (the mainline one stops at 4).
MAX_CONNECTORS = {"mainline": 4, "vdispl": 16}
# A guest's memory: enough for the lab's own images; more with packages.
GUEST_MEMORY_MB = 512
# Dom0's initramfs carries the guest's image, and Dom0 (1 GiB) holds the
# archive and what it unpacks to at once: past this, unpacking fails late
# and obscurely ("Initramfs unpacking failed: write error"). Dom0's own
# packages come with memory of their own (dom0_memory_mb).
DOM0_IMAGE_LIMIT_MB = 384
# At most this much for Dom0 with its packages (weston: 1536 MiB; weston
# and Mesa's GL driver: 1792 MiB).
DOM0_MEMORY_MAX_MB = 2048


def _memory_mb(base, packages):
    """@base MiB, and room for an image's @packages (images.PackagesArchive
    or None): the compressed archive and what it unpacks to live side by
    side while the kernel unpacks it; half as much again for running what
    it holds; in 128 MiB steps."""
    if packages is None:
        return base
    extra = (3 * packages.unpacked_size // 2 + os.path.getsize(packages.path)) >> 20
    return base + -(-extra // 128) * 128


def guest_memory_mb(packages):
    """A guest's memory for an image with @packages (images.PackagesArchive
    or None)."""
    return _memory_mb(GUEST_MEMORY_MB, packages)


def dom0_memory_mb(packages):
    """Dom0's memory for an image with @packages (images.PackagesArchive or
    None); 1 GiB without."""
    return _memory_mb(DOM0_MEMORY_MB, packages)


def parse_connectors(text, frontend="mainline"):
    """'id0:1024x768;id1:800x600' -> [('id0', 1024, 768), ('id1', 800, 600)]"""
    out = []
    for item in text.split(";"):
        m = _CONNECTOR.match(item.strip())
        if not m or ":" in m.group(1) or ";" in m.group(1) or "," in m.group(1):
            raise LabError("bad connector %r: want UNIQUE-ID:WIDTHxHEIGHT, e.g. id0:1024x768"
                           % item)
        out.append((m.group(1), int(m.group(2)), int(m.group(3))))
    most = MAX_CONNECTORS[frontend]
    if not 1 <= len(out) <= most:
        raise LabError("the %s frontend takes 1 to %d connectors, got %d"
                       % (frontend, most, len(out)))
    if len({c[0] for c in out}) != len(out):
        raise LabError("connector unique-ids must differ: %s" % text)
    return out


def guest_cfg(connectors, name="guest", memory=GUEST_MEMORY_MB, kernel_args="", be_alloc=False,
              guest_type="pv"):
    """An xl config for a guest of @guest_type ("pv" or "pvh") with a vdispl
    device; @kernel_args reach the guest's /proc/cmdline, where its command
    can read them; @be_alloc has the backend allocate the display buffers."""
    if guest_type not in GUEST_TYPES:
        raise LabError("no guest type %r: want one of %s" % (guest_type, ", ".join(GUEST_TYPES)))
    spec = ";".join("%s:%dx%d" % c for c in connectors)
    return "\n".join([
        'name = "%s"' % name,
        'type = "%s"' % guest_type,
        'kernel = "/lab/guest/vmlinuz"',
        'ramdisk = "/lab/guest/initrd.cpio"',
        'extra = "console=hvc0 rdinit=/init quiet %s"' % kernel_args,
        "memory = %d" % memory,
        "vcpus = 1",
        "vdispl = [ 'backend=0,be-alloc=%d,connectors=%s' ]" % (int(be_alloc), spec),
        'on_reboot = "restart"',
        'on_crash = "destroy"',
    ] + _tsc_lines(guest_type) + [""])


def _tsc_lines(guest_type):
    """x86 Xen emulates RDTSC for an HVM-container guest when the host TSC
    is not marked constant (QEMU's qemu64 CPU is not), and QEMU's emulation
    of SVM intercepts now and then triple-faults the guest, most often at an
    RDTSC: 2 of 20 PVH boots with "default", 0 of 20 with "native", which
    also boots in 6 s instead of 9 (other intercepts still do it, rarely).
    The lab's guests have one vCPU and never migrate; arm's xl ignores the
    key."""
    return ['tsc_mode = "native"'] if guest_type == "pvh" else []


def backend_ini(connectors, be_alloc_for=()):
    """Connector N of the guest goes to Dom0's display N (QEMU head N). The
    domains named in @be_alloc_for may have Dom0 allocate their buffers."""
    lines = ["[backend]", "output = kms", "drm-device = /dev/dri/card0", ""]
    for index, (uid, _w, _h) in enumerate(connectors):
        if index:
            lines += ["[*/%s]" % uid, "drm-device = /dev/dri/card%d" % index, ""]
    for domain in be_alloc_for:
        lines += ["[%s/*]" % domain, "be-alloc = yes", ""]
    return "\n".join(lines)


class Result:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.rc = None        # the scenario's exit status (@@DONE)
        self.failure = None   # why the session failed, if it did
        self.results = {}     # @@RESULT key -> [values]
        self.shots = []       # PNG paths
        self.files = []       # files Dom0 sent
        self.log = []         # @@LOG lines

    @property
    def ok(self):
        return self.failure is None and self.rc == 0

    def result(self, key, default=None):
        values = self.results.get(key)
        return values[-1] if values else default

    def file(self, name):
        return os.path.join(self.out_dir, name)


class _Stop(Exception):
    pass


def _terminate(signum, frame):
    raise _Stop("interrupted by signal %d" % signum)


class Session:
    """Everything one boot needs. @scenario is Dom0 shell code run after
    boot with lab.sh's helpers; @dom0_files maps extra image paths to text.
    Each domain can get whole Debian packages with all they depend on
    (@domu_pkgs, @dom0_pkgs), host files for its /root (@domu_files,
    @dom0_root_files; with their libraries if ELF) and host programs for its
    /usr/bin (@domu_programs, @dom0_programs). The guest runs @domu_cmd;
    Dom0 runs @dom0_cmd, if given, in the background from just before the
    scenario's first backend to the end (lab.sh's lab_start_dom0_cmd).
    @extra_guests are more guests of the same image, as (name, connectors,
    kernel_args): their configs are /lab/<name>.cfg, for the scenario to
    create. @vnc shows Dom0's first display on VNC display @vnc of
    127.0.0.1, for people to watch. @arch (arch.Arch) is the machine
    emulated; on arm64 guests are pvh."""

    def __init__(self, out_dir, backend, client, connectors, domu_cmd, scenario,
                 domu_files=(), domu_pkgs=(), dom0_files=None, dom0_programs=(),
                 domu_programs=(), shot_every=None, timeout=DEFAULT_TIMEOUT, echo=print,
                 frontend="mainline", guest_type="pv", dom0_pkgs=(), dom0_root_files=(),
                 dom0_cmd=None, extra_guests=(), vnc=None, arch=HOST):
        self.out_dir = os.path.abspath(out_dir)
        self.backend = backend
        self.client = client
        self.connectors = connectors
        self.domu_cmd = domu_cmd
        self.scenario = scenario
        self.domu_files = list(domu_files)
        self.domu_pkgs = list(domu_pkgs)
        self.dom0_files = dict(dom0_files or {})
        self.dom0_programs = list(dom0_programs)
        self.domu_programs = list(domu_programs)
        self.dom0_pkgs = list(dom0_pkgs)
        self.dom0_root_files = list(dom0_root_files)
        self.dom0_cmd = dom0_cmd
        self.shot_every = shot_every
        self.timeout = timeout
        self.echo = echo
        self.frontend = frontend
        self.guest_type = guest_type
        self.extra_guests = list(extra_guests)
        self.vnc = vnc
        self.arch = arch
        if guest_type not in arch.guest_types:
            raise LabError("Xen on %s has no %s guests: want %s"
                           % (arch, guest_type, " or ".join(arch.guest_types)))

    def _packages(self, names, whose):
        if not names:
            return None
        self.echo("lab: preparing %s packages: %s and what they depend on"
                  % (whose, " ".join(names)))
        return images.PackagesArchive(names, self.arch)

    def _build_images(self, work):
        """(Dom0Base, Dom0's initramfs, Dom0's memory in MiB, the guests' in MiB)"""
        self.echo("lab: preparing Dom0 image (Xen %s, Debian %s packages)"
                  % (images.XEN_VERSION, self.arch))
        dom0 = images.Dom0Base(self.arch)
        self.echo("lab: preparing guest image")
        guest = images.GuestBase(self.arch)
        packages = self._packages(self.domu_pkgs, "the guest's")
        dom0_packages = self._packages(self.dom0_pkgs, "Dom0's")
        dom0_memory = dom0_memory_mb(dom0_packages)
        if dom0_memory > DOM0_MEMORY_MAX_MB:
            raise LabError("Dom0's packages make an archive of %d MiB that unpacks to %d MiB: "
                           "Dom0 would need %d MiB of memory to unpack and run them, more than "
                           "the lab gives it (%d MiB); put fewer packages into Dom0"
                           % (os.path.getsize(dom0_packages.path) >> 20,
                              dom0_packages.unpacked_size >> 20, dom0_memory,
                              DOM0_MEMORY_MAX_MB))
        self.echo("lab: building kernel modules for %s" % dom0.kernel.version)
        modules = kmod.for_lab(dom0.kernel)
        guest_initrd = overlay.guest_initrd(guest, work, self.client, self.domu_cmd,
                                            self.domu_files, packages, self.domu_programs,
                                            modules["guest"], frontend=self.frontend)
        size_mb = os.path.getsize(guest_initrd) >> 20
        if size_mb > DOM0_IMAGE_LIMIT_MB:
            raise LabError("the guest's image is %d MiB: Dom0 (1 GiB) carries it in its own "
                           "initramfs and cannot unpack more than %d MiB of it; put fewer "
                           "packages into the guest" % (size_mb, DOM0_IMAGE_LIMIT_MB))
        memory = guest_memory_mb(packages)
        files = {"lab/guest.cfg": guest_cfg(self.connectors, memory=memory,
                                            guest_type=self.guest_type),
                 "lab/backend.ini": backend_ini(self.connectors)}
        for name, connectors, kernel_args in self.extra_guests:
            files["lab/%s.cfg" % name] = guest_cfg(connectors, name=name, memory=memory,
                                                   kernel_args=kernel_args,
                                                   guest_type=self.guest_type)
        files.update(self.dom0_files)
        dom0_initrd = overlay.dom0_initrd(dom0, work, self.backend, self.scenario,
                                          guest_initrd, files, self.dom0_programs,
                                          modules["dom0"], root_files=self.dom0_root_files,
                                          packages=dom0_packages, command=self.dom0_cmd)
        if dom0_packages:
            self.echo("lab: Dom0's image is %d MiB (its packages unpack to %d MiB); Dom0 gets "
                      "%d MiB" % (os.path.getsize(dom0_initrd) >> 20,
                                  dom0_packages.unpacked_size >> 20, dom0_memory))
        # Xen's own share of each guest, and room to spare.
        return dom0, dom0_initrd, dom0_memory, (memory + 64) * (1 + len(self.extra_guests)) + 256

    def run(self):
        os.makedirs(self.out_dir, exist_ok=True)
        result = Result(self.out_dir)
        # A run starts from nothing: files of an earlier run in the same
        # directory would end up in this run's images.
        work = os.path.join(self.out_dir, ".work")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        old_term = signal.signal(signal.SIGTERM, _terminate)
        machine = None
        try:
            dom0, dom0_initrd, dom0_memory, guests_memory = self._build_images(work)
            machine = Machine(self.out_dir, dom0.xen, dom0.kernel.vmlinuz, dom0_initrd,
                              heads=len(self.connectors), dom0_memory_mb=dom0_memory,
                              guests_memory_mb=guests_memory, vnc=self.vnc, arch=self.arch)
            self.echo("lab: booting %s Xen under QEMU (software emulation)" % self.arch)
            machine.start()
            if self.vnc is not None:
                self.echo("lab: watch Dom0's screen live with a VNC viewer on 127.0.0.1:%d "
                          "(port %d); from another machine: ssh -L %d:127.0.0.1:%d <this host>, "
                          "then the viewer on localhost:%d"
                          % (self.vnc, 5900 + self.vnc, 5900 + self.vnc, 5900 + self.vnc,
                             5900 + self.vnc))
            self._serve(machine, result)
        except (LabError, _Stop, KeyboardInterrupt) as e:
            result.failure = str(e) or e.__class__.__name__
        finally:
            if machine is not None:
                machine.close()
            signal.signal(signal.SIGTERM, old_term)
        self._summarise(result)
        return result

    def _serve(self, machine, result):
        start = time.monotonic()
        deadline = start + self.timeout
        hello = False
        buf = b""
        receiving = None   # (name, [base64 lines]) while a file streams in
        next_shot = None
        shot_index = 0
        console_pos = 0
        step = "boot"
        while True:
            now = time.monotonic()
            if now > deadline:
                raise LabError("timed out after %d s (last step: %s)" % (self.timeout, step))
            if not hello and now - start > BOOT_TIMEOUT:
                raise LabError("Dom0 did not come up within %d s: see xen-console.log"
                               % BOOT_TIMEOUT)
            console_pos = self._check_console(machine, console_pos)
            if next_shot is not None and now >= next_shot:
                shot_index += 1
                self._shots(machine, result, "periodic-%04d" % shot_index)
                next_shot += self.shot_every
            ready, _, _ = select.select([machine.ctl], [], [], 0.2)
            if ready:
                chunk = machine.ctl.recv(65536)
                if not chunk:
                    if not machine.running():
                        self._died(machine, console_pos)
                    time.sleep(0.1)
                buf += chunk
            elif not machine.running():
                self._died(machine, console_pos)
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode(errors="replace").rstrip("\r")
                if receiving is not None:
                    if line == "@@END":
                        self._save_file(result, *receiving)
                        receiving = None
                    else:
                        receiving[1].append(line)
                    continue
                if not line.startswith("@@"):
                    continue
                word, _, rest = line[2:].partition(" ")
                if word == "HELLO":
                    hello = True
                    if self.shot_every:
                        next_shot = time.monotonic() + self.shot_every
                elif word == "LOG":
                    step = rest
                    result.log.append(rest)
                    self.echo("dom0: " + rest)
                elif word == "SHOT":
                    self._shots(machine, result, rest.strip())
                    self._reply(machine)
                elif word == "RESULT":
                    key, _, value = rest.partition(" ")
                    result.results.setdefault(key, []).append(value)
                    self.echo("dom0: result %s = %s" % (key, value))
                elif word == "FILE":
                    receiving = (rest.strip(), [])
                elif word == "FAIL":
                    result.failure = rest
                    self.echo("dom0: FAIL: " + rest)
                elif word == "DONE":
                    result.rc = int(rest) if rest.strip().lstrip("-").isdigit() else 1
                    # Dom0 powers off once it knows this line arrived.
                    try:
                        self._reply(machine)
                    except OSError:
                        pass
                    return

    @staticmethod
    def _reply(machine):
        machine.ctl.setblocking(True)
        machine.ctl.sendall(b"ok\n")
        machine.ctl.setblocking(False)

    def _died(self, machine, console_pos):
        # A panic printed just before QEMU exited names the cause better.
        self._check_console(machine, console_pos)
        raise LabError("QEMU exited before the scenario finished (Xen or Dom0 died?): "
                       "see xen-console.log")

    def _check_console(self, machine, pos):
        try:
            with open(machine.console_path, "rb") as f:
                f.seek(pos)
                data = f.read()
        except FileNotFoundError:
            return pos
        m = _PANICS.search(data)
        if m:
            raise LabError("panic on the Xen console: %s (see xen-console.log)"
                           % data[m.start():m.start() + 160].decode(errors="replace")
                           .splitlines()[0])
        # Keep a tail so a message split across reads is still matched.
        return pos + max(0, len(data) - 200)

    def _shots(self, machine, result, name):
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "shot"
        for head in range(machine.heads):
            path = os.path.join(self.out_dir, "%s-head%d.png" % (safe, head))
            machine.screendump(path, head)
            result.shots.append(path)

    def _save_file(self, result, name, lines):
        safe = os.path.basename(name) or "file"
        path = os.path.join(self.out_dir, safe)
        try:
            data = gzip.decompress(base64.b64decode("".join(lines)))
        except (ValueError, OSError) as e:
            raise LabError("file %s from Dom0 arrived damaged: %s" % (name, e)) from None
        with open(path, "wb") as f:
            f.write(data)
        result.files.append(path)

    def _summarise(self, result):
        lines = ["status: %s" % ("ok" if result.ok else "FAILED"),
                 "scenario exit: %s" % result.rc]
        if result.failure:
            lines.append("failure: %s" % result.failure)
        for key, values in sorted(result.results.items()):
            lines.append("result %s: %s" % (key, values[-1]))
        lines += ["screenshot: %s" % p for p in result.shots]
        lines += ["file: %s" % p for p in result.files]
        with open(os.path.join(self.out_dir, "summary.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
