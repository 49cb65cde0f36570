"""Where the lab keeps downloads and images: outside the checkout, keyed by
the Debian versions they were built from, so reruns skip the work. Deleting
the cache only costs time."""

import os


def root():
    base = os.environ.get("VDISPL_LAB_CACHE")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        base = os.path.join(xdg, "vdispl-lab")
    return base


def path(*parts):
    p = os.path.join(root(), *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def directory(*parts):
    p = os.path.join(root(), *parts)
    os.makedirs(p, exist_ok=True)
    return p
