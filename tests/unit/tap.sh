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
