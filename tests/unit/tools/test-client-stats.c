// SPDX-License-Identifier: MIT
/* The guest client's latency statistics (tools/client/stats.c). */
#include <stdint.h>

#include "tools/client/stats.h"
#include "tests/unit/tap.h"

int main(void)
{
	struct client_stats s;
	uint64_t t0, t1;

	client_stats_init(&s);
	TAP_EQ_INT(client_stats_min(&s), 0, "no samples: min 0");
	TAP_EQ_INT(client_stats_avg(&s), 0, "no samples: avg 0");
	TAP_EQ_INT(client_stats_max(&s), 0, "no samples: max 0");

	client_stats_add(&s, 3100000);
	client_stats_add(&s, 700);
	client_stats_add(&s, 1201);
	TAP_EQ_INT(s.count, 3, "three samples");
	TAP_EQ_INT(client_stats_min(&s), 700, "min");
	TAP_EQ_INT(client_stats_avg(&s), (3100000 + 700 + 1201) / 3, "avg rounds down");
	TAP_EQ_INT(client_stats_max(&s), 3100000, "max keeps a fallback-sized latency");

	t0 = client_now_us();
	t1 = client_now_us();
	TAP_CHECK(t0 > 0 && t1 >= t0, "monotonic clock in us");
	return tap_done();
}
