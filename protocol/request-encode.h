/* SPDX-License-Identifier: MIT */
/*
 * Building displif requests, as a frontend sends them: each fills the whole
 * 64-octet request, every field not named zero (reserved octets included:
 * a backend may insist on it), the id left for the ring code to set.
 * Pure; used by our kernel frontend and by the lab's user-space frontends.
 */
#ifndef VDISPL_PROTOCOL_REQUEST_ENCODE_H
#define VDISPL_PROTOCOL_REQUEST_ENCODE_H

#include "protocol/displif.h"

void vdispl_req_init(struct xendispl_req *req, uint8_t operation);
/*
 * @width, @height and @bpp are 0 for a PRIME import; @flags is 0 or
 * XENDISPL_DBUF_FLG_REQ_ALLOC; @data_ofs is where the pixels start.
 */
void vdispl_req_dbuf_create(struct xendispl_req *req, uint64_t cookie, grant_ref_t dir,
			    uint32_t width, uint32_t height, uint32_t bpp, uint32_t size,
			    uint32_t data_ofs, uint32_t flags);
void vdispl_req_dbuf_destroy(struct xendispl_req *req, uint64_t cookie);
void vdispl_req_fb_attach(struct xendispl_req *req, uint64_t dbuf, uint64_t fb, uint32_t width,
			uint32_t height, uint32_t fourcc);
void vdispl_req_fb_detach(struct xendispl_req *req, uint64_t fb);
void vdispl_req_set_config(struct xendispl_req *req, uint64_t fb, uint32_t x, uint32_t y,
			 uint32_t width, uint32_t height, uint32_t bpp);
void vdispl_req_pg_flip(struct xendispl_req *req, uint64_t fb);
void vdispl_req_get_edid(struct xendispl_req *req, grant_ref_t dir, uint32_t size);

#endif
