// SPDX-License-Identifier: MIT
/* Displif requests as a frontend builds them: every other octet zero. */
#include "protocol/compat.h"

#include "protocol/request-encode.h"

void vdispl_req_init(struct xendispl_req *req, uint8_t operation)
{
	memset(req, 0, sizeof(*req));
	req->operation = operation;
}

void vdispl_req_dbuf_create(struct xendispl_req *req, uint64_t cookie, grant_ref_t dir,
			    uint32_t width, uint32_t height, uint32_t bpp, uint32_t size,
			    uint32_t data_ofs, uint32_t flags)
{
	vdispl_req_init(req, XENDISPL_OP_DBUF_CREATE);
	req->op.dbuf_create.dbuf_cookie = cookie;
	req->op.dbuf_create.width = width;
	req->op.dbuf_create.height = height;
	req->op.dbuf_create.bpp = bpp;
	req->op.dbuf_create.buffer_sz = size;
	req->op.dbuf_create.gref_directory = dir;
	req->op.dbuf_create.data_ofs = data_ofs;
	req->op.dbuf_create.flags = flags;
}

void vdispl_req_dbuf_destroy(struct xendispl_req *req, uint64_t cookie)
{
	vdispl_req_init(req, XENDISPL_OP_DBUF_DESTROY);
	req->op.dbuf_destroy.dbuf_cookie = cookie;
}

void vdispl_req_fb_attach(struct xendispl_req *req, uint64_t dbuf, uint64_t fb, uint32_t width,
			uint32_t height, uint32_t fourcc)
{
	vdispl_req_init(req, XENDISPL_OP_FB_ATTACH);
	req->op.fb_attach.dbuf_cookie = dbuf;
	req->op.fb_attach.fb_cookie = fb;
	req->op.fb_attach.width = width;
	req->op.fb_attach.height = height;
	req->op.fb_attach.pixel_format = fourcc;
}

void vdispl_req_fb_detach(struct xendispl_req *req, uint64_t fb)
{
	vdispl_req_init(req, XENDISPL_OP_FB_DETACH);
	req->op.fb_detach.fb_cookie = fb;
}

void vdispl_req_set_config(struct xendispl_req *req, uint64_t fb, uint32_t x, uint32_t y,
			 uint32_t width, uint32_t height, uint32_t bpp)
{
	vdispl_req_init(req, XENDISPL_OP_SET_CONFIG);
	req->op.set_config.fb_cookie = fb;
	req->op.set_config.x = x;
	req->op.set_config.y = y;
	req->op.set_config.width = width;
	req->op.set_config.height = height;
	req->op.set_config.bpp = bpp;
}

void vdispl_req_pg_flip(struct xendispl_req *req, uint64_t fb)
{
	vdispl_req_init(req, XENDISPL_OP_PG_FLIP);
	req->op.pg_flip.fb_cookie = fb;
}

void vdispl_req_get_edid(struct xendispl_req *req, grant_ref_t dir, uint32_t size)
{
	vdispl_req_init(req, XENDISPL_OP_GET_EDID);
	req->op.get_edid.gref_directory = dir;
	req->op.get_edid.buffer_sz = size;
}
