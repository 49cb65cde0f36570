/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The fill pattern of the guest-grants test buffers.
 *
 * Shared by the DomU test module (tests/kernel/guest-grants), which writes
 * it into every page it grants, and by the Dom0 test tool, which checks it
 * through the mapping our Dom0 module makes: a page mapped from the wrong
 * grant, the wrong buffer or the wrong offset reads back different words.
 *
 * Word k of page p of buffer b is the little-endian u32 at byte offset 4 * k
 * of that 4 KiB page (1024 words a page) and holds
 * vdispl_grant_pattern(b, p, k).
 */
#ifndef VDISPL_GRANT_PATTERN_H
#define VDISPL_GRANT_PATTERN_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/*
 * The index packs (buffer, page, word) into distinct integers for
 * buffer < 256, page < 16384 and word < 1024, the whole range the module
 * accepts, and the mix below is a bijection (murmur3's finaliser), so no two
 * words of the first 256 buffers carry the same value. The offset keeps
 * word 0 of page 0 of buffer 0 away from the finaliser's fixed point 0,
 * which a zero-filled page would match.
 */
static inline uint32_t vdispl_grant_pattern(uint32_t buffer, uint32_t page,
					    uint32_t word)
{
	uint32_t x = buffer * 0x01000000u + page * 1024u + word + 0x9e3779b9u;

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

/*
 * What the guest redraws buffer @buffer with for frame @frame (frame 0 is
 * the pattern above): every word differs from the same word of every other
 * frame, so a stale cache line or page shows.
 */
static inline uint32_t vdispl_grant_frame_pattern(uint32_t buffer, uint32_t page,
						  uint32_t word, uint32_t frame)
{
	return vdispl_grant_pattern(buffer, page, word) ^ (frame * 0x9e3779b1u);
}

#endif /* VDISPL_GRANT_PATTERN_H */
