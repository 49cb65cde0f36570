// SPDX-License-Identifier: MIT
/*
 * The stand-in Xen of fake-xen.h: common/xen.h's functions over in-memory
 * tables. Guest pages live in one memfd, so Dom0's mappings of them are
 * real shared memory, built page by page into one reserved range as
 * gntdev builds them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/fake/fake-xen.h"

#define MAX_NODES 4096
#define MAX_WATCHES 256
#define MAX_EVENTS 1024
#define MAX_PAGES 65536
#define MAX_GRANTS 65536
#define MAX_PORTS 512
#define MAX_MAPS 4096
#define FIRST_GREF 8u /* as Xen: the first references are reserved */

static unsigned int misuses;

__attribute__((format(printf, 1, 2))) static void misuse(const char *fmt, ...)
{
	va_list ap;

	misuses++;
	printf("# fake Xen: misuse: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

unsigned int fake_xen_misuses(void)
{
	return misuses;
}

/* An eventfd readable exactly while @pending. */
static void set_readable(int fd, bool pending)
{
	uint64_t v = 1;

	if (pending) {
		if (write(fd, &v, sizeof(v)) < 0)
			return;
	} else {
		if (read(fd, &v, sizeof(v)) < 0)
			return;
	}
}

/* ---- XenStore ---- */

struct node {
	char *path;
	char *value;
};

struct watch {
	struct vdispl_xs *xs;
	char *path;
	char *token;
};

struct vdispl_xs {
	int fd;
	unsigned int head, count;
	struct {
		char *path;
		char *token;
	} events[MAX_EVENTS];
};

static struct node nodes[MAX_NODES];
static unsigned int num_nodes;
static struct watch watches[MAX_WATCHES];
static struct vdispl_xs *xs_handle; /* the backend's one connection */

static struct node *find_node(const char *path)
{
	for (unsigned int i = 0; i < num_nodes; i++)
		if (!strcmp(nodes[i].path, path))
			return &nodes[i];
	return NULL;
}

/* Is @path @prefix itself or below it? */
static bool under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(path, prefix, n) && (path[n] == '\0' || path[n] == '/');
}

static void queue_event(struct vdispl_xs *xs, const char *path, const char *token)
{
	if (xs->count == MAX_EVENTS) {
		misuse("XenStore watch queue full");
		return;
	}
	xs->events[(xs->head + xs->count) % MAX_EVENTS].path = strdup(path);
	xs->events[(xs->head + xs->count) % MAX_EVENTS].token = strdup(token);
	if (!xs->count++)
		set_readable(xs->fd, true);
}

/* xenstored fires a watch for changes at or below its path. */
static void fire(const char *path)
{
	for (unsigned int i = 0; i < MAX_WATCHES; i++)
		if (watches[i].xs && under(path, watches[i].path))
			queue_event(watches[i].xs, path, watches[i].token);
}

void fake_xs_fire(const char *path)
{
	fire(path);
}

static void set_node(const char *path, const char *value)
{
	struct node *n = find_node(path);

	if (!n) {
		if (num_nodes == MAX_NODES) {
			misuse("XenStore full");
			return;
		}
		n = &nodes[num_nodes++];
		n->path = strdup(path);
		n->value = NULL;
	}
	free(n->value);
	n->value = strdup(value);
}

void fake_xs_write(const char *path, const char *value)
{
	char parent[512];

	/* Parents exist, empty, as xenstored makes them. */
	snprintf(parent, sizeof(parent), "%s", path);
	for (char *slash = strchr(parent + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (!find_node(parent))
			set_node(parent, "");
		*slash = '/';
	}
	set_node(path, value);
	fire(path);
}

void fake_xs_rm(const char *path)
{
	unsigned int i = 0;

	while (i < num_nodes) {
		if (under(nodes[i].path, path)) {
			free(nodes[i].path);
			free(nodes[i].value);
			nodes[i] = nodes[--num_nodes];
		} else {
			i++;
		}
	}
	fire(path);
	/* Watches below the removed path fire too. */
	for (i = 0; i < MAX_WATCHES; i++)
		if (watches[i].xs && under(watches[i].path, path) && strcmp(watches[i].path, path))
			queue_event(watches[i].xs, watches[i].path, watches[i].token);
}

const char *fake_xs_read(const char *path)
{
	struct node *n = find_node(path);

	return n ? n->value : NULL;
}

/* Dom0's relative paths are under its home. */
static const char *absolute(const char *path, char *buf, size_t size)
{
	if (path[0] == '/' || path[0] == '@')
		return path;
	snprintf(buf, size, "/local/domain/0/%s", path);
	return buf;
}

int vdispl_xs_open(struct vdispl_xs **out)
{
	struct vdispl_xs *xs = calloc(1, sizeof(*xs));

	if (!xs)
		return -ENOMEM;
	xs->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	xs_handle = xs;
	*out = xs;
	return 0;
}

void vdispl_xs_close(struct vdispl_xs *xs)
{
	if (!xs)
		return;
	for (unsigned int i = 0; i < MAX_WATCHES; i++) {
		if (watches[i].xs == xs) {
			free(watches[i].path);
			free(watches[i].token);
			watches[i].xs = NULL;
		}
	}
	for (; xs->count; xs->count--, xs->head = (xs->head + 1) % MAX_EVENTS) {
		free(xs->events[xs->head].path);
		free(xs->events[xs->head].token);
	}
	close(xs->fd);
	if (xs_handle == xs)
		xs_handle = NULL;
	free(xs);
}

int vdispl_xs_fd(struct vdispl_xs *xs)
{
	return xs->fd;
}

int vdispl_xs_read(struct vdispl_xs *xs, const char *path, char **value)
{
	char buf[512];
	struct node *n = find_node(absolute(path, buf, sizeof(buf)));

	if (!n)
		return -ENOENT;
	*value = strdup(n->value);
	return *value ? 0 : -ENOMEM;
}

int vdispl_xs_write(struct vdispl_xs *xs, const char *path, const char *value)
{
	char buf[512];

	fake_xs_write(absolute(path, buf, sizeof(buf)), value);
	return 0;
}

int vdispl_xs_directory(struct vdispl_xs *xs, const char *path, char ***children,
			unsigned int *count)
{
	char buf[512];
	const char *dir = absolute(path, buf, sizeof(buf));
	size_t len = strlen(dir), names = 0, bytes = 0;
	const char *found[MAX_NODES];
	size_t found_len[MAX_NODES];
	char **list, *text;

	if (!find_node(dir))
		return -ENOENT;
	for (unsigned int i = 0; i < num_nodes; i++) {
		const char *p = nodes[i].path;

		if (strncmp(p, dir, len) || p[len] != '/' || strchr(p + len + 1, '/'))
			continue;
		found[names] = p + len + 1;
		found_len[names] = strlen(p + len + 1);
		bytes += found_len[names] + 1;
		names++;
	}
	/* One block, as libxenstore returns it: the pointers, then the names. */
	list = malloc(names * sizeof(char *) + bytes + 1);
	if (!list)
		return -ENOMEM;
	text = (char *)(list + names);
	for (size_t i = 0; i < names; i++) {
		list[i] = text;
		memcpy(text, found[i], found_len[i] + 1);
		text += found_len[i] + 1;
	}
	*children = list;
	*count = (unsigned int)names;
	return 0;
}

int vdispl_xs_watch(struct vdispl_xs *xs, const char *path, const char *token)
{
	char buf[512];

	path = absolute(path, buf, sizeof(buf));
	for (unsigned int i = 0; i < MAX_WATCHES; i++) {
		if (!watches[i].xs) {
			watches[i].xs = xs;
			watches[i].path = strdup(path);
			watches[i].token = strdup(token);
			/* A new watch fires once at once. */
			queue_event(xs, path, token);
			return 0;
		}
	}
	return -ENOSPC;
}

int vdispl_xs_unwatch(struct vdispl_xs *xs, const char *path, const char *token)
{
	char buf[512];

	path = absolute(path, buf, sizeof(buf));
	for (unsigned int i = 0; i < MAX_WATCHES; i++) {
		if (watches[i].xs == xs && !strcmp(watches[i].path, path) &&
		    !strcmp(watches[i].token, token)) {
			free(watches[i].path);
			free(watches[i].token);
			watches[i].xs = NULL;
			return 0;
		}
	}
	misuse("unwatch of %s (%s), which is not watched", path, token);
	return -ENOENT;
}

int vdispl_xs_next_watch(struct vdispl_xs *xs, char **block, const char **path,
			 const char **token)
{
	size_t plen, tlen;
	char **vec;

	if (!xs->count)
		return 0;
	plen = strlen(xs->events[xs->head].path) + 1;
	tlen = strlen(xs->events[xs->head].token) + 1;
	/* As xs_check_watch: a vector and its strings in one free()able block. */
	vec = malloc(2 * sizeof(char *) + plen + tlen);
	if (!vec)
		return -ENOMEM;
	vec[0] = (char *)(vec + 2);
	vec[1] = vec[0] + plen;
	memcpy(vec[0], xs->events[xs->head].path, plen);
	memcpy(vec[1], xs->events[xs->head].token, tlen);
	free(xs->events[xs->head].path);
	free(xs->events[xs->head].token);
	xs->head = (xs->head + 1) % MAX_EVENTS;
	if (!--xs->count)
		set_readable(xs->fd, false);
	*block = (char *)vec;
	*path = vec[0];
	*token = vec[1];
	return 1;
}

/* ---- event channels ---- */

struct port {
	bool used;
	uint32_t domid;
	uint32_t remote;     /* the guest's port */
	int local;	     /* Dom0's, -1 while unbound */
	unsigned int notified;
};

struct vdispl_evtchn {
	int fd;
	unsigned int count;
	int pending[MAX_PORTS];
};

static struct port ports[MAX_PORTS];
static struct vdispl_evtchn *evtchn_handle;
static void (*on_notify)(void *data, uint32_t domid, uint32_t port);
static void *on_notify_data;

static struct port *guest_port(uint32_t domid, uint32_t port)
{
	for (unsigned int i = 0; i < MAX_PORTS; i++)
		if (ports[i].used && ports[i].domid == domid && ports[i].remote == port)
			return &ports[i];
	return NULL;
}

static struct port *local_port(int local)
{
	for (unsigned int i = 0; i < MAX_PORTS; i++)
		if (ports[i].used && ports[i].local == local)
			return &ports[i];
	return NULL;
}

uint32_t fake_evtchn_alloc(uint32_t domid)
{
	static uint32_t next_remote = 10;

	for (unsigned int i = 0; i < MAX_PORTS; i++) {
		if (!ports[i].used) {
			ports[i] = (struct port){ .used = true, .domid = domid,
						  .remote = next_remote++, .local = -1 };
			return ports[i].remote;
		}
	}
	misuse("out of guest ports");
	return 0;
}

void fake_evtchn_notify(uint32_t domid, uint32_t port)
{
	struct port *p = guest_port(domid, port);
	struct vdispl_evtchn *e = evtchn_handle;

	if (!p || p->local < 0 || !e)
		return; /* nobody listens: Xen drops it */
	for (unsigned int i = 0; i < e->count; i++)
		if (e->pending[i] == p->local)
			return; /* pending already: one delivery */
	if (e->count == MAX_PORTS)
		return;
	e->pending[e->count++] = p->local;
	if (e->count == 1)
		set_readable(e->fd, true);
}

unsigned int fake_evtchn_notified(uint32_t domid, uint32_t port)
{
	struct port *p = guest_port(domid, port);

	return p ? p->notified : 0;
}

bool fake_evtchn_bound(uint32_t domid, uint32_t port)
{
	struct port *p = guest_port(domid, port);

	return p && p->local >= 0;
}

void fake_evtchn_on_notify(void (*fn)(void *data, uint32_t domid, uint32_t port), void *data)
{
	on_notify = fn;
	on_notify_data = data;
}

int vdispl_evtchn_open(struct vdispl_evtchn **out)
{
	struct vdispl_evtchn *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	evtchn_handle = e;
	*out = e;
	return 0;
}

void vdispl_evtchn_close(struct vdispl_evtchn *e)
{
	if (!e)
		return;
	for (unsigned int i = 0; i < MAX_PORTS; i++) {
		if (ports[i].used && ports[i].local >= 0) {
			misuse("event channels closed with dom%u port %u still bound",
			       ports[i].domid, ports[i].remote);
			ports[i].local = -1;
		}
	}
	close(e->fd);
	if (evtchn_handle == e)
		evtchn_handle = NULL;
	free(e);
}

int vdispl_evtchn_fd(struct vdispl_evtchn *e)
{
	return e->fd;
}

int vdispl_evtchn_bind(struct vdispl_evtchn *e, uint32_t domid, uint32_t remote_port)
{
	static int next_local = 100;
	struct port *p = guest_port(domid, remote_port);

	/* A guest may name any port: Xen refuses what it did not allocate for us. */
	if (!p || p->local >= 0)
		return -EINVAL;
	p->local = next_local++;
	return p->local;
}

static void drop_pending(struct vdispl_evtchn *e, int local)
{
	for (unsigned int i = 0; i < e->count; i++) {
		if (e->pending[i] == local) {
			memmove(&e->pending[i], &e->pending[i + 1],
				(e->count - i - 1) * sizeof(e->pending[0]));
			if (!--e->count)
				set_readable(e->fd, false);
			return;
		}
	}
}

int vdispl_evtchn_unbind(struct vdispl_evtchn *e, uint32_t local)
{
	struct port *p = local_port((int)local);

	if (!p) {
		misuse("unbind of port %u, which is not bound", local);
		return -EINVAL;
	}
	drop_pending(e, p->local);
	p->local = -1;
	return 0;
}

int vdispl_evtchn_notify(struct vdispl_evtchn *e, uint32_t local)
{
	struct port *p = local_port((int)local);

	if (!p) {
		misuse("notify on port %u, which is not bound", local);
		return -EINVAL;
	}
	p->notified++;
	if (on_notify)
		on_notify(on_notify_data, p->domid, p->remote);
	return 0;
}

int vdispl_evtchn_next_pending(struct vdispl_evtchn *e)
{
	int local;

	if (!e->count)
		return -EAGAIN;
	local = e->pending[0];
	drop_pending(e, local);
	return local;
}

/* ---- grants ---- */

struct grant {
	bool used;
	bool dom0_shares; /* gntshr: Dom0's page granted to a guest */
	uint32_t domid;	  /* the guest granting, or (gntshr) granted to */
	uint32_t page;	  /* in the memfd */
};

struct map {
	bool used;
	void *gnttab_or_gntshr;
	void *addr;
	uint32_t count;
};

struct vdispl_gnttab {
	uint64_t mapped;
};

struct vdispl_gntshr {
	uint64_t shared;
};

static int memfd = -1;
static uint32_t num_pages;
static void *guest_views[MAX_PAGES];
static struct grant grants[MAX_GRANTS];
static struct map maps[MAX_MAPS];
static uint64_t mapped_total, shared_total, unmap_failures;

static int grow(void)
{
	if (num_pages == MAX_PAGES)
		return -ENOMEM;
	if (memfd < 0)
		memfd = memfd_create("fake-xen-pages", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)(num_pages + 1) * FAKE_PAGE_SIZE) < 0)
		return -errno;
	return (int)num_pages++;
}

static void *map_page(uint32_t page, void *at, int prot)
{
	void *p = mmap(at, FAKE_PAGE_SIZE, prot, MAP_SHARED | (at ? MAP_FIXED : 0), memfd,
		       (off_t)page * FAKE_PAGE_SIZE);

	return p == MAP_FAILED ? NULL : p;
}

void *fake_guest_page(void)
{
	int page = grow();

	if (page < 0)
		return NULL;
	guest_views[page] = map_page((uint32_t)page, NULL, PROT_READ | PROT_WRITE);
	return guest_views[page];
}

static vdispl_gref_t add_grant(uint32_t domid, uint32_t page, bool dom0_shares)
{
	for (uint32_t i = 0; i < MAX_GRANTS; i++) {
		if (!grants[i].used) {
			grants[i] = (struct grant){ .used = true, .dom0_shares = dom0_shares,
						    .domid = domid, .page = page };
			return i + FIRST_GREF;
		}
	}
	misuse("grant table full");
	return 0;
}

vdispl_gref_t fake_grant(uint32_t domid, void *page)
{
	for (uint32_t i = 0; i < num_pages; i++)
		if (guest_views[i] == page)
			return add_grant(domid, i, false);
	misuse("fake_grant of a page that is not a guest page");
	return 0;
}

void fake_revoke_all(uint32_t domid)
{
	for (uint32_t i = 0; i < MAX_GRANTS; i++)
		if (grants[i].used && !grants[i].dom0_shares && grants[i].domid == domid)
			grants[i].used = false;
}

uint64_t fake_pages_mapped(void)
{
	return mapped_total;
}

void *fake_guest_map_shared(uint32_t domid, vdispl_gref_t gref)
{
	struct grant *g = gref >= FIRST_GREF && gref - FIRST_GREF < MAX_GRANTS
				  ? &grants[gref - FIRST_GREF]
				  : NULL;

	if (!g || !g->used || !g->dom0_shares || g->domid != domid)
		return NULL;
	return map_page(g->page, NULL, PROT_READ | PROT_WRITE);
}

/* Reserve @count pages of address space and put @pages there, in order. */
static void *map_range(const uint32_t *pages, uint32_t count, int prot)
{
	void *base = mmap(NULL, (size_t)count * FAKE_PAGE_SIZE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED)
		return NULL;
	for (uint32_t i = 0; i < count; i++) {
		if (!map_page(pages[i], (char *)base + (size_t)i * FAKE_PAGE_SIZE, prot)) {
			munmap(base, (size_t)count * FAKE_PAGE_SIZE);
			return NULL;
		}
	}
	return base;
}

static int add_map(void *owner, void *addr, uint32_t count)
{
	for (unsigned int i = 0; i < MAX_MAPS; i++) {
		if (!maps[i].used) {
			maps[i] = (struct map){ .used = true, .gnttab_or_gntshr = owner,
						.addr = addr, .count = count };
			return 0;
		}
	}
	misuse("more than %d mappings", MAX_MAPS);
	return -ENOMEM;
}

/* Forget the mapping of @owner at @addr of @count pages; false if there is none. */
static bool remove_map(void *owner, void *addr, uint32_t count)
{
	for (unsigned int i = 0; i < MAX_MAPS; i++) {
		if (maps[i].used && maps[i].gnttab_or_gntshr == owner && maps[i].addr == addr &&
		    maps[i].count == count) {
			maps[i].used = false;
			munmap(addr, (size_t)count * FAKE_PAGE_SIZE);
			return true;
		}
	}
	return false;
}

static unsigned int live_maps(void *owner)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_MAPS; i++)
		n += maps[i].used && maps[i].gnttab_or_gntshr == owner;
	return n;
}

int vdispl_gnttab_open(const char *tag, struct vdispl_gnttab **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void vdispl_gnttab_close(struct vdispl_gnttab *gnttab)
{
	unsigned int live;

	if (!gnttab)
		return;
	live = live_maps(gnttab);
	if (live)
		misuse("grant handle closed with %u mappings (%llu pages) live", live,
		       (unsigned long long)gnttab->mapped);
	for (unsigned int i = 0; i < MAX_MAPS; i++)
		if (maps[i].used && maps[i].gnttab_or_gntshr == gnttab)
			remove_map(gnttab, maps[i].addr, maps[i].count);
	mapped_total -= gnttab->mapped;
	free(gnttab);
}

int vdispl_gnttab_map(struct vdispl_gnttab *gnttab, uint32_t domid, uint32_t count,
		      const vdispl_gref_t *refs, bool writable, void **addr)
{
	uint32_t *pages;
	void *p;

	if (!count)
		return -EINVAL;
	pages = calloc(count, sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		vdispl_gref_t r = refs[i];
		struct grant *g = r >= FIRST_GREF && r - FIRST_GREF < MAX_GRANTS
					  ? &grants[r - FIRST_GREF]
					  : NULL;

		/* What a guest did not grant us, Xen does not map: not our misuse. */
		if (!g || !g->used || g->dom0_shares || g->domid != domid) {
			free(pages);
			return -EINVAL;
		}
		pages[i] = g->page;
	}
	p = map_range(pages, count, writable ? PROT_READ | PROT_WRITE : PROT_READ);
	free(pages);
	if (!p)
		return -ENOMEM;
	if (add_map(gnttab, p, count)) {
		munmap(p, (size_t)count * FAKE_PAGE_SIZE);
		return -ENOMEM;
	}
	gnttab->mapped += count;
	mapped_total += count;
	*addr = p;
	return 0;
}

int vdispl_gnttab_unmap(struct vdispl_gnttab *gnttab, void *addr, uint32_t count)
{
	if (!remove_map(gnttab, addr, count)) {
		misuse("unmap of %u pages at %p, which are not mapped", count, addr);
		unmap_failures++;
		return -EINVAL;
	}
	gnttab->mapped -= count;
	mapped_total -= count;
	return 0;
}

int vdispl_gnttab_dmabuf_export(struct vdispl_gnttab *gnttab, uint32_t domid, uint32_t count,
				const vdispl_gref_t *refs, int *fd)
{
	return -EOPNOTSUPP;
}

uint64_t vdispl_gnttab_mapped(const struct vdispl_gnttab *gnttab)
{
	return gnttab->mapped;
}

uint64_t vdispl_gnttab_mapped_total(void)
{
	return mapped_total;
}

uint64_t vdispl_xen_unmap_failures(void)
{
	return unmap_failures;
}

int vdispl_gntshr_open(const char *tag, struct vdispl_gntshr **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void vdispl_gntshr_close(struct vdispl_gntshr *gntshr)
{
	unsigned int live;

	if (!gntshr)
		return;
	live = live_maps(gntshr);
	if (live)
		misuse("share handle closed with %u shares live", live);
	free(gntshr);
}

int vdispl_gntshr_share(struct vdispl_gntshr *gntshr, uint32_t domid, uint32_t count,
			bool writable, vdispl_gref_t *refs, void **addr)
{
	uint32_t *pages = calloc(count ? count : 1, sizeof(*pages));
	void *p;

	if (!pages || !count) {
		free(pages);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < count; i++) {
		int page = grow();

		if (page < 0) {
			free(pages);
			return page;
		}
		pages[i] = (uint32_t)page;
		refs[i] = add_grant(domid, (uint32_t)page, true);
	}
	p = map_range(pages, count, PROT_READ | PROT_WRITE);
	free(pages);
	if (!p)
		return -ENOMEM;
	if (add_map(gntshr, p, count)) {
		munmap(p, (size_t)count * FAKE_PAGE_SIZE);
		return -ENOMEM;
	}
	gntshr->shared += count;
	shared_total += count;
	*addr = p;
	return 0;
}

int vdispl_gntshr_unshare(struct vdispl_gntshr *gntshr, void *addr, uint32_t count)
{
	if (!remove_map(gntshr, addr, count)) {
		misuse("unshare of %u pages at %p, which are not shared", count, addr);
		unmap_failures++;
		return -EINVAL;
	}
	gntshr->shared -= count;
	shared_total -= count;
	return 0;
}

uint64_t vdispl_gntshr_shared_total(void)
{
	return shared_total;
}

/* ---- reset ---- */

void fake_xen_reset(void)
{
	for (unsigned int i = 0; i < num_nodes; i++) {
		free(nodes[i].path);
		free(nodes[i].value);
	}
	num_nodes = 0;
	memset(ports, 0, sizeof(ports));
	for (uint32_t i = 0; i < num_pages; i++)
		if (guest_views[i])
			munmap(guest_views[i], FAKE_PAGE_SIZE);
	memset(guest_views, 0, sizeof(guest_views));
	memset(grants, 0, sizeof(grants));
	num_pages = 0;
	if (memfd >= 0)
		close(memfd);
	memfd = -1;
	misuses = 0;
	on_notify = NULL;
	set_node("/local/domain/0/domid", "0");
}
