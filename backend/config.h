/* SPDX-License-Identifier: MIT */
/*
 * The backend's ini configuration: which output shows which guest connector.
 * (The example is in line comments because its "[*" "/id1]" would end a
 * block comment.)
 */
//   [backend]                 ; defaults for every connector
//   import = auto             ; how guest buffers are taken: auto | module |
//                             ; gntdev-dmabuf | copy ([backend] only)
//   output = kms              ; kms | headless | wayland
//   drm-device = /dev/dri/card0
//
//   [guest1/id0]              ; <domain name or id>/<unique-id>, either may be *
//   output = kms
//   drm-device = /dev/dri/card1
//   drm-connector = Virtual-1 ; host connector name; empty: first free connected one
//
//   [*/id1]
//   output = headless
//   png-dir = /var/lib/vdispl
//   png-every = 30            ; write every 30th flip; 0: only on SIGUSR2
//
//   [guest3/*]
//   output = wayland          ; a window per connector
//   wayland-display = wayland-1 ; empty: $WAYLAND_DISPLAY, else wayland-0
//
//   [guest4/id0]              ; a layout: connectors of several guests on
//   drm-connector = Virtual-1 ; one display, each in its own region
//   position = 0,0            ; the region's top-left corner on the display
//   size = 640x480            ; default: the connector's resolution
//   z-order = 1               ; higher on top of lower; default 0
//
//   [guest2/*]                ; per-device keys: [backend] or [<domain>/*]
//   be-alloc = yes            ; let guest2 have Dom0 allocate its buffers
//   max-pages = 65536
/*
 * Keys in a guest section override the [backend] defaults for connectors it
 * matches. The most specific section wins, key by key: name-or-id and
 * unique-id both given, then domain with "*", then "*" with unique-id, then
 * "*" with "*", then [backend]; a key a section does not set comes from the
 * next less specific section that does. A domain matches by name or by its
 * decimal id.
 *
 * Keys: import ([backend] only: auto | module | gntdev-dmabuf | copy),
 * output (kms | headless | wayland), drm-device and png-dir (non-empty),
 * drm-connector and wayland-display (may be empty), kms-legacy (true false yes no 1 0, any
 * case), png-every (decimal, 0 .. 2^32-1), position (X,Y, each 0 .. 16384),
 * size (WxH, each 1 .. 16384), z-order (decimal). Each at most once per
 * section.
 * The output names and the keys each output adds (drm-*, kms-legacy,
 * wayland-display) come from the outputs' table, backend/output/kinds.h.
 *
 * What a guest can make the daemon hold is capped (struct vdispl_limits);
 * the defaults fit a legitimate guest with 8 connectors of 4K, triple
 * buffered. Per device keys (below) go in [backend] or in a section whose
 * unique-id is "*", since a device is not a connector.
 * Section names are "backend" or "<domain>/<unique-id>", each side "*" or
 * non-empty without whitespace or '/'; inih limits them to 49 characters
 * and lines to 198. A section is only seen, checked and recorded once it
 * holds a key: inih reports keys, not headers, so an empty or repeated
 * empty section is silently ignored.
 *
 * Parsing is pure (inih over a string) so it is unit-tested without files.
 */
//   Per device: max-buffers, max-framebuffers, max-pages (decimal, at
//   least 1), max-width and max-height (1 .. 16384; they also bound a
//   buffer's size, at 4 octets a pixel), be-alloc (a boolean, default no:
//   the guest may not have Dom0 allocate its buffers). For all guests
//   together, in [backend] only: max-total-buffers, max-total-pages.
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
	VDISPL_OUTPUT_WAYLAND,
};

/*
 * How guest-allocated buffers reach the outputs (backend/import/): auto
 * tries the zero-copy ways first; any other forces one way.
 */
enum vdispl_import_kind {
	VDISPL_IMPORT_AUTO = 0,
	VDISPL_IMPORT_MODULE,	     /* our Dom0 module's dma-buf (zero-copy) */
	VDISPL_IMPORT_GNTDEV_DMABUF, /* gntdev's dma-buf, where the kernel has it (zero-copy) */
	VDISPL_IMPORT_COPY,	     /* mapped with gntdev and copied */
	VDISPL_IMPORT_KINDS,
};

/* "auto", "module", "gntdev-dmabuf", "copy". */
const char *vdispl_import_kind_name(enum vdispl_import_kind kind);

/* A place on a display, in pixels from its top-left corner. */
struct vdispl_point {
	bool set; /* false: no place given */
	uint32_t x, y;
};

struct vdispl_size {
	uint32_t width, height; /* 0x0: not given */
};

/* Everything an output needs to know; strings are "" when unset. */
struct vdispl_output_config {
	enum vdispl_output_kind kind;
	char drm_device[VDISPL_CONFIG_STR];
	char drm_connector[VDISPL_CONFIG_STR];
	bool kms_legacy; /* key "kms-legacy = true": skip atomic modesetting */
	char png_dir[VDISPL_CONFIG_STR];
	uint32_t png_every;
	char wayland_display[VDISPL_CONFIG_STR]; /* "": $WAYLAND_DISPLAY */
	uint32_t ivi_id; /* the surface's id under weston's ivi-shell; 0: none */
	/*
	 * A region of a display shared with other guests' connectors (KMS):
	 * where, how large (0x0: the connector's resolution), and above which
	 * (higher z-order on top). Without a position the connector has a
	 * display to itself.
	 */
	struct vdispl_point position;
	struct vdispl_size size;
	uint32_t z_order;
};

/* What one guest device may make us hold (its section's or [backend]'s). */
struct vdispl_limits {
	uint32_t max_buffers;	   /* dbufs */
	uint32_t max_framebuffers; /* fbs */
	uint32_t max_pages;	   /* of its dbufs together */
	uint32_t max_width;	   /* of a connector's resolution */
	uint32_t max_height;
	bool be_alloc;		   /* may it have Dom0 allocate buffers? */
};

#define VDISPL_DEFAULT_MAX_BUFFERS 256
#define VDISPL_DEFAULT_MAX_FRAMEBUFFERS 256
/* 8 connectors x 3 buffers x 3840x2160 XRGB (8100 pages), rounded up. */
#define VDISPL_DEFAULT_MAX_PAGES 196608u
#define VDISPL_DEFAULT_MAX_WIDTH 4096
#define VDISPL_DEFAULT_MAX_HEIGHT 4096
/* Below vm.max_map_count (65530) with room: a buffer takes a few mappings. */
#define VDISPL_DEFAULT_MAX_TOTAL_BUFFERS 4096
/* 2 GiB of guest pages mapped or shared at once, over every guest. */
#define VDISPL_DEFAULT_MAX_TOTAL_PAGES 524288u
/* displif's own bound on a resolution node (protocol/xenstore-value.h). */
#define VDISPL_MAX_RESOLUTION 16384

struct vdispl_config_section {
	char domain[VDISPL_CONFIG_STR];    /* name, decimal id, or "*" */
	char unique_id[VDISPL_CONFIG_STR]; /* or "*" */
	/* Which keys this section set: only those override the defaults. */
	uint64_t set_mask;
	struct vdispl_output_config output;
	struct vdispl_limits limits; /* only in sections whose unique-id is "*" */
};

struct vdispl_config {
	enum vdispl_import_kind import;       /* [backend] import */
	uint32_t max_total_buffers;	      /* [backend], over all guests */
	uint32_t max_total_pages;
	struct vdispl_limits limits;	      /* [backend], over built-in defaults */
	struct vdispl_output_config defaults; /* [backend], over built-in defaults */
	size_t num_sections;
	struct vdispl_config_section sections[VDISPL_CONFIG_MAX_SECTIONS];
};

/*
 * Built-in defaults: import auto, output kms, drm-device /dev/dri/card0,
 * png-dir ".", png-every 0.
 */
void vdispl_config_init(struct vdispl_config *config);

/*
 * Parse ini @text over the defaults in @config (call vdispl_config_init()
 * first). On error returns -EINVAL and writes "line N: what is wrong" to
 * @error (@error_size octets; NULL or 0 for no message): syntax, unknown
 * section form or key, bad value, duplicate section or key, too many
 * sections, line or section name too long. -ENOMEM if out of memory.
 * On any error @config is left as it was, so a reload can be refused.
 */
int vdispl_config_parse_string(struct vdispl_config *config, const char *text, char *error,
			       size_t error_size);

/* As above, reading @path. -errno for files that cannot be read (-EFBIG
 * above 1 MiB), -EINVAL for one with a NUL octet; @error then reads
 * "<path>: what is wrong". */
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

/*
 * True if some connector of domain @domid named @domain_name (may be NULL)
 * may be shown by an output of @kind: [backend]'s output is, or a section
 * naming the domain, or "*", sets it.
 */
bool vdispl_config_domain_may_use(const struct vdispl_config *config, uint32_t domid,
				  const char *domain_name, enum vdispl_output_kind kind);

/*
 * The limits for every device of domain @domid named @domain_name (may be
 * NULL): [backend]'s, with the keys set by matching sections whose
 * unique-id is "*" over them, the one naming the domain last.
 */
void vdispl_config_lookup_limits(const struct vdispl_config *config, uint32_t domid,
				 const char *domain_name, struct vdispl_limits *out);

#endif
