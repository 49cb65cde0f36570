# SPDX-License-Identifier: MIT
# TAP for the shell tests, sourced: ok DESCRIPTION, and not_ok DESCRIPTION
# [LABEL FILE]... which also shows each FILE's lines prefixed with LABEL.
n=0
failed=0

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    while [ $# -ge 2 ]; do
        sed "s/^/#   $1/" "$2"
        shift 2
    done
}

# For tests that run a tool: set TAP_OUT to a file first.
# expect STATUS DESCRIPTION COMMAND...: run it, stdout and stderr to
# $TAP_OUT, one check on its exit status.
expect() {
    want=$1
    what=$2
    shift 2
    "$@" >"$TAP_OUT" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        ok "$what (exit $got)"
    else
        not_ok "$what: exit $got, want $want" "" "$TAP_OUT"
    fi
}

# output_matches REGEX DESCRIPTION: a line of the last command's output matches
output_matches() {
    if grep -Eq -e "$1" "$TAP_OUT"; then
        ok "$2"
    else
        not_ok "$2: no line matches '$1'" "" "$TAP_OUT"
    fi
}
