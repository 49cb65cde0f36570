"""Debian packages for the lab images: resolved and downloaded with the
host's apt (dependencies included), without installing anything on the host,
then unpacked once per package version into the cache."""

import os
import re
import shutil
import subprocess
import tempfile

from . import cache
from .errors import LabError

# apt resolves the closure as if nothing were installed: an empty dpkg status.
_APT_BASE = [
    "apt-get", "-q", "-y",
    "-o", "Dir::State::status=/dev/null",
    "-o", "Debug::NoLocking=1",
    "-o", "APT::Get::AllowUnauthenticated=false",
    "--no-install-recommends",
]

_URI_LINE = re.compile(r"^'(?P<uri>[^']+)' (?P<file>\S+\.deb) (?P<size>\d+) ")


def _apt(args, archives):
    cmd = _APT_BASE + ["-o", "Dir::Cache::archives=" + archives] + args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.strip().splitlines()[-6:])
        raise LabError("apt-get could not resolve %s:\n%s\n(is `apt-get update` done? "
                       "tools/install-deps does it)" % (" ".join(args[1:]), tail))
    return proc.stdout


def _install_args(packages):
    """apt-get's arguments to install @packages. A name given as
    NAME/SUITE ("weston/bookworm-backports") makes SUITE the target release
    of the whole closure (apt-get -t): its dependencies come from there too
    where it has them, as backports need newer libraries."""
    suites = sorted({p.split("/", 1)[1] for p in packages if "/" in p})
    if len(suites) > 1:
        raise LabError("packages from more than one suite: %s" % " ".join(packages))
    return (["-t", suites[0]] if suites else []) + ["install"] + [p.split("/")[0] for p in packages]


def resolve(packages):
    """The .deb file names (with versions) that @packages and their
    dependencies are, as apt would install them on an empty system."""
    with tempfile.TemporaryDirectory() as empty:
        os.makedirs(os.path.join(empty, "partial"))
        out = _apt(["--print-uris"] + _install_args(packages), empty)
    files = []
    for line in out.splitlines():
        m = _URI_LINE.match(line)
        if m:
            files.append(m.group("file"))
    if not files:
        raise LabError("apt resolved no packages for %s" % " ".join(packages))
    return sorted(files)


def fetch(packages):
    """Download (unless cached) and return the paths of the .debs of @packages."""
    files = resolve(packages)
    archives = cache.directory("debs")
    os.makedirs(os.path.join(archives, "partial"), exist_ok=True)
    missing = [f for f in files if not os.path.exists(os.path.join(archives, f))]
    if missing:
        _apt(["--download-only"] + _install_args(packages), archives)
        still = [f for f in missing if not os.path.exists(os.path.join(archives, f))]
        if still:
            raise LabError("apt did not download: %s" % ", ".join(still))
    return [os.path.join(archives, f) for f in files]


def download(package, version, arch=None):
    """The .deb of @package at exactly @version, without its dependencies
    (cached); of Debian architecture @arch when given (it must be one of
    dpkg's architectures: tools/install-deps adds arm64)."""
    archives = cache.directory("debs")
    pattern = re.compile(r"^%s_(\d+%%3a)?%s_%s\.deb$" % (
        re.escape(package), re.escape(version.split(":")[-1]), re.escape(arch or "") or "[a-z0-9]+"))
    found = [f for f in os.listdir(archives) if pattern.match(f)]
    if not found:
        query = "%s%s=%s" % (package, ":" + arch if arch else "", version)
        proc = subprocess.run(["apt-get", "-q", "download", query],
                              cwd=archives, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        found = [f for f in os.listdir(archives) if pattern.match(f)]
        if proc.returncode != 0 or not found:
            raise LabError("apt-get download %s failed:\n%s" % (query, proc.stdout[-1500:]))
    return os.path.join(archives, found[0])


def package_name(deb_path):
    return os.path.basename(deb_path).split("_", 1)[0]


def unpack(deb_path):
    """The directory holding the unpacked files of @deb_path (cached)."""
    name = os.path.basename(deb_path)[:-len(".deb")]
    dest = os.path.join(cache.directory("unpacked"), name)
    if os.path.exists(os.path.join(dest, ".unpacked")):
        return dest
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    proc = subprocess.run(["dpkg-deb", "-x", deb_path, tmp],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise LabError("dpkg-deb -x %s failed: %s" % (deb_path, proc.stdout.strip()))
    open(os.path.join(tmp, ".unpacked"), "w").close()
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    return dest


class PackageSet:
    """A resolved, unpacked set of packages that image files are picked from."""

    def __init__(self, packages, triplet="x86_64-linux-gnu"):
        self.requested = list(packages)
        self.triplet = triplet  # where its libraries are: lib/<triplet>
        self.debs = fetch(packages)
        self.roots = {package_name(d): unpack(d) for d in self.debs}

    def key(self):
        return sorted(os.path.basename(d) for d in self.debs)

    def root_of(self, package):
        try:
            return self.roots[package]
        except KeyError:
            raise LabError("package %s is not in the resolved set" % package) from None

    def lib_dirs(self):
        dirs = []
        for root in self.roots.values():
            for sub in ("lib/" + self.triplet, "usr/lib/" + self.triplet, "lib64",
                        "usr/lib64", "lib", "usr/lib"):
                d = os.path.join(root, sub)
                if os.path.isdir(d):
                    dirs.append(d)
        return dirs

    def find(self, relpath):
        for root in self.roots.values():
            p = os.path.join(root, relpath)
            if os.path.lexists(p):
                return p
        raise LabError("no package of the set has /%s" % relpath)
