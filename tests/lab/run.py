#!/usr/bin/env python3
"""The lab tests: each test_*.py here boots real Xen under QEMU (tools/lab's
machinery) and checks what happened. TAP on stdout; exit 1 if any check
failed. Arguments select tests by name (e.g. `flips reboot`),
`--frontend NAME` the guest display drivers to run them with (default: each
test's FRONTENDS, both mainline and vdispl unless the test says otherwise),
`--guest-type pv|pvh` the guest types (default: each test's
GUEST_TYPES, PV only unless the test says otherwise), and `--arch
amd64|arm64` the machines (default: each test's ARCHES, amd64 only unless
the test says otherwise; each machine runs the frontends and guest types
its lab has: on arm64, both frontends in pvh guests; a dict ARCHES names
a machine's (guest type, frontend), or a list of them). `--sanitize` (first)
runs the backend built with ASan and UBSan (build-sanitize/) and checks
each run's backend log for their reports; its output goes to
build/lab-tests-sanitize/.

Output of each run (logs, screendumps, diffs) stays in
$VDISPL_LAB_TESTS_OUT (default build/lab-tests/<test>/)."""

import glob
import importlib.util
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import labtest  # noqa: E402
from vdispl_lab import arch, session  # noqa: E402
from vdispl_lab.errors import LabError  # noqa: E402


def main(argv):
    out_root = os.environ.get("VDISPL_LAB_TESTS_OUT") or os.path.join(labtest.TOP, "build",
                                                                      "lab-tests")
    tests = sorted(glob.glob(os.path.join(HERE, "test_*.py")))
    sanitize = False
    if argv and argv[0] == "--sanitize":
        sanitize, argv = True, argv[1:]
        out_root += "-sanitize"
    only = {"--frontend": None, "--guest-type": None, "--arch": None}
    choices = {"--frontend": session.FRONTENDS, "--guest-type": session.GUEST_TYPES,
               "--arch": tuple(arch.ARCHES)}
    while argv and argv[0] in only:
        if len(argv) < 2 or argv[1] not in choices[argv[0]]:
            print("%s wants one of: %s" % (argv[0], " ".join(choices[argv[0]])), file=sys.stderr)
            return 2
        only[argv[0]], argv = argv[1], argv[2:]
    if argv:
        tests = [t for t in tests if os.path.basename(t)[5:-3] in argv]
        if not tests:
            print("no lab test named %s" % " ".join(argv), file=sys.stderr)
            return 2
    try:
        lab = labtest.Lab(out_root, echo=lambda line: print("# " + line, flush=True),
                          sanitize=sanitize)
    except LabError as e:
        print("not ok 1 - building for the lab: %s" % e)
        print("1..1")
        return 1
    for path in tests:
        name = os.path.basename(path)[5:-3]
        spec = importlib.util.spec_from_file_location("lab_" + name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        frontends = getattr(module, "FRONTENDS", ("mainline", "vdispl"))
        guest_types = getattr(module, "GUEST_TYPES", ("pv",))
        # Each machine runs the combinations its lab has; ARCHES as a dict
        # gives a machine its own (guest type, frontend), or a list of them.
        arches = getattr(module, "ARCHES", ("amd64",))
        if not isinstance(arches, dict):
            arches = dict.fromkeys(arches)
        runs = []
        for a, only_runs in ((arch.get(n), r) for n, r in arches.items()):
            if isinstance(only_runs, tuple):
                only_runs = [only_runs]
            runs += [(a,) + r for r in only_runs] if only_runs else [
                (a, g, f) for g in guest_types if g in a.guest_types
                for f in frontends if f in a.frontends]
        for machine, guest_type, frontend in runs:
            if only["--frontend"] not in (None, frontend) or \
                    only["--guest-type"] not in (None, guest_type) or \
                    only["--arch"] not in (None, machine.name):
                continue
            lab.arch, lab.frontend, lab.guest_type = machine, frontend, guest_type
            what = "%s frontend, %s guest" % (frontend, guest_type) + (
                ", %s" % machine if machine is not arch.HOST else "")
            start = time.monotonic()
            print("# lab test %s, %s: %s" % (
                name, what, (module.__doc__ or "").strip().splitlines()[0]), flush=True)
            try:
                module.run(lab)
            except (LabError, OSError, KeyError, ValueError) as e:
                lab.ok(False, "%s: the test itself failed: %s: %s"
                       % (name, type(e).__name__, e))
            print("# lab test %s, %s, took %.0f s" % (name, what, time.monotonic() - start),
                  flush=True)
        lab.arch, lab.frontend, lab.guest_type = arch.HOST, "mainline", "pv"
    print("1..%d" % lab.count)
    if lab.failed:
        print("# %d of %d lab checks failed" % (lab.failed, lab.count))
    return 1 if lab.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
