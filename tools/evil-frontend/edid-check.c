// SPDX-License-Identifier: MIT
#include <string.h>

#include "tools/evil-frontend/edid-check.h"

/* The first detailed timing descriptor: the preferred mode (EDID 1.4, 3.10). */
#define DTD0 54u

void evil_edid_inspect(const uint8_t edid[EVIL_EDID_BLOCK_SIZE], struct evil_edid_facts *facts)
{
	static const uint8_t header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
	const uint8_t *dtd = edid + DTD0;
	uint8_t sum = 0;

	for (unsigned int i = 0; i < EVIL_EDID_BLOCK_SIZE; i++)
		sum = (uint8_t)(sum + edid[i]);

	facts->header_ok = memcmp(edid, header, sizeof(header)) == 0;
	facts->sum = sum;
	facts->pixel_clock = (uint16_t)(dtd[0] | dtd[1] << 8);
	/* 12-bit sizes: low 8 bits, then the upper nibble of a shared octet. */
	facts->hactive = dtd[2] | (uint32_t)(dtd[4] >> 4) << 8;
	facts->vactive = dtd[5] | (uint32_t)(dtd[7] >> 4) << 8;
}
