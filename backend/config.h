/* SPDX-License-Identifier: MIT */
/*
 * The backend's ini configuration: which output shows which guest connector.
 *
 *   [backend]                 ; defaults for every connector
 *   output = kms              ; kms | headless
 *   drm-device = /dev/dri/card0
 *
 *   [guest1/id0]              ; <domain name or id>/<unique-id>, either may be *
 *   output = kms
 *   drm-device = /dev/dri/card1
 *   drm-connector = Virtual-1 ; host connector name; empty: first free connected one
 *
 *   [*/id1]
 *   output = headless
 *   png-dir = /var/lib/vdispl
 *   png-every = 30            ; write every 30th flip; 0: only on SIGUSR2
 *
 * Keys in a guest section override the [backend] defaults for connectors it
 * matches. The most specific section wins: name-or-id and unique-id both
 * given, then domain with "*", then "*" with unique-id, then [backend].
 *
 * Parsing is pure (inih over a string) so it is unit-tested without files.
 */
#ifndef VDISPL_BACKEND_CONFIG_H
#define VDISPL_BACKEND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDISPL_CONFIG_MAX_SECTIONS 64
#define VDISPL_CONFIG_STR 256

enum vdispl_output_kind {
	VDISPL_OUTPUT_KMS = 0,
	VDISPL_OUTPUT_HEADLESS,
};

/* Everything an output needs to know; strings are "" when unset. */
struct vdispl_output_config {
	enum vdispl_output_kind kind;
	char drm_device[VDISPL_CONFIG_STR];
	char drm_connector[VDISPL_CONFIG_STR];
	bool kms_legacy; /* key "kms-legacy = true": skip atomic modesetting */
	char png_dir[VDISPL_CONFIG_STR];
	uint32_t png_every;
};

struct vdispl_config_section {
	char domain[VDISPL_CONFIG_STR];    /* name, decimal id, or "*" */
	char unique_id[VDISPL_CONFIG_STR]; /* or "*" */
	/* Which keys this section set: only those override the defaults. */
	uint32_t set_mask;
	struct vdispl_output_config output;
};

struct vdispl_config {
	struct vdispl_output_config defaults; /* [backend], over built-in defaults */
	size_t num_sections;
	struct vdispl_config_section sections[VDISPL_CONFIG_MAX_SECTIONS];
};

/*
 * Built-in defaults: output kms, drm-device /dev/dri/card0, png-dir ".",
 * png-every 0.
 */
void vdispl_config_init(struct vdispl_config *config);

/*
 * Parse ini @text over the defaults in @config (call vdispl_config_init()
 * first). On error returns -EINVAL and writes "line N: what is wrong" to
 * @error (@error_size octets): unknown section form or key, bad value,
 * duplicate section, too many sections.
 */
int vdispl_config_parse_string(struct vdispl_config *config, const char *text, char *error,
			       size_t error_size);

/* As above, reading @path. -errno for files that cannot be read. */
int vdispl_config_parse_file(struct vdispl_config *config, const char *path, char *error,
			     size_t error_size);

/*
 * The output configuration for connector @unique_id (may be NULL or "") of
 * domain @domid named @domain_name (may be NULL), resolved as described
 * above into @out.
 */
void vdispl_config_lookup(const struct vdispl_config *config, uint32_t domid,
			  const char *domain_name, const char *unique_id,
			  struct vdispl_output_config *out);

#endif
