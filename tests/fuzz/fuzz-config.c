// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the ini configuration (backend/config.c): any text
 * parses or is refused with a message naming a line, a refused text leaves
 * the configuration as it was, and lookups on what parsed stay within it.
 *
 * Build and run with tools/fuzz (clang, ASan+UBSan).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/config.h"
#include "tests/fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vdispl_config config, before;
	struct vdispl_output_config out;
	struct vdispl_limits limits;
	char error[256] = "";
	char *text = malloc(size + 1);
	int ret;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	vdispl_config_init(&config);
	before = config;
	ret = vdispl_config_parse_string(&config, text, error, sizeof(error));
	CHECK(ret == 0 || ret == -EINVAL);
	if (ret) {
		CHECK(!strncmp(error, "line ", 5));
		CHECK(!memcmp(&config, &before, sizeof(config)));
	} else {
		CHECK(config.num_sections <= VDISPL_CONFIG_MAX_SECTIONS);
		vdispl_config_lookup(&config, 1, "guest", "id0", &out);
		CHECK(memchr(out.drm_device, '\0', sizeof(out.drm_device)) != NULL);
		vdispl_config_lookup_limits(&config, 1, "guest", &limits);
		CHECK(limits.max_width >= 1 && limits.max_width <= VDISPL_MAX_RESOLUTION);
		CHECK(limits.max_height >= 1 && limits.max_height <= VDISPL_MAX_RESOLUTION);
		CHECK(limits.max_buffers >= 1 && limits.max_pages >= 1);
	}
	free(text);
	return 0;
}
