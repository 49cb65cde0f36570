"""One QEMU machine running Xen: its process, its QMP monitor, and the
control channel to Dom0 (the second UART, a unix socket on this side).

QEMU is always killed when the Machine is closed, whatever happened.
"""

import json
import os
import signal
import socket
import subprocess
import time

from .arch import HOST
from .errors import LabError

# Dom0 gets 1 GiB unless its packages need more (session.dom0_memory_mb);
# the machine has this much more for guests.
DOM0_MEMORY_MB = 1024
GUESTS_MEMORY_MB = 2048
# Xen's console on the first UART.
XEN_ARGS = "dom0_mem={dom0}M,max:{dom0}M console=com1 com1=115200,8n1 noreboot loglvl=all " \
           "guest_loglvl=all"
# arm's virt machine: its one UART, the PL011 named in the device tree.
XEN_ARGS_ARM = "dom0_mem={dom0}M console=dtuart dtuart=/pl011@9000000 noreboot loglvl=all " \
               "guest_loglvl=all"
# No commas: QEMU's multiboot -initrd list is comma-separated.
DOM0_ARGS = "console=hvc0 rdinit=/init quiet"
# Where QEMU's guest-loader puts Dom0's kernel and initramfs for Xen on arm.
# Not at 0x47000000: the device tree QEMU puts at 0x48000000 would overlap
# the kernel, and Xen dies building Dom0.
ARM_DOM0_KERNEL_ADDR = 0x50000000
ARM_DOM0_INITRD_ADDR = 0x58000000


def qemu_binary(arch=HOST):
    return arch.qemu


def _x86_boot(xen, dom0_kernel, dom0_initrd, dom0_memory_mb):
    return [
        "-machine", "q35",
        # -cpu max kills the PV Dom0 at once; qemu64 with SVM boots, and
        # with nested paging (npt) Xen offers hap, which PVH guests need
        # (Debian's Xen has no shadow paging).
        "-cpu", "qemu64,+svm,+npt",
        "-vga", "none",
        "-kernel", xen,
        "-append", XEN_ARGS.format(dom0=dom0_memory_mb),
        "-initrd", "%s %s,%s" % (dom0_kernel, DOM0_ARGS, dom0_initrd),
    ]


def _arm_boot(xen, dom0_kernel, dom0_initrd, dom0_memory_mb):
    # Xen needs EL2 (virtualization=on) and a GICv3.
    return [
        "-machine", "virt,virtualization=on,gic-version=3",
        "-cpu", "cortex-a57",
        # Not the machine's default network card.
        "-nic", "none",
        "-kernel", xen,
        "-append", XEN_ARGS_ARM.format(dom0=dom0_memory_mb),
        "-device", "guest-loader,addr=0x%x,kernel=%s,bootargs=%s earlycon=xen"
        % (ARM_DOM0_KERNEL_ADDR, dom0_kernel, DOM0_ARGS),
        "-device", "guest-loader,addr=0x%x,initrd=%s" % (ARM_DOM0_INITRD_ADDR, dom0_initrd),
    ]


def _ctl_channel(arch, ctl_path):
    """Dom0's control channel to us: the second UART on x86; a virtio
    serial port on arm, whose one UART is Xen's."""
    chardev = ["-chardev", "socket,id=ctl,path=%s" % ctl_path]
    if arch.name == "amd64":
        return chardev + ["-serial", "chardev:ctl"]
    # No MSI-X (vectors=0): Xen gives Dom0 none there, and virtio's
    # fallback after the failed try WARNs.
    return chardev + ["-device", "virtio-serial-pci,bus=pcie.0,addr=0x1d,vectors=0",
                      "-device", "virtserialport,chardev=ctl,name=lab.ctl"]


class Machine:
    def __init__(self, out_dir, xen, dom0_kernel, dom0_initrd, heads=1,
                 dom0_memory_mb=DOM0_MEMORY_MB, guests_memory_mb=GUESTS_MEMORY_MB, vnc=None,
                 arch=HOST):
        self.out_dir = out_dir
        self.arch = arch
        self.heads = heads
        self.proc = None
        self.ctl = None
        self._ctl_server = None
        self._qmp = None
        self._qmp_buf = b""
        self.console_path = os.path.join(out_dir, "xen-console.log")
        self._sock_dir = out_dir
        self.ctl_path = os.path.join(self._sock_dir, ".ctl.sock")
        self.qmp_path = os.path.join(self._sock_dir, ".qmp.sock")
        for p in (self.ctl_path, self.qmp_path):
            if os.path.exists(p):
                os.unlink(p)
        # The control socket must listen before QEMU connects to it.
        self._ctl_server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._ctl_server.bind(self.ctl_path)
        self._ctl_server.listen(1)
        boot = _x86_boot if arch.name == "amd64" else _arm_boot
        self.cmd = [qemu_binary(arch)] + boot(xen, dom0_kernel, dom0_initrd, dom0_memory_mb) + [
            "-m", "%dM" % (dom0_memory_mb + max(guests_memory_mb, GUESTS_MEMORY_MB)),
            "-smp", "2",
            "-display", "none",
            "-no-reboot",
            "-chardev", "file,id=console,path=%s" % self.console_path,
            "-serial", "chardev:console",
        ] + _ctl_channel(arch, self.ctl_path) + [
            "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
            "-monitor", "none",
        ]
        # QEMU's edu device: a real DMA master for the zero-copy DMA proof
        # (tests/kernel/edu-check), its DMA addresses unclamped.
        self.cmd += ["-device", "edu,bus=pcie.0,addr=0x1e,dma_mask=0xffffffffffffffff"]
        # Dom0's first display for people to watch (VNC display @vnc: port 5900 + @vnc).
        if vnc is not None:
            self.cmd += ["-vnc", "127.0.0.1:%d" % vnc]
        for head in range(heads):
            # Fixed PCI slots, so Dom0 enumerates head N as /dev/dri/cardN.
            # Modes up to 2560x1600, and VRAM for two buffers of that.
            self.cmd += ["-device", "bochs-display,id=video%d,bus=pcie.0,addr=0x%x,vgamem=64M,"
                         "xmax=2560,ymax=1600" % (head, 0x10 + head)]

    def start(self):
        log = open(os.path.join(self.out_dir, "qemu.log"), "w")
        log.write(" ".join(self.cmd) + "\n")
        log.flush()
        try:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        except FileNotFoundError:
            raise LabError("%s not found: run tools/install-deps" % qemu_binary(self.arch)) \
                from None
        finally:
            log.close()
        self._ctl_server.settimeout(30)
        try:
            self.ctl, _ = self._ctl_server.accept()
        except socket.timeout:
            raise LabError("QEMU did not connect its control UART: see %s"
                           % os.path.join(self.out_dir, "qemu.log")) from None
        self.ctl.setblocking(False)
        self._connect_qmp()

    def _connect_qmp(self):
        deadline = time.monotonic() + 30
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.qmp_path)
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise LabError("QEMU's QMP socket never came up") from None
                time.sleep(0.1)
        s.settimeout(30)
        self._qmp = s
        self._qmp_read()  # greeting
        self.qmp("qmp_capabilities")

    def _qmp_read(self):
        while True:
            while b"\n" not in self._qmp_buf:
                chunk = self._qmp.recv(65536)
                if not chunk:
                    raise LabError("QEMU closed its QMP socket")
                self._qmp_buf += chunk
            line, self._qmp_buf = self._qmp_buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def qmp(self, command, **arguments):
        req = {"execute": command}
        if arguments:
            req["arguments"] = arguments
        self._qmp.sendall(json.dumps(req).encode() + b"\n")
        reply = self._qmp_read()
        if "error" in reply:
            raise LabError("QMP %s failed: %s" % (command, reply["error"].get("desc")))
        return reply.get("return")

    def screendump(self, path, head=0):
        self.qmp("screendump", filename=os.path.abspath(path), device="video%d" % head,
                 format="png")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait()
        for s in (self.ctl, self._qmp, self._ctl_server):
            if s is not None:
                s.close()
        for p in (self.ctl_path, self.qmp_path):
            if os.path.exists(p):
                os.unlink(p)
