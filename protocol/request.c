// SPDX-License-Identifier: MIT
#include "protocol/compat.h"

#include "protocol/format.h"
#include "protocol/page-directory.h"
#include "protocol/request.h"

static bool on_control_ring(const struct vdispl_request_ctx *ctx)
{
	return ctx->connector_index == 0;
}

static bool is_dimension(uint32_t v)
{
	return v >= 1 && v <= VDISPL_MAX_DIMENSION;
}

/* Any bpp a frontend format has: the protocol sends bpp, not a fourcc, here. */
static bool is_format_bpp(uint32_t bpp)
{
	const struct vdispl_format *formats;
	size_t count;

	formats = vdispl_formats(&count);
	for (size_t i = 0; i < count; i++) {
		if (formats[i].bpp == bpp)
			return true;
	}
	return false;
}

static uint32_t pages_for(uint32_t size)
{
	return size / VDISPL_XEN_PAGE_SIZE + (size % VDISPL_XEN_PAGE_SIZE != 0);
}

/* A dumb buffer's geometry must fit its size; a PRIME import has none. */
static int check_dbuf_geometry(const struct vdispl_dbuf_create *d)
{
	uint64_t end;

	if (d->width == 0 && d->height == 0 && d->bpp == 0)
		return 0;
	if (!is_dimension(d->width) || !is_dimension(d->height) || !is_format_bpp(d->bpp))
		return -XEN_EINVAL;

	/* Bounded above by 2^32 + 16384 * 4 * 16384: no 64-bit wrap. */
	end = d->data_ofs + vdispl_format_row_size(d->bpp, d->width) * d->height;
	if (end > d->buffer_sz)
		return -XEN_EINVAL;
	return 0;
}

static int decode_dbuf_create(const struct xendispl_dbuf_create_req *req,
			      const struct vdispl_request_ctx *ctx, struct vdispl_dbuf_create *d)
{
	*d = (struct vdispl_dbuf_create){
		.dbuf_cookie = req->dbuf_cookie,
		.width = req->width,
		.height = req->height,
		.bpp = req->bpp,
		.buffer_sz = req->buffer_sz,
		.data_ofs = req->data_ofs,
		.gref_directory = req->gref_directory,
		/*
		 * The mainline frontend reuses ring slots without clearing
		 * them, so bit 0 can be left over from an earlier request's
		 * field at the same offset; only be-alloc makes it mean
		 * something. The other flag bits are ignored for the same
		 * reason.
		 */
		.backend_alloc = ctx->be_alloc && (req->flags & XENDISPL_DBUF_FLG_REQ_ALLOC),
	};

	if (!on_control_ring(ctx) || d->dbuf_cookie == 0 || d->gref_directory == 0)
		return -XEN_EINVAL;
	if (d->buffer_sz == 0 || d->buffer_sz > ctx->max_buffer_size)
		return -XEN_EINVAL;
	if (d->data_ofs >= d->buffer_sz)
		return -XEN_EINVAL;
	if (check_dbuf_geometry(d) < 0)
		return -XEN_EINVAL;

	d->num_grefs = pages_for(d->buffer_sz);
	d->num_dir_pages = vdispl_pgdir_pages(d->num_grefs);
	return 0;
}

static int decode_dbuf_destroy(const struct xendispl_dbuf_destroy_req *req,
			       const struct vdispl_request_ctx *ctx, struct vdispl_dbuf_destroy *d)
{
	d->dbuf_cookie = req->dbuf_cookie;
	if (!on_control_ring(ctx) || d->dbuf_cookie == 0)
		return -XEN_EINVAL;
	return 0;
}

static int decode_fb_attach(const struct xendispl_fb_attach_req *req,
			    const struct vdispl_request_ctx *ctx, struct vdispl_fb_attach *f)
{
	*f = (struct vdispl_fb_attach){
		.dbuf_cookie = req->dbuf_cookie,
		.fb_cookie = req->fb_cookie,
		.width = req->width,
		.height = req->height,
		.fourcc = req->pixel_format,
	};

	if (!on_control_ring(ctx) || f->dbuf_cookie == 0 || f->fb_cookie == 0)
		return -XEN_EINVAL;
	if (!is_dimension(f->width) || !is_dimension(f->height))
		return -XEN_EINVAL;
	if (!vdispl_format_lookup(f->fourcc))
		return -XEN_EINVAL;
	return 0;
}

static int decode_fb_detach(const struct xendispl_fb_detach_req *req,
			    const struct vdispl_request_ctx *ctx, struct vdispl_fb_detach *f)
{
	f->fb_cookie = req->fb_cookie;
	if (!on_control_ring(ctx) || f->fb_cookie == 0)
		return -XEN_EINVAL;
	return 0;
}

static bool set_config_is_disable(const struct xendispl_set_config_req *req)
{
	return req->fb_cookie == 0 && req->x == 0 && req->y == 0 && req->width == 0 &&
	       req->height == 0 && req->bpp == 0;
}

static int decode_set_config(const struct xendispl_set_config_req *req,
			     const struct vdispl_request_ctx *ctx, struct vdispl_set_config *s)
{
	*s = (struct vdispl_set_config){
		.disable = set_config_is_disable(req),
		.fb_cookie = req->fb_cookie,
		.x = req->x,
		.y = req->y,
		.width = req->width,
		.height = req->height,
		.bpp = req->bpp,
	};
	if (s->disable)
		return 0;

	if (s->fb_cookie == 0 || !is_dimension(s->width) || !is_dimension(s->height))
		return -XEN_EINVAL;
	if (!is_format_bpp(s->bpp))
		return -XEN_EINVAL;
	/* The rectangle may hang over the connector's edge, not start past it. */
	if (s->x >= ctx->connector_width || s->y >= ctx->connector_height)
		return -XEN_EINVAL;
	return 0;
}

static int decode_pg_flip(const struct xendispl_page_flip_req *req, struct vdispl_pg_flip *p)
{
	p->fb_cookie = req->fb_cookie;
	if (p->fb_cookie == 0)
		return -XEN_EINVAL;
	return 0;
}

static int decode_get_edid(const struct xendispl_get_edid_req *req, struct vdispl_get_edid *e)
{
	*e = (struct vdispl_get_edid){
		.buffer_sz = req->buffer_sz,
		.gref_directory = req->gref_directory,
	};

	if (e->gref_directory == 0)
		return -XEN_EINVAL;
	if (e->buffer_sz < XENDISPL_EDID_MAX_SIZE || e->buffer_sz > VDISPL_EDID_BUFFER_MAX)
		return -XEN_EINVAL;

	e->num_grefs = pages_for(e->buffer_sz);
	e->num_dir_pages = vdispl_pgdir_pages(e->num_grefs);
	return 0;
}

int vdispl_request_decode(const struct xendispl_req *wire, const struct vdispl_request_ctx *ctx,
			  struct vdispl_request *out)
{
	memset(out, 0, sizeof(*out));
	out->id = wire->id;
	out->operation = wire->operation;

	switch (wire->operation) {
	case XENDISPL_OP_DBUF_CREATE:
		return decode_dbuf_create(&wire->op.dbuf_create, ctx, &out->dbuf_create);
	case XENDISPL_OP_DBUF_DESTROY:
		return decode_dbuf_destroy(&wire->op.dbuf_destroy, ctx, &out->dbuf_destroy);
	case XENDISPL_OP_FB_ATTACH:
		return decode_fb_attach(&wire->op.fb_attach, ctx, &out->fb_attach);
	case XENDISPL_OP_FB_DETACH:
		return decode_fb_detach(&wire->op.fb_detach, ctx, &out->fb_detach);
	case XENDISPL_OP_SET_CONFIG:
		return decode_set_config(&wire->op.set_config, ctx, &out->set_config);
	case XENDISPL_OP_PG_FLIP:
		return decode_pg_flip(&wire->op.pg_flip, &out->pg_flip);
	case XENDISPL_OP_GET_EDID:
		return decode_get_edid(&wire->op.get_edid, &out->get_edid);
	default:
		return -XEN_EOPNOTSUPP;
	}
}

const char *vdispl_op_name(uint8_t operation)
{
	switch (operation) {
	case XENDISPL_OP_DBUF_CREATE:
		return "DBUF_CREATE";
	case XENDISPL_OP_DBUF_DESTROY:
		return "DBUF_DESTROY";
	case XENDISPL_OP_FB_ATTACH:
		return "FB_ATTACH";
	case XENDISPL_OP_FB_DETACH:
		return "FB_DETACH";
	case XENDISPL_OP_SET_CONFIG:
		return "SET_CONFIG";
	case XENDISPL_OP_PG_FLIP:
		return "PG_FLIP";
	case XENDISPL_OP_GET_EDID:
		return "GET_EDID";
	default:
		return "UNKNOWN";
	}
}

uint32_t vdispl_fb_stride(const struct vdispl_dbuf_create *dbuf, const struct vdispl_fb_attach *fb)
{
	const struct vdispl_format *format = vdispl_format_lookup(fb->fourcc);
	uint64_t row, stride, end;

	if (!format || fb->width == 0 || fb->height == 0)
		return 0;

	row = vdispl_format_row_size(format->bpp, fb->width);
	if (dbuf->width != 0 && dbuf->bpp != 0)
		stride = vdispl_format_row_size(dbuf->bpp, dbuf->width);
	else
		stride = row;
	if (row > stride || stride > UINT32_MAX)
		return 0;

	/*
	 * With stride and height below 2^32 the sum stays below 2^64 even
	 * for structs that never went through the decoder.
	 */
	end = dbuf->data_ofs + stride * (fb->height - 1) + row;
	if (end > dbuf->buffer_sz)
		return 0;
	return (uint32_t)stride;
}
