"""Kernel modules for the lab's kernel, built out of tree against the
Debian headers of exactly that kernel, and cached by kernel version and
source digest: vdispl's Dom0 module (backend/kernel), the tests' modules
(tests/kernel/*), and from the linux-source package of the same version
what Debian's kernels lack: vkms, and on arm64 the mainline display
frontend drm_xen_front.

A kernel version names its architecture ("6.1.0-57-amd64", "6.1.0-57-arm64").
Modules for arm64 are cross-built here with Debian's aarch64 toolchain
against Debian's arm64 headers."""

import glob
import hashlib
import os
import shutil
import subprocess
import tempfile

from . import cache
from .errors import LabError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name -> (how to lay its sources out in a directory, extra make variables)
_OURS = {
    "vdispl-dmabuf": lambda d: _run([os.path.join(REPO, "backend", "kernel", "stage"), d]),
    "vdispl-front": lambda d: _run([os.path.join(REPO, "frontend", "stage"), d]),
    "vdispl-edu-check": lambda d: _copy_tests("edu-check", d),
    "vdispl-grant-test": lambda d: _copy_tests("guest-grants", d),
}


HOST_ARCH = "amd64"
# Debian architecture -> what make needs to build modules for it here
_CROSS = {
    "amd64": [],
    "arm64": ["ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"],
}


def arch_of(version):
    """The Debian architecture of kernel @version: its last part."""
    arch = version.rsplit("-", 1)[-1]
    if arch not in _CROSS:
        raise LabError("kernel %s: no module builds for architecture %r (have %s)"
                       % (version, arch, ", ".join(sorted(_CROSS))))
    return arch


def _run(cmd, **kw):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if proc.returncode != 0:
        raise LabError("%s failed:\n%s" % (" ".join(cmd), proc.stdout[-3000:]))
    return proc.stdout


def _copy_tests(folder, dest):
    # The tests' modules share headers one level up, included by their path
    # from the top of the tree ("tests/kernel/grant-pattern.h").
    src = os.path.join(REPO, "tests", "kernel")
    shutil.copytree(os.path.join(src, folder), dest, dirs_exist_ok=True)
    os.makedirs(os.path.join(dest, "tests", "kernel"))
    for header in glob.glob(os.path.join(src, "*.h")):
        shutil.copy(header, os.path.join(dest, "tests", "kernel"))


def headers(version):
    """The headers to build modules for kernel @version against: this
    machine's /usr/src/linux-headers-VERSION, installed with apt if missing,
    or for another architecture's kernel, its headers unpacked in the cache."""
    arch = arch_of(version)
    if arch != HOST_ARCH:
        return _foreign_headers(version, arch)
    path = "/usr/src/linux-headers-" + version
    if os.path.exists(os.path.join(path, "Makefile")):
        return path
    package = "linux-headers-" + version
    if os.geteuid() != 0:
        raise LabError("%s is not installed and installing it needs root" % package)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], env=env)
    if not os.path.exists(os.path.join(path, "Makefile")):
        raise LabError("%s installed, but %s has no Makefile" % (package, path))
    return path


def _foreign_headers(version, arch):
    """Debian's linux-headers-VERSION of @arch, unpacked in the cache.

    They include the architecture-independent -common tree by its absolute
    path under /usr/src, and their scripts/ and tools/ point at the
    linux-kbuild package's host programs (fixdep, modpost): the @arch package
    has programs of @arch, which cannot run here. This machine's headers of
    the same version bring both, so they are installed first."""
    native = version.rsplit("-", 1)[0] + "-" + HOST_ARCH
    headers(native)
    package_version = _run(["dpkg-query", "-W", "-f=${Version}", "linux-headers-" + native])
    from . import debs
    root = debs.unpack(debs.download("linux-headers-" + version, package_version.strip(), arch))
    path = os.path.join(root, "usr", "src", "linux-headers-" + version)
    for link in ("scripts", "tools"):
        where = os.path.join(path, link)
        target = os.readlink(where)
        if not os.path.isabs(target):
            # ../../lib/linux-kbuild-6.1/scripts, meant from /usr/src/linux-headers-*
            os.remove(where)
            os.symlink(os.path.normpath(os.path.join("/usr/src", os.path.basename(path),
                                                     target)), where)
    if not os.path.exists(os.path.join(os.readlink(os.path.join(path, "scripts")), "mod",
                                       "modpost")):
        raise LabError("no host modpost for %s's headers (linux-kbuild missing?)" % version)
    return path


def _digest(directory, extra):
    h = hashlib.sha256(extra.encode())
    for root, dirs, files in sorted(os.walk(directory)):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(root, name)
            h.update(os.path.relpath(p, directory).encode() + b"\0")
            with open(p, "rb") as f:
                h.update(f.read())
    with open(os.path.abspath(__file__), "rb") as f:
        h.update(f.read())
    return h.hexdigest()[:16]


def _build(name, version, stage, make_vars=()):
    """The .ko files of module @name built for kernel @version (cached)."""
    hdrs = headers(version)
    make_vars = _CROSS[arch_of(version)] + list(make_vars)
    with tempfile.TemporaryDirectory(prefix="vdispl-kmod-") as tmp:
        src = os.path.join(tmp, name)
        os.makedirs(src)
        stage(src)
        out = cache.directory("modules", "%s-%s-%s" % (name, version,
                                                       _digest(src, " ".join(make_vars))))
        built = sorted(glob.glob(os.path.join(out, "*.ko")))
        if built and os.path.exists(os.path.join(out, ".built")):
            return built
        _run(["make", "-C", hdrs, "M=" + src] + list(make_vars) + ["modules"])
        for ko in glob.glob(os.path.join(src, "*.ko")):
            shutil.copy(ko, out)
        open(os.path.join(out, ".built"), "w").close()
        built = sorted(glob.glob(os.path.join(out, "*.ko")))
    if not built:
        raise LabError("building %s for %s produced no module" % (name, version))
    return built


def ours(name, version):
    """One of vdispl's own modules, built for kernel @version; a compiler
    warning fails the build."""
    return _build(name, version, _OURS[name], ["KCFLAGS=-Werror"])


def _from_source(name, version, source_deb, folder, make_vars):
    """Module @name of the kernel's own sources (@folder of drivers/gpu/drm
    in @source_deb, linux-source-6.1 of the kernel's version), built for
    kernel @version with @make_vars."""
    tree = cache.directory("unpacked", "%s-%s" % (folder, os.path.basename(source_deb)[:-len(".deb")]))
    marker = os.path.join(tree, ".unpacked")
    if not os.path.exists(marker):
        # Only drivers/gpu/drm/<folder> of the 140 MB source tarball is needed.
        script = ("dpkg-deb --fsys-tarfile '%s' | tar -xO --wildcards "
                  "'./usr/src/linux-source-*.tar.xz' | tar -xJ -C '%s' --strip-components=5 "
                  "--wildcards 'linux-source-*/drivers/gpu/drm/%s/*'"
                  % (source_deb, tree, folder))
        _run(["bash", "-c", "set -o pipefail; " + script])
        if not glob.glob(os.path.join(tree, "*.c")):
            raise LabError("no drivers/gpu/drm/%s in %s" % (folder, source_deb))
        open(marker, "w").close()

    def stage(dest):
        for f in glob.glob(os.path.join(tree, "*")):
            shutil.copy(f, dest)

    return _build(name, version, stage, make_vars)


def vkms(version, source_deb):
    """vkms from @source_deb, built for kernel @version."""
    return _from_source("vkms", version, source_deb, "vkms", ["CONFIG_DRM_VKMS=m"])


def xen_front(version, source_deb):
    """The mainline drm_xen_front from @source_deb, unchanged, built for
    kernel @version (Debian's arm64 kernel does not have it)."""
    return _from_source("drm_xen_front", version, source_deb, "xen",
                        ["CONFIG_DRM_XEN=y", "CONFIG_DRM_XEN_FRONTEND=m"])


def for_lab(kernel):
    """{"dom0": [.ko], "guest": [.ko]} for the lab's @kernel (images.Kernel):
    Dom0 gets vdispl-dmabuf, vkms and the edu check; guests our frontend
    and the grant test."""
    from . import debs
    series = ".".join(kernel.package_version.split(".")[:2])
    source = debs.download("linux-source-" + series, kernel.package_version)
    # Where the kernel has no mainline frontend, ours of its sources.
    mainline = [] if kernel.has_module("drm_xen_front") else xen_front(kernel.version, source)
    return {
        "dom0": ours("vdispl-dmabuf", kernel.version) + vkms(kernel.version, source)
        + ours("vdispl-edu-check", kernel.version),
        "guest": ours("vdispl-front", kernel.version) + ours("vdispl-grant-test", kernel.version)
        + mainline,
    }
