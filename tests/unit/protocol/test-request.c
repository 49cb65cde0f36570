// SPDX-License-Identifier: MIT
/*
 * Request decoding: every operation's happy path, every rejection of
 * request.h, and the stale ring slots the mainline frontend really sends.
 */
#include <drm_fourcc.h>
#include <string.h>

#include "protocol/request.h"
#include "tests/unit/tap.h"

/* What an unused octet of a reused ring slot may hold. */
#define STALE 0xa5

#define COOKIE 0x1122334455667788ull
#define FB_COOKIE 0x8877665544332211ull

static const struct vdispl_request_ctx ctx0 = {
	.connector_index = 0,
	.connector_width = 1024,
	.connector_height = 768,
	.be_alloc = false,
	.max_buffer_size = 64u << 20,
};

static struct vdispl_request_ctx ctx_on(uint32_t connector)
{
	struct vdispl_request_ctx ctx = ctx0;

	ctx.connector_index = connector;
	return ctx;
}

/* A slot as the frontend leaves it: earlier requests' octets everywhere. */
static struct xendispl_req stale_req(uint8_t operation)
{
	struct xendispl_req req;

	memset(&req, STALE, sizeof(req));
	req.id = 0x4242;
	req.operation = operation;
	return req;
}

/* A 1024x768 XRGB8888 dumb buffer, as DRM_IOCTL_MODE_CREATE_DUMB makes it. */
static struct xendispl_req dumb_req(void)
{
	struct xendispl_req req = stale_req(XENDISPL_OP_DBUF_CREATE);

	req.op.dbuf_create.dbuf_cookie = COOKIE;
	req.op.dbuf_create.width = 1024;
	req.op.dbuf_create.height = 768;
	req.op.dbuf_create.bpp = 32;
	req.op.dbuf_create.buffer_sz = 1024 * 4 * 768;
	req.op.dbuf_create.flags = 0;
	req.op.dbuf_create.gref_directory = 8;
	req.op.dbuf_create.data_ofs = 0;
	return req;
}

/* A PRIME import: no geometry, an offset into the first page. */
static struct xendispl_req prime_req(void)
{
	struct xendispl_req req = dumb_req();

	req.op.dbuf_create.width = 0;
	req.op.dbuf_create.height = 0;
	req.op.dbuf_create.bpp = 0;
	req.op.dbuf_create.buffer_sz = 2 * 4096 + 100;
	req.op.dbuf_create.data_ofs = 100;
	return req;
}

static int decode(const struct xendispl_req *req, const struct vdispl_request_ctx *ctx)
{
	struct vdispl_request out;

	return vdispl_request_decode(req, ctx, &out);
}

static void test_dbuf_create_ok(void)
{
	struct xendispl_req req = dumb_req();
	struct vdispl_request out;
	struct vdispl_request_ctx ctx = ctx0;

	TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0, "dumb DBUF_CREATE decodes");
	TAP_EQ_INT(out.id, 0x4242, "id echoed");
	TAP_EQ_INT(out.operation, XENDISPL_OP_DBUF_CREATE, "operation kept");
	TAP_CHECK(out.dbuf_create.dbuf_cookie == COOKIE, "cookie");
	TAP_EQ_INT(out.dbuf_create.width, 1024, "width");
	TAP_EQ_INT(out.dbuf_create.height, 768, "height");
	TAP_EQ_INT(out.dbuf_create.bpp, 32, "bpp");
	TAP_EQ_INT(out.dbuf_create.buffer_sz, 1024 * 4 * 768, "buffer_sz");
	TAP_EQ_INT(out.dbuf_create.gref_directory, 8, "gref_directory");
	TAP_EQ_INT(out.dbuf_create.data_ofs, 0, "data_ofs");
	TAP_CHECK(!out.dbuf_create.backend_alloc, "frontend-allocated");
	TAP_EQ_INT(out.dbuf_create.num_grefs, 768, "768 pages");
	TAP_EQ_INT(out.dbuf_create.num_dir_pages, 1, "one directory page");

	req.op.dbuf_create.width = 1920;
	req.op.dbuf_create.height = 1080;
	req.op.dbuf_create.buffer_sz = 1920 * 4 * 1080;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0, "1080p dumb decodes");
	TAP_EQ_INT(out.dbuf_create.num_grefs, 2025, "1080p XRGB is 2025 pages");
	TAP_EQ_INT(out.dbuf_create.num_dir_pages, 2, "in two directory pages");

	req = prime_req();
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0, "PRIME import decodes");
	TAP_EQ_INT(out.dbuf_create.width, 0, "PRIME has no width");
	TAP_EQ_INT(out.dbuf_create.data_ofs, 100, "PRIME data_ofs");
	TAP_EQ_INT(out.dbuf_create.num_grefs, 3, "partial last page counts");

	req = dumb_req();
	req.op.dbuf_create.width = 3;
	req.op.dbuf_create.height = 2;
	req.op.dbuf_create.bpp = 24;
	req.op.dbuf_create.buffer_sz = 18;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "3x2 RGB888 fits 18 octets exactly");
	req.op.dbuf_create.buffer_sz = 17;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "3x2 RGB888 does not fit 17");

	req = dumb_req();
	req.op.dbuf_create.width = VDISPL_MAX_DIMENSION;
	req.op.dbuf_create.height = VDISPL_MAX_DIMENSION;
	req.op.dbuf_create.buffer_sz = VDISPL_MAX_DIMENSION * VDISPL_MAX_DIMENSION * 4;
	ctx.max_buffer_size = UINT32_MAX;
	TAP_EQ_INT(decode(&req, &ctx), 0, "largest dimensions decode");
	req.op.dbuf_create.buffer_sz = UINT32_MAX;
	req.op.dbuf_create.data_ofs = UINT32_MAX - VDISPL_MAX_DIMENSION * VDISPL_MAX_DIMENSION * 4;
	TAP_EQ_INT(decode(&req, &ctx), 0, "largest data_ofs that fits");
	req.op.dbuf_create.data_ofs++;
	TAP_EQ_INT(decode(&req, &ctx), -XEN_EINVAL, "one octet more does not fit");
}

static void test_dbuf_create_alloc_flag(void)
{
	struct xendispl_req req = dumb_req();
	struct vdispl_request_ctx ctx = ctx0;
	struct vdispl_request out;

	req.op.dbuf_create.flags = XENDISPL_DBUF_FLG_REQ_ALLOC;
	ctx.be_alloc = true;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx, &out), 0, "REQ_ALLOC with be-alloc");
	TAP_CHECK(out.dbuf_create.backend_alloc, "backend allocates");

	req.op.dbuf_create.flags = 0;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx, &out), 0, "no REQ_ALLOC with be-alloc");
	TAP_CHECK(!out.dbuf_create.backend_alloc, "frontend allocates");

	/* What a slot last used by FB_ATTACH of ARGB8888 holds at flags. */
	req.op.dbuf_create.flags = DRM_FORMAT_ARGB8888;
	TAP_CHECK(req.op.dbuf_create.flags & XENDISPL_DBUF_FLG_REQ_ALLOC, "ARGB8888 has bit 0");
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0, "stale flags decode");
	TAP_CHECK(!out.dbuf_create.backend_alloc, "stale REQ_ALLOC ignored without be-alloc");

	req.op.dbuf_create.flags = 0xfffffffe;
	ctx.be_alloc = true;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx, &out), 0, "unknown flag bits ignored");
	TAP_CHECK(!out.dbuf_create.backend_alloc, "only bit 0 asks for allocation");

	req = prime_req();
	req.op.dbuf_create.flags = XENDISPL_DBUF_FLG_REQ_ALLOC;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx, &out), 0, "be-alloc PRIME import decodes");
	TAP_CHECK(out.dbuf_create.backend_alloc, "and asks for allocation");
}

static void test_dbuf_create_rejects(void)
{
	struct xendispl_req req;
	struct vdispl_request_ctx ctx1 = ctx_on(1);
	struct vdispl_request out;

	req = dumb_req();
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx1, &out), -XEN_EINVAL, "not on connector 1");
	TAP_EQ_INT(out.id, 0x4242, "id filled on rejection");
	TAP_EQ_INT(out.operation, XENDISPL_OP_DBUF_CREATE, "operation filled on rejection");

	req = dumb_req();
	req.op.dbuf_create.dbuf_cookie = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "cookie 0");

	req = dumb_req();
	req.op.dbuf_create.gref_directory = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "gref_directory 0");

	req = prime_req();
	req.op.dbuf_create.buffer_sz = 0;
	req.op.dbuf_create.data_ofs = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "buffer_sz 0");

	req = prime_req();
	req.op.dbuf_create.buffer_sz = ctx0.max_buffer_size;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "buffer_sz at the cap");
	req.op.dbuf_create.buffer_sz = ctx0.max_buffer_size + 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "buffer_sz above the cap");

	req = prime_req();
	req.op.dbuf_create.data_ofs = req.op.dbuf_create.buffer_sz - 1;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "data_ofs on the last octet");
	req.op.dbuf_create.data_ofs = req.op.dbuf_create.buffer_sz;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "data_ofs at buffer_sz");
	req.op.dbuf_create.data_ofs = UINT32_MAX;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "data_ofs UINT32_MAX");

	req = dumb_req();
	req.op.dbuf_create.width = VDISPL_MAX_DIMENSION + 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "width above the maximum");

	req = dumb_req();
	req.op.dbuf_create.height = VDISPL_MAX_DIMENSION + 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "height above the maximum");

	req = dumb_req();
	req.op.dbuf_create.width = UINT32_MAX;
	req.op.dbuf_create.bpp = 32;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "width UINT32_MAX");

	req = dumb_req();
	req.op.dbuf_create.width = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "width 0 with height and bpp");

	req = dumb_req();
	req.op.dbuf_create.height = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "height 0 with width and bpp");

	req = dumb_req();
	req.op.dbuf_create.bpp = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "bpp 0 with width and height");

	req = dumb_req();
	req.op.dbuf_create.bpp = 8;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "bpp 8: no such format");

	req = dumb_req();
	req.op.dbuf_create.bpp = 12;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "bpp 12: no such format");

	req = dumb_req();
	req.op.dbuf_create.buffer_sz -= 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "pixels larger than buffer_sz");

	req = dumb_req();
	req.op.dbuf_create.data_ofs = 4;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "data_ofs pushes pixels past buffer_sz");
}

static void test_dbuf_destroy(void)
{
	struct xendispl_req req = stale_req(XENDISPL_OP_DBUF_DESTROY);
	struct vdispl_request_ctx ctx2 = ctx_on(2);
	struct vdispl_request out;

	req.op.dbuf_destroy.dbuf_cookie = COOKIE;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0, "DBUF_DESTROY decodes");
	TAP_CHECK(out.dbuf_destroy.dbuf_cookie == COOKIE, "DBUF_DESTROY cookie");
	TAP_EQ_INT(decode(&req, &ctx2), -XEN_EINVAL, "DBUF_DESTROY not on connector 2");

	req.op.dbuf_destroy.dbuf_cookie = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "DBUF_DESTROY cookie 0");
}

static struct xendispl_req fb_attach_req(uint32_t fourcc)
{
	struct xendispl_req req = stale_req(XENDISPL_OP_FB_ATTACH);

	req.op.fb_attach.dbuf_cookie = COOKIE;
	req.op.fb_attach.fb_cookie = FB_COOKIE;
	req.op.fb_attach.width = 1024;
	req.op.fb_attach.height = 768;
	req.op.fb_attach.pixel_format = fourcc;
	return req;
}

static void test_fb_attach(void)
{
	static const uint32_t offered[] = {
		DRM_FORMAT_RGB565,   DRM_FORMAT_RGB888,   DRM_FORMAT_XRGB8888,
		DRM_FORMAT_ARGB8888, DRM_FORMAT_XRGB4444, DRM_FORMAT_ARGB4444,
		DRM_FORMAT_XRGB1555, DRM_FORMAT_ARGB1555, DRM_FORMAT_YUYV,
	};
	struct vdispl_request_ctx ctx1 = ctx_on(1);
	struct xendispl_req req;
	struct vdispl_request out;

	for (size_t i = 0; i < sizeof(offered) / sizeof(offered[0]); i++) {
		req = fb_attach_req(offered[i]);
		TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0,
			   "FB_ATTACH of format %zu decodes", i);
		TAP_EQ_INT(out.fb_attach.fourcc, offered[i], "fourcc %zu kept", i);
	}
	TAP_CHECK(out.fb_attach.dbuf_cookie == COOKIE, "FB_ATTACH dbuf_cookie");
	TAP_CHECK(out.fb_attach.fb_cookie == FB_COOKIE, "FB_ATTACH fb_cookie");
	TAP_EQ_INT(out.fb_attach.width, 1024, "FB_ATTACH width");
	TAP_EQ_INT(out.fb_attach.height, 768, "FB_ATTACH height");

	req = fb_attach_req(DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(decode(&req, &ctx1), -XEN_EINVAL, "FB_ATTACH not on connector 1");

	req = fb_attach_req(DRM_FORMAT_NV12);
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "NV12 is not offered");
	req = fb_attach_req(DRM_FORMAT_XBGR8888);
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "XBGR8888 is not offered");
	req = fb_attach_req(0);
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "fourcc 0");

	req = fb_attach_req(DRM_FORMAT_XRGB8888);
	req.op.fb_attach.dbuf_cookie = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "FB_ATTACH dbuf_cookie 0");

	req = fb_attach_req(DRM_FORMAT_XRGB8888);
	req.op.fb_attach.fb_cookie = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "FB_ATTACH fb_cookie 0");

	req = fb_attach_req(DRM_FORMAT_XRGB8888);
	req.op.fb_attach.width = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "FB_ATTACH width 0");

	req = fb_attach_req(DRM_FORMAT_XRGB8888);
	req.op.fb_attach.height = VDISPL_MAX_DIMENSION + 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "FB_ATTACH height above the maximum");
}

static void test_fb_detach(void)
{
	struct xendispl_req req = stale_req(XENDISPL_OP_FB_DETACH);
	struct vdispl_request_ctx ctx3 = ctx_on(3);
	struct vdispl_request out;

	req.op.fb_detach.fb_cookie = FB_COOKIE;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0, "FB_DETACH decodes");
	TAP_CHECK(out.fb_detach.fb_cookie == FB_COOKIE, "FB_DETACH cookie");
	TAP_EQ_INT(decode(&req, &ctx3), -XEN_EINVAL, "FB_DETACH not on connector 3");

	req.op.fb_detach.fb_cookie = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "FB_DETACH cookie 0");
}

static struct xendispl_req set_config_req(void)
{
	struct xendispl_req req = stale_req(XENDISPL_OP_SET_CONFIG);

	req.op.set_config.fb_cookie = FB_COOKIE;
	req.op.set_config.x = 0;
	req.op.set_config.y = 0;
	req.op.set_config.width = 1024;
	req.op.set_config.height = 768;
	req.op.set_config.bpp = 32;
	return req;
}

static void test_set_config(void)
{
	struct vdispl_request_ctx ctx1 = ctx_on(1);
	struct xendispl_req req = set_config_req();
	struct vdispl_request out;

	TAP_EQ_INT(vdispl_request_decode(&req, &ctx1, &out), 0, "SET_CONFIG on connector 1");
	TAP_CHECK(!out.set_config.disable, "SET_CONFIG enables");
	TAP_CHECK(out.set_config.fb_cookie == FB_COOKIE, "SET_CONFIG cookie");
	TAP_EQ_INT(out.set_config.width, 1024, "SET_CONFIG width");
	TAP_EQ_INT(out.set_config.height, 768, "SET_CONFIG height");
	TAP_EQ_INT(out.set_config.bpp, 32, "SET_CONFIG bpp");

	/* The frontend's disable: cookie of no framebuffer, all zero. */
	memset(&req.op.set_config, 0, sizeof(req.op.set_config));
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), 0, "all-zero SET_CONFIG");
	TAP_CHECK(out.set_config.disable, "all-zero SET_CONFIG disables");
	TAP_EQ_INT(req.op.reserved[40], STALE, "with stale octets after bpp");

	req = set_config_req();
	req.op.set_config.width = 4095;
	req.op.set_config.height = 2047;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "framebuffer larger than the connector");
	req.op.set_config.x = 1023;
	req.op.set_config.y = 767;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "offset on the last pixel");
	req.op.set_config.x = 1024;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "x past the connector");
	req.op.set_config.x = 0;
	req.op.set_config.y = 768;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "y past the connector");
	req.op.set_config.y = UINT32_MAX;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "y UINT32_MAX");

	req = set_config_req();
	req.op.set_config.bpp = 24;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "RGB888 bpp");
	req.op.set_config.bpp = 16;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "16 bpp");
	req.op.set_config.bpp = 8;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "bpp 8");
	req.op.set_config.bpp = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "bpp 0 with a framebuffer");

	req = set_config_req();
	req.op.set_config.fb_cookie = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "cookie 0 with a rectangle");

	req = set_config_req();
	req.op.set_config.width = 0;
	req.op.set_config.height = 0;
	req.op.set_config.bpp = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "cookie without a rectangle");

	req = set_config_req();
	memset(&req.op.set_config, 0, sizeof(req.op.set_config));
	req.op.set_config.x = 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "zeros but x");

	req = set_config_req();
	req.op.set_config.width = VDISPL_MAX_DIMENSION + 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "width above the maximum");
	req = set_config_req();
	req.op.set_config.height = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "height 0");
}

static void test_pg_flip(void)
{
	struct xendispl_req req = stale_req(XENDISPL_OP_PG_FLIP);
	struct vdispl_request_ctx ctx2 = ctx_on(2);
	struct vdispl_request out;

	req.op.pg_flip.fb_cookie = FB_COOKIE;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx2, &out), 0, "PG_FLIP on connector 2");
	TAP_CHECK(out.pg_flip.fb_cookie == FB_COOKIE, "PG_FLIP cookie");

	req.op.pg_flip.fb_cookie = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "PG_FLIP cookie 0");
}

static void test_get_edid(void)
{
	struct xendispl_req req = stale_req(XENDISPL_OP_GET_EDID);
	struct vdispl_request_ctx ctx3 = ctx_on(3);
	struct vdispl_request out;

	req.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE;
	req.op.get_edid.gref_directory = 77;
	TAP_EQ_INT(vdispl_request_decode(&req, &ctx3, &out), 0, "GET_EDID on connector 3");
	TAP_EQ_INT(out.get_edid.buffer_sz, XENDISPL_EDID_MAX_SIZE, "GET_EDID buffer_sz");
	TAP_EQ_INT(out.get_edid.gref_directory, 77, "GET_EDID gref_directory");
	TAP_EQ_INT(out.get_edid.num_grefs, 8, "32 KiB is 8 pages");
	TAP_EQ_INT(out.get_edid.num_dir_pages, 1, "in one directory page");

	req.op.get_edid.buffer_sz = VDISPL_EDID_BUFFER_MAX;
	TAP_EQ_INT(decode(&req, &ctx0), 0, "GET_EDID at the cap");
	req.op.get_edid.buffer_sz = VDISPL_EDID_BUFFER_MAX + 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "GET_EDID above the cap");
	req.op.get_edid.buffer_sz = UINT32_MAX;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "GET_EDID buffer_sz UINT32_MAX");
	req.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE - 1;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "GET_EDID below the minimum");
	req.op.get_edid.buffer_sz = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "GET_EDID buffer_sz 0");

	req.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE;
	req.op.get_edid.gref_directory = 0;
	TAP_EQ_INT(decode(&req, &ctx0), -XEN_EINVAL, "GET_EDID gref_directory 0");
}

static void test_unknown(void)
{
	static const uint8_t ops[] = { 0x00, 0x0f, 0x17, 0xff };
	struct vdispl_request out;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct xendispl_req req = stale_req(ops[i]);

		TAP_EQ_INT(vdispl_request_decode(&req, &ctx0, &out), -XEN_EOPNOTSUPP,
			   "operation 0x%02x is unknown", ops[i]);
		TAP_EQ_INT(out.id, 0x4242, "id of operation 0x%02x echoed", ops[i]);
		TAP_EQ_INT(out.operation, ops[i], "operation 0x%02x kept", ops[i]);
	}
}

static void test_op_names(void)
{
	TAP_CHECK(!strcmp(vdispl_op_name(XENDISPL_OP_DBUF_CREATE), "DBUF_CREATE"), "name 0x10");
	TAP_CHECK(!strcmp(vdispl_op_name(XENDISPL_OP_DBUF_DESTROY), "DBUF_DESTROY"), "name 0x11");
	TAP_CHECK(!strcmp(vdispl_op_name(XENDISPL_OP_FB_ATTACH), "FB_ATTACH"), "name 0x12");
	TAP_CHECK(!strcmp(vdispl_op_name(XENDISPL_OP_FB_DETACH), "FB_DETACH"), "name 0x13");
	TAP_CHECK(!strcmp(vdispl_op_name(XENDISPL_OP_SET_CONFIG), "SET_CONFIG"), "name 0x14");
	TAP_CHECK(!strcmp(vdispl_op_name(XENDISPL_OP_PG_FLIP), "PG_FLIP"), "name 0x15");
	TAP_CHECK(!strcmp(vdispl_op_name(XENDISPL_OP_GET_EDID), "GET_EDID"), "name 0x16");
	TAP_CHECK(!strcmp(vdispl_op_name(0x99), "UNKNOWN"), "name 0x99");
}

static struct vdispl_fb_attach fb(uint32_t width, uint32_t height, uint32_t fourcc)
{
	return (struct vdispl_fb_attach){
		.dbuf_cookie = COOKIE,
		.fb_cookie = FB_COOKIE,
		.width = width,
		.height = height,
		.fourcc = fourcc,
	};
}

static void test_fb_stride(void)
{
	struct vdispl_dbuf_create dumb = {
		.width = 1024, .height = 768, .bpp = 32, .buffer_sz = 1024 * 4 * 768,
	};
	struct vdispl_dbuf_create prime = { .buffer_sz = 1024 * 4 * 768 + 64, .data_ofs = 64 };
	struct vdispl_fb_attach f;

	f = fb(1024, 768, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 4096, "dumb XRGB8888 pitch");
	f = fb(1024, 768, DRM_FORMAT_RGB565);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 4096, "the dumb buffer's pitch, not the fb's");
	f = fb(800, 600, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 4096, "smaller fb in a larger dumb buffer");
	f = fb(1025, 768, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 0, "fb rows wider than the pitch");
	f = fb(1024, 769, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 0, "fb taller than the buffer");
	f = fb(1024, 768, DRM_FORMAT_NV12);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 0, "unknown fourcc");
	f = fb(0, 768, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 0, "width 0");

	f = fb(1024, 768, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&prime, &f), 4096, "PRIME: the fb's tight pitch");
	f = fb(1023, 2, DRM_FORMAT_RGB888);
	TAP_EQ_INT(vdispl_fb_stride(&prime, &f), 3069, "PRIME RGB888 odd width");
	prime.data_ofs = 65;
	f = fb(1024, 768, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&prime, &f), 0, "PRIME: data_ofs pushes past the end");

	dumb.width = UINT32_MAX;
	dumb.bpp = UINT32_MAX;
	f = fb(UINT32_MAX, UINT32_MAX, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 0, "undecoded extremes do not wrap");
	dumb.width = 1 << 30;
	dumb.bpp = 32;
	dumb.buffer_sz = UINT32_MAX;
	dumb.data_ofs = UINT32_MAX;
	TAP_EQ_INT(vdispl_fb_stride(&dumb, &f), 0, "pitch above 32 bits");
}

int main(void)
{
	test_dbuf_create_ok();
	test_dbuf_create_alloc_flag();
	test_dbuf_create_rejects();
	test_dbuf_destroy();
	test_fb_attach();
	test_fb_detach();
	test_set_config();
	test_pg_flip();
	test_get_edid();
	test_unknown();
	test_op_names();
	test_fb_stride();
	return tap_done();
}
