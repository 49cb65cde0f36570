// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: shared protocol code
 *
 * protocol/'s pure code, the same files the user-space backend and its unit
 * tests compile: page directories, request encoding, formats, XenStore
 * values and EDID modes.
 */
#include "protocol/edid-modes.c"
#include "protocol/format.c"
#include "protocol/page-directory.c"
#include "protocol/request-encode.c"
#include "protocol/xenstore-value.c"
