// SPDX-License-Identifier: MIT
/*
 * vdispl-evil-frontend: a hostile displif frontend, run inside a guest
 * whose vdispl device has no kernel driver bound. See evil.h and usage().
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/evil-frontend/evil.h"
#include "tools/evil-frontend/flips.h"
#include "tools/evil-frontend/hold.h"
#include "tools/evil-frontend/report.h"
#include "tools/evil-frontend/ring.h"
#include "tools/evil-frontend/share.h"
#include "tools/evil-frontend/tests.h"
#include "tools/evil-frontend/xenbus.h"

enum { EXIT_ALL_PASSED = 0, EXIT_TESTS_FAILED = 1, EXIT_SETUP = 2 };

volatile sig_atomic_t evil_stop;

static void usage(FILE *out)
{
	fprintf(out, "Usage: " EVIL_PROG " [--device N] [--flips N] [--cycles N] [--max-buffers N]\n"
		     "       [--max-framebuffers N] [--flood-seconds N] [--hold-be-alloc S] [--help]\n"
		     "\n"
		     "Run inside a guest whose vdispl device has no kernel driver bound\n"
		     "(drm_xen_front not loaded). Connects to the device's backend by hand\n"
		     "through /dev/xen/xenbus, /dev/xen/gntalloc and /dev/xen/evtchn, sends\n"
		     "malformed and valid displif requests on connector 0's ring (and on\n"
		     "connector 1's, if there is one), checks each status, and ends with a\n"
		     "ring protocol violation the backend must answer by closing the device.\n"
		     "\n"
		     "  --device N  the vdispl device index (default 0)\n"
		     "  --flips N   no tests: flip two buffers of connector 0's size N times,\n"
		     "              then print a summary line as vdispl-client does (for\n"
		     "              tools/bench, at sizes drm_xen_front cannot drive)\n"
		     "  --cycles N  no tests: N times connect, flip two buffers 5 times,\n"
		     "              disconnect and unshare everything; a summary line per\n"
		     "              cycle, then '@@CYCLES done=N'\n"
		     "  --max-buffers N, --max-framebuffers N\n"
		     "              the backend's caps for this guest: create one-page\n"
		     "              buffers, and attach framebuffers, until refused, and\n"
		     "              check the refusal comes exactly at the cap\n"
		     "  --flood-seconds N\n"
		     "              keep connector 0's ring full for N seconds, refilling\n"
		     "              each slot as soon as it is answered\n"
		     "  --hold-be-alloc S\n"
		     "              no tests (needs be-alloc = 1): keep a backend-allocated\n"
		     "              buffer's pages mapped through gntdev past its DBUF_DESTROY\n"
		     "              for S seconds, check them and let go ('@@HOLDING round=1',\n"
		     "              '@@LET-GO round=1 intact=yes'), wait S seconds more, then\n"
		     "              hold a second one until killed ('@@HOLDING round=2')\n"
		     "  --help      this text\n"
		     "\n"
		     "Prints TAP on stdout ('# ' lines are progress). Exit status: 0 all tests\n"
		     "passed, 1 a test failed or the backend stopped answering, 2 setup failed\n"
		     "(the reason is on stderr).\n");
}

static int parse_count(const char *option, const char *arg, uint32_t *out)
{
	if (vdispl_xs_parse_u32(arg, out) || !*out) {
		fprintf(stderr, EVIL_PROG ": --%s: \"%s\" is not a count\n", option, arg);
		return -1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct evil_ctx *ctx, uint32_t *flips,
		      uint32_t *cycles, uint32_t *hold)
{
	static const struct option options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "flips", required_argument, NULL, 'f' },
		{ "cycles", required_argument, NULL, 'C' },
		{ "max-buffers", required_argument, NULL, 'B' },
		{ "max-framebuffers", required_argument, NULL, 'F' },
		{ "flood-seconds", required_argument, NULL, 'S' },
		{ "hold-be-alloc", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "d:f:h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (parse_count("flips", optarg, flips))
				return -1;
			break;
		case 'C':
			if (parse_count("cycles", optarg, cycles))
				return -1;
			break;
		case 'B':
			if (parse_count("max-buffers", optarg, &ctx->max_buffers))
				return -1;
			break;
		case 'F':
			if (parse_count("max-framebuffers", optarg, &ctx->max_framebuffers))
				return -1;
			break;
		case 'S':
			if (parse_count("flood-seconds", optarg, &ctx->flood_seconds))
				return -1;
			break;
		case 'H':
			if (parse_count("hold-be-alloc", optarg, hold))
				return -1;
			break;
		case 'd':
			if (vdispl_xs_parse_u32(optarg, &ctx->devid)) {
				fprintf(stderr,
					EVIL_PROG ": --device: \"%s\" is not a device index\n",
					optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_ALL_PASSED);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, EVIL_PROG ": unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	evil_stop = 1;
}

/* No SA_RESTART: a signal ends the poll() a wait sits in, and the wait gives up. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int open_handles(struct evil_ctx *ctx)
{
	ctx->xce = xenevtchn_open(NULL, 0);
	if (!ctx->xce) {
		evil_setup_error("opening event channels (xenevtchn_open)", "/dev/xen/evtchn",
				 -errno);
		return -1;
	}
	ctx->xgs = xengntshr_open(NULL, 0);
	if (!ctx->xgs) {
		evil_setup_error("opening grant sharing (xengntshr_open; is xen_gntalloc loaded?)",
				 "/dev/xen/gntalloc", -errno);
		return -1;
	}
	return 0;
}

/* The one way out, from any point: release the connection, close the handles. */
static void cleanup(struct evil_ctx *ctx)
{
	evil_xenbus_release(ctx);
	if (ctx->xgs) {
		xengntshr_close(ctx->xgs);
		ctx->xgs = NULL;
	}
	if (ctx->xce) {
		xenevtchn_close(ctx->xce);
		ctx->xce = NULL;
	}
}


/*
 * Connected already: flip, let go of everything, and connect again, as a
 * guest whose display driver is loaded and unloaded over and over.
 */
static int run_cycles(struct evil_ctx *ctx, uint32_t cycles)
{
	for (uint32_t i = 0; i < cycles; i++) {
		if (i && (evil_xenbus_open(ctx) || evil_xenbus_connect(ctx)))
			return -1;
		if (evil_flips_run(ctx, 5))
			return -1;
		evil_xenbus_release(ctx);
	}
	printf("@@CYCLES done=%" PRIu32 "\n", cycles);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static struct evil_ctx ctx;
	unsigned int failed = 0;
	uint32_t flips = 0, cycles = 0, hold = 0;
	int status = EXIT_SETUP;

	evil_report_init();
	if (parse_args(argc, argv, &ctx, &flips, &cycles, &hold))
		return EXIT_SETUP;
	catch_signals();

	if (evil_xenbus_open(&ctx) || open_handles(&ctx) || evil_xenbus_connect(&ctx))
		goto out;
	if (cycles) {
		status = run_cycles(&ctx, cycles) ? EXIT_TESTS_FAILED : EXIT_ALL_PASSED;
		goto out;
	}
	if (hold) {
		status = evil_hold_be_alloc(&ctx, hold) ? EXIT_TESTS_FAILED : EXIT_ALL_PASSED;
		goto out;
	}
	if (flips) {
		status = evil_flips_run(&ctx, flips) ? EXIT_TESTS_FAILED : EXIT_ALL_PASSED;
		goto out;
	}
	if (evil_tests_run(&ctx, &failed))
		goto out;
	status = failed ? EXIT_TESTS_FAILED : EXIT_ALL_PASSED;
out:
	if (status == EXIT_SETUP && evil_stop)
		fprintf(stderr, EVIL_PROG ": interrupted\n");
	cleanup(&ctx);
	return status;
}
