// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/page-directory.h"
#include "tests/fake/fake-frontend.h"

static void write_at(const char *dir, const char *node, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	fake_xs_write(path, value);
}

void fake_frontend_create(struct fake_frontend *f, uint32_t domid, const char *name,
			  unsigned int num_conns, const char *resolution)
{
	char path[128], value[32];

	memset(f, 0, sizeof(*f));
	f->domid = domid;
	f->num_conns = num_conns;
	snprintf(f->fe_path, sizeof(f->fe_path), "/local/domain/%u/device/vdispl/0", domid);
	snprintf(f->be_path, sizeof(f->be_path), "/local/domain/0/backend/vdispl/%u/0", domid);
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	fake_xs_write(path, name);
	/* The frontend's nodes first: the backend looks once its directory appears. */
	for (unsigned int i = 0; i < num_conns; i++) {
		snprintf(path, sizeof(path), "%u/" XENDISPL_FIELD_RESOLUTION, i);
		write_at(f->fe_path, path, resolution);
		snprintf(path, sizeof(path), "%u/" XENDISPL_FIELD_UNIQUE_ID, i);
		snprintf(value, sizeof(value), "id%u", i);
		write_at(f->fe_path, path, value);
	}
	write_at(f->fe_path, "backend", f->be_path);
	write_at(f->fe_path, "backend-id", "0");
	write_at(f->fe_path, "state", "1");
	write_at(f->be_path, "frontend", f->fe_path);
	snprintf(value, sizeof(value), "%u", domid);
	write_at(f->be_path, "frontend-id", value);
	write_at(f->be_path, "online", "1");
	write_at(f->be_path, "state", "1");
}

void fake_frontend_write(struct fake_frontend *f, const char *node, const char *value)
{
	write_at(f->fe_path, node, value);
}

void fake_frontend_state(struct fake_frontend *f, int state)
{
	char value[8];

	snprintf(value, sizeof(value), "%d", state);
	write_at(f->fe_path, "state", value);
}

const char *fake_frontend_backend_node(const struct fake_frontend *f, const char *node)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", f->be_path, node);
	return fake_xs_read(path);
}

int fake_frontend_backend_state(const struct fake_frontend *f)
{
	const char *value = fake_frontend_backend_node(f, "state");

	return value ? atoi(value) : -1;
}

/* Connector @index's node @field holds @value. */
static void write_conn_u32(struct fake_frontend *f, unsigned int index, const char *field,
			   uint32_t value)
{
	char node[64], text[16];

	snprintf(node, sizeof(node), "%u/%s", index, field);
	snprintf(text, sizeof(text), "%u", value);
	fake_frontend_write(f, node, text);
}

void fake_frontend_connect(struct fake_frontend *f)
{
	for (unsigned int i = 0; i < f->num_conns; i++) {
		struct fake_conn *c = &f->conns[i];

		c->req_page = fake_guest_page();
		c->evt_page = fake_guest_page();
		SHARED_RING_INIT((struct xen_displif_sring *)c->req_page);
		FRONT_RING_INIT(&c->ring, (struct xen_displif_sring *)c->req_page, FAKE_PAGE_SIZE);
		c->req_ref = fake_grant(f->domid, c->req_page);
		c->evt_ref = fake_grant(f->domid, c->evt_page);
		c->req_port = fake_evtchn_alloc(f->domid);
		c->evt_port = fake_evtchn_alloc(f->domid);
		c->evt_cons = 0;
		write_conn_u32(f, i, XENDISPL_FIELD_REQ_RING_REF, c->req_ref);
		write_conn_u32(f, i, XENDISPL_FIELD_EVT_RING_REF, c->evt_ref);
		write_conn_u32(f, i, XENDISPL_FIELD_REQ_CHANNEL, c->req_port);
		write_conn_u32(f, i, XENDISPL_FIELD_EVT_CHANNEL, c->evt_port);
	}
	fake_frontend_state(f, 3); /* Initialised */
}

uint16_t fake_frontend_queue(struct fake_frontend *f, unsigned int c,
			     const struct xendispl_req *req)
{
	struct fake_conn *conn = &f->conns[c];
	struct xendispl_req copy = *req;

	copy.id = f->next_id++;
	memcpy(RING_GET_REQUEST(&conn->ring, conn->ring.req_prod_pvt), &copy, sizeof(copy));
	conn->ring.req_prod_pvt++;
	return copy.id;
}

void fake_frontend_push(struct fake_frontend *f, unsigned int c)
{
	RING_PUSH_REQUESTS(&f->conns[c].ring);
	fake_evtchn_notify(f->domid, f->conns[c].req_port);
}

int fake_frontend_status(struct fake_frontend *f, unsigned int c, uint16_t id)
{
	struct fake_conn *conn = &f->conns[c];
	int status = 1;

	while (conn->ring.rsp_cons != conn->ring.sring->rsp_prod) {
		struct xendispl_resp *r = RING_GET_RESPONSE(&conn->ring, conn->ring.rsp_cons);

		conn->ring.rsp_cons++;
		if (r->id == id) {
			status = r->status;
			break;
		}
	}
	return status;
}

unsigned int fake_frontend_drain(struct fake_frontend *f, unsigned int c)
{
	struct fake_conn *conn = &f->conns[c];
	unsigned int n = 0;

	for (; conn->ring.rsp_cons != conn->ring.sring->rsp_prod; n++)
		conn->ring.rsp_cons++;
	return n;
}

int fake_frontend_flip_event(struct fake_frontend *f, unsigned int c, uint64_t *cookie)
{
	struct fake_conn *conn = &f->conns[c];
	struct xendispl_evt *evt;

	if (conn->evt_page->in_prod == conn->evt_cons)
		return -EAGAIN;
	evt = &XENDISPL_IN_RING_REF(conn->evt_page, conn->evt_cons);
	conn->evt_cons++;
	conn->evt_page->in_cons = conn->evt_cons;
	if (evt->type != XENDISPL_EVT_PG_FLIP)
		return -EPROTO;
	*cookie = evt->op.pg_flip.fb_cookie;
	return 0;
}

vdispl_gref_t fake_frontend_buffer(struct fake_frontend *f, uint32_t pages, void **data)
{
	uint32_t dir_pages = vdispl_pgdir_pages(pages);
	grant_ref_t *grefs = calloc(pages, sizeof(*grefs));
	grant_ref_t *dir_refs = calloc(dir_pages, sizeof(*dir_refs));
	void **dirs = calloc(dir_pages, sizeof(*dirs));
	vdispl_gref_t first;

	for (uint32_t i = 0; i < pages; i++) {
		void *page = fake_guest_page();

		if (!i && data)
			*data = page;
		grefs[i] = fake_grant(f->domid, page);
	}
	for (uint32_t i = 0; i < dir_pages; i++) {
		dirs[i] = fake_guest_page();
		dir_refs[i] = fake_grant(f->domid, dirs[i]);
	}
	for (uint32_t i = 0; i < dir_pages; i++)
		vdispl_pgdir_build_page(dirs[i], i, i + 1 < dir_pages ? dir_refs[i + 1] : 0, grefs,
					pages);
	first = dir_refs[0];
	free(grefs);
	free(dir_refs);
	free(dirs);
	return first;
}
