/* SPDX-License-Identifier: MIT */
/*
 * The deterministic test picture: the guest client draws it and the host
 * checks screendumps against it, so both must compute the very same pixels.
 *
 * A picture is a function of (frame, connector, width, height) only: colour
 * bars and gradients that move with the frame number, the connector index
 * marked in a corner, and the frame number printed in large digits, so a
 * human looking at a screenshot can read which frame it is.
 */
#ifndef VDISPL_TOOLS_PATTERN_H
#define VDISPL_TOOLS_PATTERN_H

#include <stdint.h>

/*
 * Fill @height rows of @width XRGB8888 pixels (0x00RRGGBB), @stride octets
 * apart, with picture @frame of @connector. Fast enough for a guest under
 * software emulation to draw 1920x1080 many times a second: no per-pixel
 * division or floating point.
 */
void vdispl_pattern_fill(void *pixels, uint32_t stride, uint32_t width, uint32_t height,
			 uint32_t frame, uint32_t connector);

#endif
