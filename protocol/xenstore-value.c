// SPDX-License-Identifier: MIT
#include "protocol/compat.h"

#include "protocol/request.h"
#include "protocol/xenstore-value.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Parse the decimal number at the start of @s and set *@end past it. By
 * hand rather than with strtoul, which accepts signs, leading white space
 * and "0x", and whose overflow reporting depends on the width of long.
 */
static int parse_decimal(const char *s, const char **end, uint32_t *out)
{
	uint64_t value = 0;
	const char *p = s;

	if (!is_digit(*p))
		return -EINVAL;
	/* One canonical spelling per number: "0", never "007". */
	if (p[0] == '0' && is_digit(p[1]))
		return -EINVAL;

	for (; is_digit(*p); p++) {
		value = value * 10 + (uint64_t)(*p - '0');
		if (value > UINT32_MAX)
			return -EINVAL;
	}

	*end = p;
	*out = (uint32_t)value;
	return 0;
}

int vdispl_xs_parse_u32(const char *value, uint32_t *out)
{
	const char *end;
	uint32_t v;

	if (!value || parse_decimal(value, &end, &v) < 0 || *end != '\0')
		return -EINVAL;

	*out = v;
	return 0;
}

static bool is_dimension(uint32_t v)
{
	return v >= 1 && v <= VDISPL_MAX_DIMENSION;
}

int vdispl_xs_parse_resolution(const char *value, uint32_t *width, uint32_t *height)
{
	const char *end;
	uint32_t w, h;

	if (!value || parse_decimal(value, &end, &w) < 0)
		return -EINVAL;
	if (strncmp(end, XENDISPL_RESOLUTION_SEPARATOR, strlen(XENDISPL_RESOLUTION_SEPARATOR)))
		return -EINVAL;
	value = end + strlen(XENDISPL_RESOLUTION_SEPARATOR);
	if (parse_decimal(value, &end, &h) < 0 || *end != '\0')
		return -EINVAL;
	if (!is_dimension(w) || !is_dimension(h))
		return -EINVAL;

	*width = w;
	*height = h;
	return 0;
}

int vdispl_xs_parse_be_alloc(const char *value, bool *be_alloc)
{
	if (!value || strcmp(value, "0") == 0) {
		*be_alloc = false;
		return 0;
	}
	if (strcmp(value, "1") == 0) {
		*be_alloc = true;
		return 0;
	}
	return -EINVAL;
}

int vdispl_xs_parse_unique_id(const char *value, char *out)
{
	size_t len;

	if (!value)
		return -EINVAL;

	/* Bounded scan: the value may be as long as XenStore allows. */
	for (len = 0; len <= VDISPL_UNIQUE_ID_MAX && value[len] != '\0'; len++) {
		if (value[len] < '!' || value[len] > '~')
			return -EINVAL;
	}
	if (len == 0 || len > VDISPL_UNIQUE_ID_MAX)
		return -EINVAL;

	memcpy(out, value, len);
	out[len] = '\0';
	return 0;
}

int vdispl_xs_parse_state(const char *value, enum vdispl_xenbus_state *state)
{
	uint32_t v;

	if (vdispl_xs_parse_u32(value, &v) < 0 || v > VDISPL_XENBUS_RECONFIGURED)
		return -EINVAL;

	*state = (enum vdispl_xenbus_state)v;
	return 0;
}

static const char *const state_names[] = {
	[VDISPL_XENBUS_UNKNOWN] = "Unknown",
	[VDISPL_XENBUS_INITIALISING] = "Initialising",
	[VDISPL_XENBUS_INITWAIT] = "InitWait",
	[VDISPL_XENBUS_INITIALISED] = "Initialised",
	[VDISPL_XENBUS_CONNECTED] = "Connected",
	[VDISPL_XENBUS_CLOSING] = "Closing",
	[VDISPL_XENBUS_CLOSED] = "Closed",
	[VDISPL_XENBUS_RECONFIGURING] = "Reconfiguring",
	[VDISPL_XENBUS_RECONFIGURED] = "Reconfigured",
};

const char *vdispl_xenbus_state_name(enum vdispl_xenbus_state state)
{
	/* Compared as unsigned: the enum may hold any int a caller cast in. */
	if ((unsigned int)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "Invalid";
	return state_names[state];
}

int vdispl_xs_connector_count(const char *const *names, unsigned int num_names,
			      unsigned int max)
{
	uint64_t seen = 0;
	unsigned int count = 0;

	if (max > 64)
		return -EINVAL;
	for (unsigned int i = 0; i < num_names; i++) {
		uint32_t index;

		if (vdispl_xs_parse_u32(names[i], &index) < 0)
			continue;
		if (index >= max)
			return -EINVAL;
		if (!(seen & (uint64_t)1 << index))
			count++;
		seen |= (uint64_t)1 << index;
	}
	/* Indices 0..count-1 all present: no gap. */
	if (count == 0 || (count < 64 && seen != ((uint64_t)1 << count) - 1))
		return -EINVAL;
	return (int)count;
}
