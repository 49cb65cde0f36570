// SPDX-License-Identifier: MIT
/*
 * A weston ivi-shell controller for the lab: it puts each ivi surface (one
 * per guest connector of the Wayland output, by its ivi-id) at a position
 * from weston.ini, unscaled, so a screendump can be compared pixel for
 * pixel with the guest's picture.
 *
 *   [core]
 *   shell=ivi-shell.so
 *   modules=/path/to/vdispl-ivi-controller.so
 *
 *   [vdispl-ivi-controller]
 *   surface-1001=0,0
 *   surface-1002=640,0
 *
 * ivi-shell shows nothing by itself: a surface is drawn only once a
 * controller has put it on a layer that is on a screen. Weston 10 loads
 * controllers through [core] modules= (or --modules): it no longer reads
 * [ivi-shell] ivi-module=.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <libweston/config-parser.h>
#include <weston.h>
#include <ivi-layout-export.h>

#define SECTION "vdispl-ivi-controller"
/* The layer on the n-th output has id LAYER_ID_BASE + n. */
#define LAYER_ID_BASE 0x7d150000u
/* Far from int32 overflow in ivi-layout's rectangle arithmetic. */
#define POSITION_LIMIT (1L << 20)

/* Every line names us: weston's log is shared by all its modules. */
#define log(...) weston_log(SECTION ": " __VA_ARGS__)

struct controller {
	const struct ivi_layout_interface *ivi;
	struct weston_config_section *section;
	/* One per output present at start: an ivi layer is on one screen at most. */
	struct ivi_layout_layer **layers;
	int n_layers;
	struct wl_listener surface_created;
	struct wl_listener surface_configured;
	struct wl_listener output_created;
	struct wl_listener destroy;
};

static int parse_position(const char *s, int32_t *x, int32_t *y)
{
	char *end;
	long vx, vy;

	errno = 0;
	vx = strtol(s, &end, 10);
	if (end == s || *end != ',')
		return -EINVAL;
	s = end + 1;
	vy = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno)
		return -EINVAL;
	if (labs(vx) > POSITION_LIMIT || labs(vy) > POSITION_LIMIT)
		return -ERANGE;
	*x = (int32_t)vx;
	*y = (int32_t)vy;
	return 0;
}

/* 0 with the configured position, else a negative errno and 0,0. */
static int surface_position(const struct controller *ctl, uint32_t id, int32_t *x, int32_t *y)
{
	char key[32];
	char *value;
	int ret;

	*x = 0;
	*y = 0;
	snprintf(key, sizeof(key), "surface-%" PRIu32, id);
	if (weston_config_section_get_string(ctl->section, key, &value, NULL) < 0)
		return -ENOENT;
	ret = parse_position(value, x, y);
	free(value);
	return ret;
}

/*
 * Only logs: the surface has no size yet, so it is placed on its first
 * configure. The log shows the lab which ids arrived and where they go.
 */
static void handle_surface_created(struct wl_listener *listener, void *data)
{
	struct controller *ctl = wl_container_of(listener, ctl, surface_created);
	uint32_t id = ctl->ivi->get_id_of_surface(data);
	int32_t x, y;
	int ret;

	ret = surface_position(ctl, id, &x, &y);
	if (ret == -ENOENT)
		log("surface %" PRIu32 ": no surface-%" PRIu32 " key, placed at 0,0\n", id, id);
	else if (ret < 0)
		log("surface %" PRIu32 ": surface-%" PRIu32 " is not X,Y within +-%ld, placed at 0,0\n",
		    id, id, POSITION_LIMIT);
	else
		log("surface %" PRIu32 ": placed at %" PRId32 ",%" PRId32 "\n", id, x, y);
}

/*
 * Emitted on the first commit with a buffer and on every size change:
 * source and destination get the surface's own size so it is never scaled.
 */
static void handle_surface_configured(struct wl_listener *listener, void *data)
{
	struct controller *ctl = wl_container_of(listener, ctl, surface_configured);
	const struct ivi_layout_interface *ivi = ctl->ivi;
	struct ivi_layout_surface *ivisurf = data;
	struct weston_surface *surface = ivi->surface_get_weston_surface(ivisurf);
	int32_t x, y;

	surface_position(ctl, ivi->get_id_of_surface(ivisurf), &x, &y);
	ivi->surface_set_source_rectangle(ivisurf, 0, 0, surface->width, surface->height);
	ivi->surface_set_destination_rectangle(ivisurf, x, y, surface->width, surface->height);
	ivi->surface_set_visibility(ivisurf, true);
	/* Adding it again after a resize is harmless: ivi-layout keeps one view per layer. */
	for (int i = 0; i < ctl->n_layers; i++)
		ivi->layer_add_surface(ctl->layers[i], ivisurf);
	ivi->commit_changes();
}

/*
 * Weston 10's ivi-layout makes its screens once, from the outputs present
 * when ivi-shell starts; it has no screen for a later output and
 * screen_add_layer() on one would dereference NULL. Say so, do nothing.
 */
static void handle_output_created(struct wl_listener *listener, void *data)
{
	struct weston_output *output = data;

	log("output %s appeared after start: ivi-layout shows no layer on it\n", output->name);
}

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct controller *ctl = wl_container_of(listener, ctl, destroy);

	wl_list_remove(&ctl->surface_created.link);
	wl_list_remove(&ctl->surface_configured.link);
	wl_list_remove(&ctl->output_created.link);
	wl_list_remove(&ctl->destroy.link);
	free(ctl->layers);
	free(ctl);
}

/* A layer the size of each output, so surface positions are output pixels. */
static int add_layers(struct controller *ctl, struct weston_compositor *compositor)
{
	const struct ivi_layout_interface *ivi = ctl->ivi;
	struct weston_output *output;
	struct ivi_layout_layer *layer;
	int n = wl_list_length(&compositor->output_list);

	/* A compositor may start with no output (DRM, nothing plugged in). */
	if (n == 0) {
		log("no output at start: nothing will be shown\n");
		return 0;
	}
	ctl->layers = calloc((size_t)n, sizeof(*ctl->layers));
	if (!ctl->layers)
		return -ENOMEM;
	wl_list_for_each(output, &compositor->output_list, link) {
		layer = ivi->layer_create_with_dimension(LAYER_ID_BASE + ctl->n_layers,
							 output->width, output->height);
		if (!layer)
			return -ENOMEM;
		ivi->layer_set_visibility(layer, true);
		ivi->layer_set_opacity(layer, wl_fixed_from_int(1));
		ivi->screen_add_layer(output, layer);
		ctl->layers[ctl->n_layers++] = layer;
		log("layer 0x%" PRIx32 " on output %s, %" PRId32 "x%" PRId32 "\n",
		    ivi->get_id_of_layer(layer), output->name, output->width, output->height);
	}
	return ivi->commit_changes() == IVI_SUCCEEDED ? 0 : -EIO;
}

WL_EXPORT int wet_module_init(struct weston_compositor *compositor, int *argc, char *argv[])
{
	struct controller *ctl;
	int ret;

	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -1;
	ctl->ivi = ivi_layout_get_api(compositor);
	if (!ctl->ivi) {
		log("no ivi-layout API: load me with shell=ivi-shell.so\n");
		goto err_api;
	}
	/* NULL when the section is absent: every lookup then falls back to 0,0. */
	ctl->section = weston_config_get_section(wet_get_config(compositor), SECTION, NULL, NULL);

	ret = add_layers(ctl, compositor);
	if (ret < 0) {
		log("cannot set up the layers: %s\n", strerror(-ret));
		goto err_layers;
	}

	ctl->surface_created.notify = handle_surface_created;
	ctl->surface_configured.notify = handle_surface_configured;
	if (ctl->ivi->add_listener_create_surface(&ctl->surface_created) != IVI_SUCCEEDED)
		goto err_layers;
	if (ctl->ivi->add_listener_configure_surface(&ctl->surface_configured) != IVI_SUCCEEDED)
		goto err_configure;
	ctl->output_created.notify = handle_output_created;
	wl_signal_add(&compositor->output_created_signal, &ctl->output_created);
	ctl->destroy.notify = handle_destroy;
	wl_signal_add(&compositor->destroy_signal, &ctl->destroy);
	return 0;

err_configure:
	wl_list_remove(&ctl->surface_created.link);
err_layers:
	/* The layers made so far stay with ivi-layout, empty; weston exits anyway. */
	free(ctl->layers);
err_api:
	free(ctl);
	return -1;
}
