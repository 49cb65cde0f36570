#!/bin/sh
# SPDX-License-Identifier: MIT
# vdispl-frame-check end to end, as TAP: pictures written with --write match
# their own frame (exit 0) and not another frame or connector (exit 1);
# usage and I/O errors exit 2. Usage: frame-check.sh PATH-TO-vdispl-frame-check
set -u

tool=$1
dir=$(mktemp -d) || exit 99
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/../tap.sh"

TAP_OUT=$dir/out

# Failures show what the tool printed.
fail() {
    not_ok "$1" "" "$dir/out"
}

expect 0 "write frame 42 of connector 1" \
    "$tool" --write "$dir/a.png" --size 640x480 --frame 42 --connector 1
expect 0 "it matches frame 42 of connector 1" \
    "$tool" --frame 42 --connector 1 "$dir/a.png"
expect 0 "it has the size given" \
    "$tool" --frame 42 --connector 1 --size 640x480 "$dir/a.png"
expect 1 "a size other than the one given" \
    "$tool" --frame 42 --connector 1 --size 1024x768 "$dir/a.png"
expect 1 "frame 43 differs" \
    "$tool" --frame 43 --connector 1 --diff "$dir/diff.png" "$dir/a.png"
output_matches '^[0-9]+ of 307200 pixels differ; first at \([0-9]+,[0-9]+\): got 0x[0-9a-f]{6} want 0x[0-9a-f]{6}$' \
    "the mismatch line"
if [ -s "$dir/diff.png" ]; then ok "--diff wrote a picture"; else fail "--diff wrote no picture"; fi
expect 1 "which reads as a PNG of the same size" \
    "$tool" --frame 43 --connector 1 --size 640x480 "$dir/diff.png"
output_matches '^[0-9]+ of 307200 pixels differ' "(its pixels are no test picture)"
expect 1 "connector 0 differs" \
    "$tool" --frame 42 --connector 0 "$dir/a.png"
expect 0 "write frame 41" \
    "$tool" --write "$dir/b.png" --size 640x480 --frame 41 --connector 1
expect 1 "a stale frame 41 is not frame 42" \
    "$tool" --frame 42 --connector 1 "$dir/b.png"

expect 0 "--find: frame 42 is in the shot" \
    "$tool" --find 640x480 --frame 42 --connector 1 "$dir/a.png"
output_matches '^.*: frame 42 connector 1 \(640x480\) at 0,0, every pixel equal$' \
    "--find: where it is"
expect 1 "--find: frame 43 is nowhere" \
    "$tool" --find 640x480 --frame 43 --connector 1 "$dir/a.png"
output_matches '^.*: frame 43 connector 1 \(640x480\) is nowhere in this 640x480 picture$' \
    "--find: says so"
expect 1 "--find: a picture larger than the shot" \
    "$tool" --find 641x480 --frame 42 --connector 1 "$dir/a.png"
expect 2 "--find with --size" "$tool" --find 64x48 --size 64x48 --frame 1 --connector 0 "$dir/a.png"
expect 2 "--find with --blank" "$tool" --find 64x48 --blank "$dir/a.png"

expect 1 "a test picture is not blank" "$tool" --blank "$dir/a.png"
expect 0 "write a blank picture" "$tool" --write "$dir/black.png" --size 64x48 --blank
expect 0 "it is blank" "$tool" --blank --size 64x48 "$dir/black.png"
output_matches '^.*: all 3072 pixels are black$' "the blank line"
expect 1 "a blank picture is no frame" "$tool" --frame 0 --connector 0 "$dir/black.png"
expect 2 "--blank with --frame" "$tool" --blank --frame 1 "$dir/black.png"

expect 2 "a missing file" "$tool" --frame 1 --connector 0 "$dir/missing.png"
echo "not a PNG" >"$dir/text.png"
expect 2 "a file that is not a PNG" "$tool" --frame 1 --connector 0 "$dir/text.png"
expect 2 "writing into a missing folder" \
    "$tool" --write "$dir/no/such.png" --size 8x8 --frame 1 --connector 0
expect 2 "no arguments" "$tool"
expect 2 "no --connector" "$tool" --frame 1 "$dir/a.png"
expect 2 "--write without --size" "$tool" --write "$dir/c.png" --frame 1 --connector 0
expect 2 "--size 0x5" "$tool" --write "$dir/c.png" --size 0x5 --frame 1 --connector 0
expect 2 "--frame -1" "$tool" --frame -1 --connector 0 "$dir/a.png"
expect 2 "two pictures" "$tool" --frame 42 --connector 1 "$dir/a.png" "$dir/a.png"
expect 0 "--help" "$tool" --help
output_matches '^Usage: vdispl-frame-check' "--help shows the usage"

echo "1..$n"
[ "$failed" -eq 0 ]
