"""vdispl's lab: real Xen under QEMU, built from Debian packages.

The lab boots x86_64 Xen with Debian's kernel as a PV Dom0 (or arm64 Xen
and Debian's arm64 kernel, arch.py) under QEMU's software emulation, starts
vdispl-backend in Dom0, creates a guest with a vdispl device driven by the
mainline drm_xen_front or vdispl-front, and collects console logs, backend
logs and screendumps of Dom0's display.
"""
