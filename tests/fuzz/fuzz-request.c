// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for what a frontend controls in protocol/: a 64-octet
 * request decoded under varied connector contexts, then, for requests that
 * carry a page directory, a walk over directory pages taken from the input;
 * the rest of the input also goes through the XenStore value parsers.
 *
 * Every property the headers promise is checked and aborts when broken, so
 * the sanitizers are not the only oracle.
 *
 * Build and run with tools/fuzz (clang, ASan+UBSan): tools/fuzz request.
 *
 * Input layout: [64 request][20 context, follow-up FB_ATTACH, bare walk]
 *               [directory pages, 4096 each ...]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/format.h"
#include "protocol/page-directory.h"
#include "protocol/request.h"
#include "protocol/xenstore-value.h"
#include "tests/fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CTX_SIZE 20u

struct input {
	const uint8_t *data;
	size_t size;
};

/* Take up to @len octets, zero-filling what the input lacks. */
static void take(struct input *in, void *dst, size_t len)
{
	size_t n = in->size < len ? in->size : len;

	memset(dst, 0, len);
	memcpy(dst, in->data, n);
	in->data += n;
	in->size -= n;
}

static struct vdispl_request_ctx make_ctx(const uint8_t c[CTX_SIZE])
{
	/* A handful of caps, including ones at the edges of uint32_t. */
	static const uint32_t caps[] = { 0, 1, 4096, 64u << 20, 256u << 20, UINT32_MAX };
	uint16_t w, h;

	memcpy(&w, c + 2, sizeof(w));
	memcpy(&h, c + 4, sizeof(h));
	return (struct vdispl_request_ctx){
		.connector_index = c[0] % 5,
		.be_alloc = c[1] & 1,
		.connector_width = w,
		.connector_height = h,
		.max_buffer_size = caps[c[6] % (sizeof(caps) / sizeof(caps[0]))],
	};
}

/* An FB_ATTACH a frontend could follow the DBUF_CREATE with. */
static struct vdispl_fb_attach make_fb(const uint8_t c[CTX_SIZE])
{
	const struct vdispl_format *formats;
	struct vdispl_fb_attach fb = { .dbuf_cookie = 1, .fb_cookie = 1 };
	size_t count;

	formats = vdispl_formats(&count);
	memcpy(&fb.width, c + 8, sizeof(fb.width));
	memcpy(&fb.height, c + 12, sizeof(fb.height));
	/* One past the table: a fourcc we do not know. */
	fb.fourcc = c[7] % (count + 1) < count ? formats[c[7] % (count + 1)].fourcc : c[7];
	return fb;
}

static void check_dbuf_create(const struct vdispl_dbuf_create *d,
			      const struct vdispl_request_ctx *ctx)
{
	CHECK(ctx->connector_index == 0);
	CHECK(d->dbuf_cookie != 0 && d->gref_directory != 0);
	CHECK(d->buffer_sz > 0 && d->buffer_sz <= ctx->max_buffer_size);
	CHECK(d->data_ofs < d->buffer_sz);
	CHECK(!d->backend_alloc || ctx->be_alloc);
	CHECK((uint64_t)d->num_grefs * VDISPL_XEN_PAGE_SIZE >= d->buffer_sz);
	CHECK((uint64_t)(d->num_grefs - 1) * VDISPL_XEN_PAGE_SIZE < d->buffer_sz);
	CHECK(d->num_dir_pages == vdispl_pgdir_pages(d->num_grefs));
	if (d->width || d->height || d->bpp) {
		CHECK(d->width && d->height && d->bpp);
		CHECK(d->width <= VDISPL_MAX_DIMENSION && d->height <= VDISPL_MAX_DIMENSION);
		CHECK(d->data_ofs + vdispl_format_row_size(d->bpp, d->width) * d->height <=
		      d->buffer_sz);
	}
}

static void check_fb_stride(const struct vdispl_dbuf_create *d, const struct vdispl_fb_attach *f)
{
	const struct vdispl_format *format = vdispl_format_lookup(f->fourcc);
	uint32_t stride = vdispl_fb_stride(d, f);

	if (stride == 0)
		return;
	CHECK(format && f->height > 0);
	CHECK(vdispl_format_row_size(format->bpp, f->width) <= stride);
	CHECK(d->data_ofs + (uint64_t)stride * (f->height - 1) +
		      vdispl_format_row_size(format->bpp, f->width) <=
	      d->buffer_sz);
}

static void check_decoded(const struct vdispl_request *r, const struct vdispl_request_ctx *ctx)
{
	switch (r->operation) {
	case XENDISPL_OP_DBUF_CREATE:
		check_dbuf_create(&r->dbuf_create, ctx);
		break;
	case XENDISPL_OP_FB_ATTACH:
		CHECK(ctx->connector_index == 0 && vdispl_format_lookup(r->fb_attach.fourcc));
		CHECK(r->fb_attach.dbuf_cookie && r->fb_attach.fb_cookie);
		break;
	case XENDISPL_OP_SET_CONFIG:
		if (!r->set_config.disable) {
			CHECK(r->set_config.fb_cookie != 0);
			CHECK(r->set_config.x < ctx->connector_width);
			CHECK(r->set_config.y < ctx->connector_height);
		}
		break;
	case XENDISPL_OP_PG_FLIP:
		CHECK(r->pg_flip.fb_cookie != 0);
		break;
	case XENDISPL_OP_GET_EDID:
		CHECK(r->get_edid.buffer_sz >= XENDISPL_EDID_MAX_SIZE);
		CHECK(r->get_edid.buffer_sz <= VDISPL_EDID_BUFFER_MAX);
		break;
	default:
		break;
	}
}

/* The page the walk asks for: input pages by reference, zeros past the end. */
static void map_page(const struct input *pages, grant_ref_t ref, uint8_t *copy)
{
	size_t count = pages->size / VDISPL_XEN_PAGE_SIZE + 1;
	size_t ofs = (ref % count) * VDISPL_XEN_PAGE_SIZE;
	size_t n = ofs < pages->size ? pages->size - ofs : 0;

	if (n > VDISPL_XEN_PAGE_SIZE)
		n = VDISPL_XEN_PAGE_SIZE;
	memset(copy, 0, VDISPL_XEN_PAGE_SIZE);
	memcpy(copy, pages->data + ofs, n);
}

static void walk(const struct input *pages, grant_ref_t first, uint32_t num_grefs, bool fill)
{
	static uint8_t copy[VDISPL_XEN_PAGE_SIZE], out[VDISPL_XEN_PAGE_SIZE];
	struct vdispl_pgdir_walk w;
	grant_ref_t *grefs;
	uint32_t maps = 0;
	int ret;

	/* One extra entry, never written, to catch a walk that overruns. */
	grefs = calloc((size_t)num_grefs + 1, sizeof(*grefs));
	CHECK(grefs);
	ret = vdispl_pgdir_walk_init(&w, first, num_grefs);
	while (ret == 0 && !vdispl_pgdir_walk_done(&w)) {
		CHECK(w.next != 0);
		CHECK(++maps <= vdispl_pgdir_pages(num_grefs));
		map_page(pages, w.next, copy);
		if (fill)
			ret = vdispl_pgdir_fill_page(&w, copy, out, grefs);
		else
			ret = vdispl_pgdir_walk_page(&w, copy, grefs);
		CHECK(ret == 0 || ret == -XEN_EINVAL);
	}
	if (ret == 0) {
		CHECK(w.grefs_done == num_grefs && w.next == 0);
		for (uint32_t i = 0; !fill && i < num_grefs; i++)
			CHECK(grefs[i] != 0);
		CHECK(vdispl_pgdir_walk_page(&w, copy, grefs) == -XEN_EINVAL);
	}
	CHECK(grefs[num_grefs] == 0);
	free(grefs);
}

/* The walker on its own, with a count and first page no request vouched for. */
static void bare_walk(const struct input *pages, const uint8_t c[CTX_SIZE])
{
	uint16_t num_grefs;

	memcpy(&num_grefs, c + 16, sizeof(num_grefs));
	walk(pages, c[18], num_grefs, c[19] & 1);
}

static void parse_values(const struct input *rest)
{
	char s[128], id[VDISPL_UNIQUE_ID_MAX + 1];
	size_t n = rest->size < sizeof(s) - 1 ? rest->size : sizeof(s) - 1;
	enum vdispl_xenbus_state state = VDISPL_XENBUS_UNKNOWN;
	uint32_t v, w, h;
	bool b;

	memcpy(s, rest->data, n);
	s[n] = '\0';
	if (n)
		state = (enum vdispl_xenbus_state)(signed char)s[0];
	(void)vdispl_xs_parse_u32(s, &v);
	if (vdispl_xs_parse_resolution(s, &w, &h) == 0)
		CHECK(w >= 1 && w <= VDISPL_MAX_DIMENSION && h >= 1 && h <= VDISPL_MAX_DIMENSION);
	(void)vdispl_xs_parse_be_alloc(s, &b);
	if (vdispl_xs_parse_unique_id(s, id) == 0)
		CHECK(strlen(id) >= 1 && strlen(id) <= VDISPL_UNIQUE_ID_MAX);
	if (vdispl_xs_parse_state(s, &state) == 0)
		CHECK(state <= VDISPL_XENBUS_RECONFIGURED);
	(void)vdispl_xenbus_state_name(state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct xendispl_req wire;
	struct vdispl_request_ctx ctx;
	struct vdispl_request r;
	uint8_t c[CTX_SIZE];
	int ret;

	take(&in, &wire, sizeof(wire));
	take(&in, c, sizeof(c));
	ctx = make_ctx(c);
	parse_values(&in);

	ret = vdispl_request_decode(&wire, &ctx, &r);
	CHECK(r.id == wire.id && r.operation == wire.operation);
	CHECK(ret == 0 || ret == -XEN_EINVAL || ret == -XEN_EOPNOTSUPP);
	CHECK((ret == -XEN_EOPNOTSUPP) == !strcmp(vdispl_op_name(wire.operation), "UNKNOWN"));
	if (ret < 0) {
		bare_walk(&in, c);
		return 0;
	}

	check_decoded(&r, &ctx);
	if (r.operation == XENDISPL_OP_DBUF_CREATE) {
		struct vdispl_fb_attach fb = make_fb(c);

		check_fb_stride(&r.dbuf_create, &fb);
		walk(&in, r.dbuf_create.gref_directory, r.dbuf_create.num_grefs,
		     r.dbuf_create.backend_alloc);
	} else if (r.operation == XENDISPL_OP_GET_EDID) {
		walk(&in, r.get_edid.gref_directory, r.get_edid.num_grefs, false);
	}
	return 0;
}
