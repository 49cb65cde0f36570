// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "headless/headless.h"
#ifdef VDISPL_HAVE_KMS
#include "kms/kms.h"
#endif

typedef int (*output_create_fn)(const struct vdispl_output_params *params,
				struct vdispl_output **out);

static const struct {
	enum vdispl_output_kind kind;
	const char *name;
	output_create_fn create;
} outputs[] = {
#ifdef VDISPL_HAVE_KMS
	{ VDISPL_OUTPUT_KMS, "kms", vdispl_kms_output_create },
#else
	{ VDISPL_OUTPUT_KMS, "kms", NULL },
#endif
	{ VDISPL_OUTPUT_HEADLESS, "headless", vdispl_headless_output_create },
};

const char *vdispl_output_kind_name(enum vdispl_output_kind kind)
{
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++)
		if (outputs[i].kind == kind)
			return outputs[i].name;
	return "unknown";
}

int vdispl_output_create(const struct vdispl_output_params *params, struct vdispl_output **out)
{
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++)
		if (outputs[i].kind == params->config->kind)
			return outputs[i].create ? outputs[i].create(params, out) : -ENOTSUP;
	return -ENOTSUP;
}

void vdispl_output_destroy(struct vdispl_output *output)
{
	if (output)
		output->impl->destroy(output);
}

void vdispl_output_init(struct vdispl_output *output, const struct vdispl_output_impl *impl,
			const struct vdispl_output_params *params)
{
	output->impl = impl;
	output->width = params->width;
	output->height = params->height;
	output->done = params->done;
	output->done_data = params->done_data;
	snprintf(output->tag, sizeof(output->tag), "%s", params->tag);
}
