/* SPDX-License-Identifier: MIT */
/*
 * The outputs the ini file can name, and the keys each one adds: one table
 * (kinds.c), each kind's keys in its own folder (kms/kms-keys.c,
 * wayland/wayland-keys.c). Pure data, so the configuration parser and its
 * tests know every output's keys whether or not this build can create it.
 */
#ifndef VDISPL_BACKEND_OUTPUT_KINDS_H
#define VDISPL_BACKEND_OUTPUT_KINDS_H

#include <stddef.h>

#include "backend/config.h"

enum vdispl_output_key_type {
	VDISPL_OUTPUT_KEY_STRING,	   /* char[VDISPL_CONFIG_STR], not empty */
	VDISPL_OUTPUT_KEY_STRING_OR_EMPTY, /* char[VDISPL_CONFIG_STR]; "" means something */
	VDISPL_OUTPUT_KEY_BOOL,		   /* bool: true false yes no 1 0, any case */
	VDISPL_OUTPUT_KEY_U32,		   /* uint32_t, decimal */
	VDISPL_OUTPUT_KEY_POINT,	   /* struct vdispl_point: "X,Y", decimal */
	VDISPL_OUTPUT_KEY_SIZE,		   /* struct vdispl_size: "WxH", each 1 .. 16384 */
};

/* One key of an output's: where its value goes in struct vdispl_output_config. */
struct vdispl_output_key {
	const char *name;
	enum vdispl_output_key_type type;
	size_t offset;
	const char *default_value; /* parsed as the ini's would be; NULL: zero, "" */
};

struct vdispl_output_kind_info {
	enum vdispl_output_kind kind;
	const char *name;
	const struct vdispl_output_key *keys; /* up to one whose name is NULL; or NULL */
};

extern const struct vdispl_output_kind_info vdispl_output_kinds[];
extern const size_t vdispl_output_num_kinds;

/* Each kind's keys, from its folder, each list ending with a NULL name. */
extern const struct vdispl_output_key vdispl_kms_keys[];
extern const struct vdispl_output_key vdispl_wayland_keys[];

/* "kms", "headless", "wayland"; "unknown" for no kind of the table. */
const char *vdispl_output_kind_name(enum vdispl_output_kind kind);

#endif
