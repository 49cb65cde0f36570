/* SPDX-License-Identifier: MIT */
/*
 * What the tool checks in the EDID block GET_EDID returns (backend/edid.h
 * describes what the backend writes), pure.
 */
#ifndef VDISPL_EVIL_EDID_CHECK_H
#define VDISPL_EVIL_EDID_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#define EVIL_EDID_BLOCK_SIZE 128u

struct evil_edid_facts {
	bool header_ok;	      /* 00 FF FF FF FF FF FF 00 */
	uint8_t sum;	      /* of all 128 octets, mod 256: 0 in a valid block */
	uint16_t pixel_clock; /* first detailed timing, 10 kHz units; 0: not a timing */
	uint32_t hactive;     /* first detailed timing's active pixels */
	uint32_t vactive;     /* and lines */
};

void evil_edid_inspect(const uint8_t edid[EVIL_EDID_BLOCK_SIZE], struct evil_edid_facts *facts);

#endif
