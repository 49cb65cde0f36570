#!/bin/sh
# SPDX-License-Identifier: MIT
# vdispl-backend's command line, as TAP: what needs no Xen (help, version,
# and every way of getting options or the config file wrong).
# Usage: cli.sh PATH-TO-vdispl-backend
set -u

backend=$1
dir=$(mktemp -d) || exit 99
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/../tap.sh"

TAP_OUT=$dir/out

# check STATUS REGEX DESCRIPTION ARGS...: the backend's exit status, and a
# line of what it printed
check() {
    status=$1 pattern=$2 what=$3
    shift 3
    expect "$status" "$what" "$backend" "$@"
    output_matches "$pattern" "$what: says so"
}

check 0 '^Usage: vdispl-backend' "--help" --help
check 0 '^vdispl-backend [0-9]+\.[0-9]+\.[0-9]+$' "--version" --version
check 2 "--output bogus: bad value 'bogus' for 'output'" "an unknown output" --output bogus
check 2 "--png-every -3: bad value" "a negative png-every" --png-every -3
check 2 "--png-every 4294967296: bad value" "png-every past 32 bits" --png-every 4294967296
check 2 "--drm-device : empty value" "an empty DRM device" --drm-device ""
check 2 "--import zero: bad value 'zero' for 'import' in \[backend\]: expected auto, module" \
    "an unknown import" --import zero
check 2 "--log-level loud: want error, warn, info or debug" "an unknown log level" \
    --log-level loud
check 2 "unexpected argument 'extra'" "a stray argument" extra
check 2 "Try 'vdispl-backend --help'" "an unknown option" --frobnicate

printf '[backend]\nouput = kms\n' >"$dir/typo.ini"
check 2 "typo.ini: line 2: unknown key 'ouput' in \[backend\]" "a misspelt key, with file and line" \
    --config "$dir/typo.ini"
printf '[backend]\noutput = kms\n[guest1/id0]\npng-every = many\n' >"$dir/value.ini"
check 2 "value.ini: line 4: bad value 'many' for 'png-every'" "a bad value in a guest section" \
    --config "$dir/value.ini"
check 2 "missing.ini: No such file or directory" "a missing config file" \
    --config "$dir/missing.ini"

echo "1..$n"
[ "$failed" -eq 0 ]
