// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The pure segment builder the user-space unit tests test, compiled in as is. */
#include "common/dma-segments.c"
