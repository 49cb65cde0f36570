/* SPDX-License-Identifier: MIT */
/*
 * Decode and validate one displif request, pure and I/O-free.
 *
 * The caller copies the request off the shared ring first (RING_COPY_REQUEST)
 * and passes that private copy: the frontend may rewrite the ring slot at any
 * time, so nothing here ever reads shared memory.
 *
 * What the mainline frontend (drivers/gpu/drm/xen) really sends, and what we
 * therefore accept although displif.h says otherwise:
 *  - It never clears a ring slot before reusing it, so reserved octets and the
 *    unused bits of DBUF_CREATE.flags carry whatever an earlier request left
 *    there. A stale FB_ATTACH of ARGB8888 even leaves bit 0 (REQ_ALLOC) set.
 *    Reserved octets are ignored, and REQ_ALLOC is honoured only when the
 *    device's be-alloc node is "1".
 *  - PRIME imports arrive as DBUF_CREATE with width, height and bpp all 0.
 *  - SET_CONFIG carries the framebuffer's size, which may exceed the
 *    connector's resolution; x and y are the legacy CRTC offsets. We accept a
 *    rectangle that starts inside the connector and clip the rest.
 */
#ifndef VDISPL_PROTOCOL_REQUEST_H
#define VDISPL_PROTOCOL_REQUEST_H

#include "protocol/displif.h"

/* Largest width or height of a buffer, framebuffer or connector we accept. */
#define VDISPL_MAX_DIMENSION 16384u

/*
 * Largest GET_EDID buffer we accept, in octets. displif sets only a minimum
 * (XENDISPL_EDID_MAX_SIZE, 32 KiB); the cap bounds the pages the backend maps
 * for a request whose answer never exceeds that minimum.
 */
#define VDISPL_EDID_BUFFER_MAX (64u * 1024u)

/* What the decoder needs to know about where the request came from. */
struct vdispl_request_ctx {
	/* Index of the connector whose ring carried the request. */
	uint32_t connector_index;
	/* Connector resolution from XenStore, bounds SET_CONFIG's x and y. */
	uint32_t connector_width;
	uint32_t connector_height;
	/* The device's be-alloc node is "1": REQ_ALLOC may be honoured. */
	bool be_alloc;
	/* Upper bound on DBUF_CREATE.buffer_sz, in octets (a per-frontend cap). */
	uint32_t max_buffer_size;
};

struct vdispl_dbuf_create {
	uint64_t dbuf_cookie;
	uint32_t width;  /* 0 for PRIME imports */
	uint32_t height; /* 0 for PRIME imports */
	uint32_t bpp;    /* 0 for PRIME imports */
	uint32_t buffer_sz;
	uint32_t data_ofs;
	grant_ref_t gref_directory;
	bool backend_alloc; /* REQ_ALLOC set and be-alloc enabled */
	uint32_t num_grefs; /* ceil(buffer_sz / 4096) */
	uint32_t num_dir_pages; /* ceil(num_grefs / 1023) */
};

struct vdispl_dbuf_destroy {
	uint64_t dbuf_cookie;
};

struct vdispl_fb_attach {
	uint64_t dbuf_cookie;
	uint64_t fb_cookie;
	uint32_t width;
	uint32_t height;
	uint32_t fourcc; /* known to vdispl_format_lookup() */
};

struct vdispl_fb_detach {
	uint64_t fb_cookie;
};

struct vdispl_set_config {
	bool disable; /* every field was 0: turn the display off */
	uint64_t fb_cookie;
	uint32_t x;
	uint32_t y;
	uint32_t width;
	uint32_t height;
	uint32_t bpp;
};

struct vdispl_pg_flip {
	uint64_t fb_cookie;
};

struct vdispl_get_edid {
	uint32_t buffer_sz;
	grant_ref_t gref_directory;
	uint32_t num_grefs;
	uint32_t num_dir_pages;
};

struct vdispl_request {
	uint16_t id;
	uint8_t operation; /* XENDISPL_OP_* */
	union {
		struct vdispl_dbuf_create dbuf_create;
		struct vdispl_dbuf_destroy dbuf_destroy;
		struct vdispl_fb_attach fb_attach;
		struct vdispl_fb_detach fb_detach;
		struct vdispl_set_config set_config;
		struct vdispl_pg_flip pg_flip;
		struct vdispl_get_edid get_edid;
	};
};

/*
 * Decode @wire (a private copy) into @out. @out->id and @out->operation are
 * always filled, so the caller can answer even a rejected request.
 *
 * Returns 0, or the negative Xen status to put in the response:
 *  -XEN_EOPNOTSUPP  unknown operation
 *  -XEN_EINVAL      a field out of range: zero cookie or grant reference,
 *                   DBUF or FB operation on a connector other than 0, bad
 *                   dimensions, data_ofs past the buffer, unknown fourcc,
 *                   buffer_sz 0 or above ctx->max_buffer_size, EDID buffer
 *                   outside XENDISPL_EDID_MAX_SIZE..VDISPL_EDID_BUFFER_MAX,
 *                   SET_CONFIG starting outside the connector.
 *
 * DBUF_CREATE's width, height and bpp are all 0 (PRIME import) or all set
 * (dumb buffer: each dimension 1..VDISPL_MAX_DIMENSION, bpp that of a format
 * in format.h, ceil(width * bpp / 8) * height octets after data_ofs inside
 * buffer_sz); a mix is -XEN_EINVAL. SET_CONFIG's bpp is checked the same way.
 */
int vdispl_request_decode(const struct xendispl_req *wire, const struct vdispl_request_ctx *ctx,
			  struct vdispl_request *out);

/* The request's name for logs: "DBUF_CREATE", ..., or "UNKNOWN". */
const char *vdispl_op_name(uint8_t operation);

/*
 * The stride in octets of @fb inside @dbuf: the dumb-buffer pitch
 * ceil(width * bpp / 8) of the dbuf when it has one, otherwise the
 * framebuffer's own tight pitch (PRIME imports carry no geometry).
 * Returns 0 when the framebuffer cannot lie inside the buffer: wider rows than
 * the stride, or data_ofs + stride * (height - 1) + row size > buffer_sz.
 */
uint32_t vdispl_fb_stride(const struct vdispl_dbuf_create *dbuf, const struct vdispl_fb_attach *fb);

#endif
