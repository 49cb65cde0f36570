/* SPDX-License-Identifier: MIT */
/*
 * Building displif requests: each fills the whole 64-octet request, every
 * field not named zero (reserved octets included), ready for
 * evil_ring_call().
 */
#ifndef VDISPL_EVIL_REQUESTS_H
#define VDISPL_EVIL_REQUESTS_H

#include <stdint.h>

#include "protocol/displif.h"

void evil_req_init(struct xendispl_req *req, uint8_t operation);
void evil_req_dbuf_create(struct xendispl_req *req, uint64_t cookie, grant_ref_t dir,
			  uint32_t width, uint32_t height, uint32_t bpp, uint32_t size);
void evil_req_dbuf_destroy(struct xendispl_req *req, uint64_t cookie);
void evil_req_fb_attach(struct xendispl_req *req, uint64_t dbuf, uint64_t fb, uint32_t width,
			uint32_t height, uint32_t fourcc);
void evil_req_fb_detach(struct xendispl_req *req, uint64_t fb);
void evil_req_set_config(struct xendispl_req *req, uint64_t fb, uint32_t x, uint32_t y,
			 uint32_t width, uint32_t height, uint32_t bpp);
void evil_req_pg_flip(struct xendispl_req *req, uint64_t fb);
void evil_req_get_edid(struct xendispl_req *req, grant_ref_t dir, uint32_t size);

#endif
