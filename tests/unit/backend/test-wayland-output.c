// SPDX-License-Identifier: MIT
/*
 * The Wayland output against a real compositor: Debian's weston on its
 * headless backend, started here in a private XDG_RUNTIME_DIR. Flips are
 * done by the compositor's wp_presentation feedback, each frame presented
 * (well inside the output's fallback timeout); with the compositor killed
 * the guest is still served; a new compositor on the same socket is found
 * again by itself and its feedback paces the flips again. The picture itself is checked in
 * the lab, on weston's DRM backend, through QEMU's screendump.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "backend/output/output.h"
#include "backend/output/wayland/wayland.h"
#include "backend/output/wayland/wl-connection.h"
#include "common/loop.h"
#include "tests/unit/tap.h"

#define W 320
#define H 240
#define SOCKET "vdispl-test-wayland"
/* The output's own fallback is 250 ms: a callback-paced flip is far quicker. */
#define PACED_MS 150

static char runtime_dir[] = "/tmp/vdispl-test-wayland-XXXXXX";
static pid_t weston = -1;
static unsigned int done_count;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_done(void *data)
{
	done_count++;
}

/* weston --backend=headless-backend.so, its socket awaited for up to 10 s. */
static int start_weston(void)
{
	char socket_path[256], log_path[256];

	snprintf(socket_path, sizeof(socket_path), "%s/%s", runtime_dir, SOCKET);
	snprintf(log_path, sizeof(log_path), "--log=%s/weston.log", runtime_dir);
	unlink(socket_path);
	weston = fork();
	if (weston < 0)
		return -errno;
	if (!weston) {
		execlp("weston", "weston", "--backend=headless-backend.so", "--use-pixman",
		       "--socket=" SOCKET, "--width=800", "--height=600", "--idle-time=0",
		       log_path, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		if (!access(socket_path, F_OK))
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

static void stop_weston(void)
{
	if (weston > 0) {
		kill(weston, SIGKILL);
		waitpid(weston, NULL, 0);
	}
	weston = -1;
}

/* Run the loop until @count flips are done or @ms pass. */
static void run_until(struct vdispl_loop *loop, unsigned int count, uint64_t ms)
{
	uint64_t end = now_ms() + ms;

	while (done_count < count && now_ms() < end)
		vdispl_loop_dispatch(loop, 10);
}

/* @n flips one after the other; the slowest one's time in ms. */
static uint64_t flips(struct vdispl_loop *loop, struct vdispl_output *out,
		      struct vdispl_picture *picture, unsigned int n, unsigned int *shown)
{
	uint64_t slowest = 0;

	*shown = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t start = now_ms();
		unsigned int before = done_count;

		if (out->impl->flip(out, picture))
			break;
		run_until(loop, before + 1, 2000);
		if (done_count != before + 1)
			break;
		(*shown)++;
		if (now_ms() - start > slowest)
			slowest = now_ms() - start;
	}
	return slowest;
}

static bool connected(struct vdispl_loop *loop, uint64_t ms)
{
	struct vdispl_wl_connection *conn = vdispl_wl_connection_get(loop, SOCKET);
	uint64_t end = now_ms() + ms;
	bool up = false;

	while (conn && !(up = vdispl_wl_connection_globals(conn) != NULL) && now_ms() < end)
		vdispl_loop_dispatch(loop, 50);
	vdispl_wl_connection_put(conn);
	return up;
}

/* @n flips, each done by weston's presentation feedback, in time. */
static void paced_flips(struct vdispl_loop *loop, struct vdispl_output *out,
			struct vdispl_picture *picture, unsigned int n, const char *when)
{
	uint64_t unshown = out->unshown_flips;
	uint64_t presented = vdispl_wayland_output_presented(out);
	unsigned int shown;
	uint64_t slowest = flips(loop, out, picture, n, &shown);

	presented = vdispl_wayland_output_presented(out) - presented;
	unshown = out->unshown_flips - unshown;
	TAP_CHECK(shown == n && !unshown && presented == n && slowest < PACED_MS,
		  "%s, %u flips each done by its presentation feedback (%u done, %llu presented, "
		  "%llu unshown, the slowest in %llu ms)", when, n, shown,
		  (unsigned long long)presented, (unsigned long long)unshown,
		  (unsigned long long)slowest);
}

int main(void)
{
	static uint32_t pixels[W * H];
	struct vdispl_output_config config = { .kind = VDISPL_OUTPUT_WAYLAND };
	struct vdispl_loop *loop;
	struct vdispl_output *out = NULL;
	struct vdispl_output_params params = {
		.config = &config,
		.width = W,
		.height = H,
		.tag = "dom1/vdispl0/0",
		.title = "guest id0",
		.done = on_done,
	};
	struct vdispl_picture picture = {
		.key = 1,
		.fb = { pixels, W * 4, W, H, DRM_FORMAT_XRGB8888 },
		.dmabuf_fd = -1,
	};
	unsigned int shown;
	uint64_t slowest, unshown;
	int ret;

	if (system("command -v weston >/dev/null 2>&1")) {
		printf("1..0 # SKIP weston is not installed (tools/install-deps installs it)\n");
		return 0;
	}
	for (int i = 0; i < W * H; i++)
		pixels[i] = 0x00336699u + (uint32_t)i;
	if (!mkdtemp(runtime_dir))
		return 99;
	setenv("XDG_RUNTIME_DIR", runtime_dir, 1);
	snprintf(config.wayland_display, sizeof(config.wayland_display), "%s", SOCKET);
	loop = vdispl_loop_create();
	params.loop = loop;

	/* No compositor yet: the output is made all the same and serves flips. */
	ret = vdispl_output_create(&params, &out);
	TAP_EQ_INT(ret, 0, "the output is created with no compositor running");
	if (ret)
		return tap_done();
	TAP_EQ_INT(out->impl->enable(out, &picture), 0, "a mode is set with no compositor");
	slowest = flips(loop, out, &picture, 10, &shown);
	TAP_CHECK(shown == 10 && out->unshown_flips == 10,
		  "10 flips are done with no compositor (%u, %llu of them unshown), the slowest in "
		  "%llu ms", shown, (unsigned long long)out->unshown_flips,
		  (unsigned long long)slowest);

	ret = start_weston();
	TAP_EQ_INT(ret, 0, "weston starts on its headless backend");
	TAP_CHECK(connected(loop, 8000), "the output finds the compositor by itself");
	paced_flips(loop, out, &picture, 60, "with weston running");

	stop_weston();
	unshown = out->unshown_flips;
	slowest = flips(loop, out, &picture, 20, &shown);
	TAP_CHECK(shown == 20 && out->unshown_flips - unshown >= 19,
		  "with weston killed, the guest's flips are still done (%u, %llu unshown), the "
		  "slowest in %llu ms", shown, (unsigned long long)(out->unshown_flips - unshown),
		  (unsigned long long)slowest);
	TAP_CHECK(!connected(loop, 100), "the output knows the compositor is gone");

	ret = start_weston();
	TAP_EQ_INT(ret, 0, "weston starts again on the same socket");
	TAP_CHECK(connected(loop, 8000), "the output reconnects by itself");
	paced_flips(loop, out, &picture, 30, "with weston back");

	out->impl->disable(out);
	TAP_EQ_INT(out->impl->flip(out, &picture), -EBUSY, "a flip with the display off is refused");
	TAP_EQ_INT(out->impl->enable(out, &picture), 0, "a mode is set again");
	slowest = flips(loop, out, &picture, 10, &shown);
	TAP_CHECK(shown == 10, "and flips go on (%u)", shown);

	vdispl_output_destroy(out);
	stop_weston();
	vdispl_loop_destroy(loop);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", runtime_dir);
		if (system(cmd))
			TAP_CHECK(0, "cleaning %s", runtime_dir);
	}
	return tap_done();
}
