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

fail() {
    not_ok "$1" "" "$dir/out"
}

# expect STATUS REGEX DESCRIPTION ARGS...: exit status and a line of output
expect() {
    want=$1 pattern=$2 what=$3
    shift 3
    "$backend" "$@" >"$dir/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, want $want"
    elif ! grep -Eq -e "$pattern" "$dir/out"; then
        fail "$what: no line matches '$pattern'"
    else
        ok "$what"
    fi
}

expect 0 '^Usage: vdispl-backend' "--help" --help
expect 0 '^vdispl-backend [0-9]+\.[0-9]+\.[0-9]+$' "--version" --version
expect 2 "--output bogus: bad value 'bogus' for 'output'" "an unknown output" --output bogus
expect 2 "--png-every -3: bad value" "a negative png-every" --png-every -3
expect 2 "--png-every 4294967296: bad value" "png-every past 32 bits" --png-every 4294967296
expect 2 "--drm-device : empty value" "an empty DRM device" --drm-device ""
expect 2 "--log-level loud: want error, warn, info or debug" "an unknown log level" \
    --log-level loud
expect 2 "unexpected argument 'extra'" "a stray argument" extra
expect 2 "Try 'vdispl-backend --help'" "an unknown option" --frobnicate

printf '[backend]\nouput = kms\n' >"$dir/typo.ini"
expect 2 "typo.ini: line 2: unknown key 'ouput' in \[backend\]" "a misspelt key, with file and line" \
    --config "$dir/typo.ini"
printf '[backend]\noutput = kms\n[guest1/id0]\npng-every = many\n' >"$dir/value.ini"
expect 2 "value.ini: line 4: bad value 'many' for 'png-every'" "a bad value in a guest section" \
    --config "$dir/value.ini"
expect 2 "missing.ini: No such file or directory" "a missing config file" \
    --config "$dir/missing.ini"

echo "1..$n"
[ "$failed" -eq 0 ]
