/* SPDX-License-Identifier: MIT */
/*
 * Flip latency statistics of the guest test client, in microseconds of
 * CLOCK_MONOTONIC.
 */
#ifndef VDISPL_CLIENT_STATS_H
#define VDISPL_CLIENT_STATS_H

#include <stdint.h>

struct client_stats {
	uint64_t count;
	uint64_t sum_us;
	uint64_t min_us; /* UINT64_MAX while count is 0 */
	uint64_t max_us;
};

void client_stats_init(struct client_stats *stats);
void client_stats_add(struct client_stats *stats, uint64_t latency_us);

/* min, average (rounded down) and max; all 0 while no sample was added. */
uint64_t client_stats_min(const struct client_stats *stats);
uint64_t client_stats_avg(const struct client_stats *stats);
uint64_t client_stats_max(const struct client_stats *stats);

/* CLOCK_MONOTONIC in microseconds (never fails on Linux). */
uint64_t client_now_us(void);

#endif
