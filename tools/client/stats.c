// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <time.h>

#include "tools/client/stats.h"

void client_stats_init(struct client_stats *stats)
{
	stats->count = 0;
	stats->sum_us = 0;
	stats->min_us = UINT64_MAX;
	stats->max_us = 0;
}

void client_stats_add(struct client_stats *stats, uint64_t latency_us)
{
	stats->count++;
	stats->sum_us += latency_us;
	if (latency_us < stats->min_us)
		stats->min_us = latency_us;
	if (latency_us > stats->max_us)
		stats->max_us = latency_us;
}

uint64_t client_stats_min(const struct client_stats *stats)
{
	return stats->count ? stats->min_us : 0;
}

uint64_t client_stats_avg(const struct client_stats *stats)
{
	return stats->count ? stats->sum_us / stats->count : 0;
}

uint64_t client_stats_max(const struct client_stats *stats)
{
	return stats->max_us;
}

uint64_t client_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
