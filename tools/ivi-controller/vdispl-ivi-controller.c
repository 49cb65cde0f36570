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
 * [ivi-shell] ivi-module=. Surfaces with no key go to 0,0; every pixel no
 * surface covers is black. With several outputs, each shows every surface
 * at the same place.
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
/* The ivi layer on the n-th output has id LAYER_ID_BASE + n. */
#define LAYER_ID_BASE 1000u
/* Far from int32 overflow in ivi-layout's rectangle arithmetic. */
#define POSITION_LIMIT (1L << 20)

/* Every line names us: weston's log is shared by all its modules. */
#define log(...) weston_log(SECTION ": " __VA_ARGS__)

/*
 * One per output present at start: an ivi layer is on one screen at most.
 * ivi-shell draws no background of its own, so what a surface leaves when
 * it shrinks or goes would stay on screen: a black view behind each output
 * repaints it.
 */
struct screen {
	struct ivi_layout_layer *layer;
	struct weston_view *background;
};

struct controller {
	const struct ivi_layout_interface *ivi;
	struct weston_config_section *section;
	struct weston_layer background_layer;
	struct screen *screens;
	int n_screens;
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
		log("surface %" PRIu32 ": surface-%" PRIu32
		    " is not X,Y within +-%ld, placed at 0,0\n",
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
	for (int i = 0; i < ctl->n_screens; i++)
		ivi->layer_add_surface(ctl->screens[i].layer, ivisurf);
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

static void destroy_screens(struct controller *ctl)
{
	for (int i = 0; i < ctl->n_screens; i++)
		weston_surface_destroy(ctl->screens[i].background->surface);
	free(ctl->screens);
}

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct controller *ctl = wl_container_of(listener, ctl, destroy);

	wl_list_remove(&ctl->surface_created.link);
	wl_list_remove(&ctl->surface_configured.link);
	wl_list_remove(&ctl->output_created.link);
	wl_list_remove(&ctl->destroy.link);
	/* Emitted before the outputs and the renderer go: the views are still valid. */
	destroy_screens(ctl);
	weston_layer_fini(&ctl->background_layer);
	free(ctl);
}

static struct weston_view *create_background(struct weston_compositor *compositor,
					     struct weston_output *output)
{
	struct weston_surface *surface;
	struct weston_view *view;

	surface = weston_surface_create(compositor);
	if (!surface)
		return NULL;
	view = weston_view_create(surface);
	if (!view) {
		weston_surface_destroy(surface);
		return NULL;
	}
	weston_surface_set_color(surface, 0.0f, 0.0f, 0.0f, 1.0f);
	/* Opaque, so nothing below it is drawn; an empty input region, so it takes no input. */
	pixman_region32_fini(&surface->opaque);
	pixman_region32_init_rect(&surface->opaque, 0, 0, output->width, output->height);
	pixman_region32_fini(&surface->input);
	pixman_region32_init(&surface->input);
	weston_surface_set_size(surface, output->width, output->height);
	weston_view_set_position(view, output->x, output->y);
	surface->is_mapped = true;
	view->is_mapped = true;
	return view;
}

/* An ivi layer the size of each output, so surface positions are output pixels. */
static int add_screen(struct controller *ctl, struct weston_compositor *compositor,
		      struct weston_output *output, struct screen *screen)
{
	const struct ivi_layout_interface *ivi = ctl->ivi;
	uint32_t id = LAYER_ID_BASE + (uint32_t)ctl->n_screens;

	screen->background = create_background(compositor, output);
	if (!screen->background)
		return -ENOMEM;
	weston_layer_entry_insert(&ctl->background_layer.view_list,
				  &screen->background->layer_link);

	screen->layer = ivi->layer_create_with_dimension(id, output->width, output->height);
	if (!screen->layer) {
		weston_surface_destroy(screen->background->surface);
		return -ENOMEM;
	}
	ivi->layer_set_visibility(screen->layer, true);
	ivi->layer_set_opacity(screen->layer, wl_fixed_from_int(1));
	ivi->screen_add_layer(output, screen->layer);
	log("layer %" PRIu32 " on output %s, %" PRId32 "x%" PRId32 "\n", id, output->name,
	    output->width, output->height);
	return 0;
}

static int add_screens(struct controller *ctl, struct weston_compositor *compositor)
{
	struct weston_output *output;
	int n = wl_list_length(&compositor->output_list);
	int ret;

	/* A compositor may start with no output (DRM, nothing plugged in). */
	if (n == 0) {
		log("no output at start: nothing will be shown\n");
		return 0;
	}
	ctl->screens = calloc((size_t)n, sizeof(*ctl->screens));
	if (!ctl->screens)
		return -ENOMEM;
	wl_list_for_each (output, &compositor->output_list, link) {
		ret = add_screen(ctl, compositor, output, &ctl->screens[ctl->n_screens]);
		if (ret < 0)
			return ret;
		ctl->n_screens++;
	}
	return ctl->ivi->commit_changes() == IVI_SUCCEEDED ? 0 : -EIO;
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

	weston_layer_init(&ctl->background_layer, compositor);
	weston_layer_set_position(&ctl->background_layer, WESTON_LAYER_POSITION_BACKGROUND);
	ret = add_screens(ctl, compositor);
	if (ret < 0) {
		log("cannot set up the outputs: %s\n", strerror(-ret));
		goto err_screens;
	}

	ctl->surface_created.notify = handle_surface_created;
	ctl->surface_configured.notify = handle_surface_configured;
	if (ctl->ivi->add_listener_create_surface(&ctl->surface_created) != IVI_SUCCEEDED)
		goto err_screens;
	if (ctl->ivi->add_listener_configure_surface(&ctl->surface_configured) != IVI_SUCCEEDED)
		goto err_configure;
	ctl->output_created.notify = handle_output_created;
	wl_signal_add(&compositor->output_created_signal, &ctl->output_created);
	ctl->destroy.notify = handle_destroy;
	wl_signal_add(&compositor->destroy_signal, &ctl->destroy);
	return 0;

err_configure:
	wl_list_remove(&ctl->surface_created.link);
err_screens:
	/* Any ivi layers made stay with ivi-layout, empty: weston exits on this error. */
	destroy_screens(ctl);
	weston_layer_fini(&ctl->background_layer);
err_api:
	free(ctl);
	return -1;
}
