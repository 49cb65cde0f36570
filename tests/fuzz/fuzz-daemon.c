// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the whole backend over the stand-in Xen
 * (tests/fake/): the input is what a hostile guest controls, as a list of
 * steps: raw request slots on either ring, its own XenStore nodes, its
 * state, the contents of its granted pages (directories among them), event
 * channel notifications, and the toolstack tearing the domain down.
 *
 * Oracles besides the sanitizers: after every input the backend is torn
 * down, and then no grant page may be left mapped and the fake must have
 * seen no misuse of Xen (a double unmap, a notify on an unbound port, a
 * handle closed with live maps).
 *
 * Before the steps, the guest has connected a device with two 64x64
 * connectors, and shared a 4-page buffer with its directory. References
 * are handed out from 8 in order: connector 0's ring 8 and event page 9,
 * connector 1's 10 and 11, the buffer's pages 12-15, its directory 16,
 * then the 8 spare pages 17-24 (steps may write into all of these).
 *
 * Steps (one octet, then its operands):
 *   0x0N  a request: the next 64 octets go into a slot of ring N & 1, pushed
 *   0x1N  write node N % 8 of the frontend (below): a length octet, then text
 *   0x2N  the frontend's state N % 8
 *   0x30  run the backend's loop until it is idle
 *   0x4N  write into page N % 9: the buffer's first page (0), or spare
 *         page N - 1 (reference 17 + N - 1), which can serve as a directory:
 *         an offset octet (x 16), a length octet, then the octets
 *   0x50  the toolstack destroys the domain (@releaseDomain)
 *   0x60  the toolstack removes the backend's directory
 *   other notify ring 0's channel
 *
 * Build and run with tools/fuzz (clang, ASan+UBSan).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/config.h"
#include "common/log.h"
#include "tests/fake/fake-frontend.h"
#include "tests/fake/fake-xen.h"
#include "tests/fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPARE_PAGES 8

static const char *const nodes[8] = {
	"0/" XENDISPL_FIELD_RESOLUTION,	 "0/" XENDISPL_FIELD_UNIQUE_ID,
	"0/" XENDISPL_FIELD_REQ_RING_REF, "0/" XENDISPL_FIELD_REQ_CHANNEL,
	"1/" XENDISPL_FIELD_RESOLUTION,	 XENDISPL_FIELD_BE_ALLOC,
	"1/" XENDISPL_FIELD_EVT_RING_REF, "2/" XENDISPL_FIELD_RESOLUTION,
};

static void settle(struct vdispl_backend *b)
{
	for (int i = 0; i < 64 && vdispl_loop_dispatch(b->loop, 0) > 0; i++)
		;
}

static void drop_log(enum vdispl_log_level level, const char *line)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vdispl_config config;
	static bool configured;
	struct vdispl_backend *b = NULL;
	struct fake_frontend f;
	uint8_t *pages[1 + SPARE_PAGES]; /* the buffer's first page, then the spares */
	size_t pos = 0;

	if (!configured) {
		char error[128];

		vdispl_log_set_sink(drop_log);
		vdispl_config_init(&config);
		/* Small caps: the fuzzer reaches them, and the headless output stays small. */
		CHECK(!vdispl_config_parse_string(&config,
						  "[backend]\noutput = headless\nimport = copy\n"
						  "max-buffers = 8\nmax-framebuffers = 8\n"
						  "max-pages = 64\nmax-width = 256\nmax-height = 256\n"
						  "[guest1/*]\nbe-alloc = yes\n",
						  error, sizeof(error)));
		configured = true;
	}
	fake_xen_reset();
	CHECK(vdispl_backend_create(&config, &b) == 0);
	fake_frontend_create(&f, 1, "guest1", 2, "64x64");
	settle(b);
	fake_frontend_connect(&f);
	settle(b);
	{
		void *first;
		vdispl_gref_t dir = fake_frontend_buffer(&f, 4, &first);

		CHECK(dir == 16);
		pages[0] = first;
		for (int i = 0; i < SPARE_PAGES; i++) {
			pages[1 + i] = fake_guest_page();
			CHECK(fake_grant(1, pages[1 + i]) == 17u + (unsigned int)i);
		}
	}

	while (pos < size) {
		uint8_t step = data[pos++];

		switch (step >> 4) {
		case 0x0: {
			struct xendispl_req req;
			size_t n = size - pos < sizeof(req) ? size - pos : sizeof(req);
			unsigned int c = step & 1;

			memset(&req, 0, sizeof(req));
			memcpy(&req, data + pos, n);
			pos += n;
			if (RING_FULL(&f.conns[c].ring))
				fake_frontend_drain(&f, c);
			if (!RING_FULL(&f.conns[c].ring)) {
				fake_frontend_queue(&f, c, &req);
				fake_frontend_push(&f, c);
			}
			break;
		}
		case 0x1: {
			char value[256];
			size_t len = pos < size ? data[pos++] : 0;

			if (len > size - pos)
				len = size - pos;
			memcpy(value, data + pos, len);
			value[len] = '\0';
			pos += len;
			fake_frontend_write(&f, nodes[step & 7], value);
			break;
		}
		case 0x2:
			fake_frontend_state(&f, step & 7);
			break;
		case 0x3:
			settle(b);
			break;
		case 0x4: {
			uint8_t *page = pages[(step & 15) % (1 + SPARE_PAGES)];
			size_t off = pos < size ? (size_t)data[pos++] * 16 : 0;
			size_t len = pos < size ? data[pos++] : 0;

			if (len > size - pos)
				len = size - pos;
			if (page && off + len <= FAKE_PAGE_SIZE)
				memcpy(page + off, data + pos, len);
			pos += len;
			break;
		}
		case 0x5:
			fake_xs_rm("/local/domain/1");
			fake_revoke_all(1);
			fake_xs_fire("@releaseDomain");
			break;
		case 0x6:
			fake_xs_rm(f.be_path);
			break;
		default:
			fake_evtchn_notify(1, f.conns[0].req_port);
			break;
		}
		/* The backend runs between the guest's steps, as it would. */
		vdispl_loop_dispatch(b->loop, 0);
	}
	settle(b);
	vdispl_backend_destroy(b);
	CHECK(fake_pages_mapped() == 0);
	CHECK(fake_xen_misuses() == 0);
	return 0;
}
