// SPDX-License-Identifier: MIT
/*
 * vdispl-backend: the Dom0 daemon serving Xen para-virtual displays.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/config.h"
#include "common/log.h"

static const char usage[] =
	"Usage: vdispl-backend [OPTION]...\n"
	"Serve the para-virtual displays (vdispl) of Xen guests from Dom0, showing\n"
	"each guest connector on a KMS display, in a Wayland window or in PNG files.\n"
	"\n"
	"  -c, --config FILE        ini file: which output shows which guest connector\n"
	"  -o, --output KIND        output for connectors the file does not place:\n"
	"                           kms (default), headless or wayland (a window per\n"
	"                           connector on $WAYLAND_DISPLAY's compositor)\n"
	"  -d, --drm-device PATH    DRM device for kms outputs (default /dev/dri/card0)\n"
	"      --png-dir DIR        where headless outputs write PNGs (default .)\n"
	"      --png-every N        headless: write every Nth flip (0: only on SIGUSR2)\n"
	"      --import KIND        how guest buffers are taken: auto (default: zero-copy\n"
	"                           where it works, else copy), module, gntdev-dmabuf\n"
	"                           or copy; be-alloc buffers come from the module\n"
	"                           unless another is chosen, else from gntalloc\n"
	"  -v, --verbose            log more (twice: debug)\n"
	"  -q, --quiet              log errors only\n"
	"      --log-level LEVEL    error, warn, info (default) or debug\n"
	"  -h, --help               show this help and exit\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Signals: SIGTERM/SIGINT stop it cleanly, SIGUSR1 logs a status line with\n"
	"the number of grant pages mapped, zero-copy buffers and bytes copied,\n"
	"SIGUSR2 writes a PNG of every headless output and of every KMS output\n"
	"whose display has a writeback connector.\n"
	"\n"
	"Config file sections: [backend] for defaults, [<domain>/<unique-id>] per\n"
	"guest connector (either side may be *); keys output, drm-device,\n"
	"drm-connector, kms-legacy, png-dir, png-every, wayland-display, ivi-id\n"
	"(under weston's ivi-shell: an ivi surface of that id, not a window);\n"
	"import in [backend] only. A layout shares one KMS display among connectors of\n"
	"several guests: position = X,Y (the connector's region on it), size = WxH\n"
	"(default: the connector's resolution), z-order = N (higher on top).\n"
	"What a guest may make us hold, per device, in [backend] or [<domain>/*]:\n"
	"max-buffers (default 256), max-framebuffers (256), max-pages (196608),\n"
	"max-width and max-height (4096), be-alloc (default no: a guest asking\n"
	"for backend-allocated buffers is refused); for all guests, in [backend]:\n"
	"max-total-buffers (4096), max-total-pages (524288).\n";

enum {
	OPT_PNG_DIR = 256,
	OPT_PNG_EVERY,
	OPT_IMPORT,
	OPT_LOG_LEVEL,
};

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "output", required_argument, NULL, 'o' },
	{ "drm-device", required_argument, NULL, 'd' },
	{ "png-dir", required_argument, NULL, OPT_PNG_DIR },
	{ "png-every", required_argument, NULL, OPT_PNG_EVERY },
	{ "import", required_argument, NULL, OPT_IMPORT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

/* Command-line values win over the [backend] section of the file. */
struct overrides {
	const char *output;
	const char *drm_device;
	const char *png_dir;
	const char *png_every;
	const char *import;
};

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vdispl-backend: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vdispl-backend --help'.\n");
	return 2;
}

/*
 * An option is a [backend] key given on the command line: it goes through
 * the config file's own checks, as a one-key file parsed over the real one.
 */
static int override(struct vdispl_config *config, const char *key, const char *value)
{
	char text[64 + VDISPL_CONFIG_STR], error[256];
	const char *why = error;
	int n;

	if (!value)
		return 0;
	n = snprintf(text, sizeof(text), "[backend]\n%s = %s\n", key, value);
	if (strchr(value, '\n') || n < 0 || (size_t)n >= sizeof(text))
		return fail("--%s: not a value", key);
	if (vdispl_config_parse_string(config, text, error, sizeof(error)) == 0)
		return 0;
	/* "line 2: bad value ..." is about our one-key file, not the user's. */
	if (strncmp(error, "line ", 5) == 0 && strchr(error, ' ') && strstr(error, ": "))
		why = strstr(error, ": ") + 2;
	return fail("--%s %s: %s", key, value, why);
}

static int apply_overrides(struct vdispl_config *config, const struct overrides *o)
{
	if (override(config, "output", o->output) || override(config, "drm-device", o->drm_device) ||
	    override(config, "png-dir", o->png_dir) || override(config, "png-every", o->png_every) ||
	    override(config, "import", o->import))
		return 2;
	return 0;
}

static int parse_args(int argc, char **argv, struct vdispl_config *config)
{
	enum vdispl_log_level level = VDISPL_LOG_INFO;
	struct overrides o = { 0 };
	const char *config_path = NULL;
	char error[256];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "c:o:d:vqhV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'd':
			o.drm_device = optarg;
			break;
		case OPT_PNG_DIR:
			o.png_dir = optarg;
			break;
		case OPT_PNG_EVERY:
			o.png_every = optarg;
			break;
		case OPT_IMPORT:
			o.import = optarg;
			break;
		case 'v':
			if (level < VDISPL_LOG_DEBUG)
				level++;
			break;
		case 'q':
			level = VDISPL_LOG_ERROR;
			break;
		case OPT_LOG_LEVEL:
			if (vdispl_log_level_parse(optarg, &level))
				return fail("--log-level %s: want error, warn, info or debug", optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case 'V':
			printf("vdispl-backend %s\n", VDISPL_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try 'vdispl-backend --help'.\n");
			return 2;
		}
	}
	if (optind < argc)
		return fail("unexpected argument '%s'", argv[optind]);
	vdispl_log_set_level(level);

	vdispl_config_init(config);
	if (config_path) {
		ret = vdispl_config_parse_file(config, config_path, error, sizeof(error));
		/* Parse errors say "line N: ..."; read errors name the file already. */
		if (ret)
			return strncmp(error, "line ", 5) ? fail("%s", error)
							  : fail("%s: %s", config_path, error);
	}
	return apply_overrides(config, &o);
}

int main(int argc, char **argv)
{
	struct vdispl_config *config = malloc(sizeof(*config));
	struct vdispl_backend *backend;
	sigset_t mask;
	int ret;

	if (!config)
		return 1;
	ret = parse_args(argc, argv, config);
	if (ret) {
		free(config);
		return ret;
	}
	/*
	 * Signals arrive through a signalfd in the loop, never asynchronously.
	 * A signal ignored by whoever started us would be discarded even while
	 * blocked, so the dispositions are reset first.
	 */
	vdispl_backend_signals(&mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&mask, sig) == 1)
			signal(sig, SIG_DFL);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	ret = vdispl_backend_create(config, &backend);
	free(config);
	if (ret)
		return 1;
	ret = vdispl_backend_run(backend);
	vdispl_backend_destroy(backend);
	vdispl_log(INFO, NULL, "stopped, %llu grant pages still mapped, %llu shared",
		   (unsigned long long)vdispl_gnttab_mapped_total(),
		   (unsigned long long)vdispl_gntshr_shared_total());
	return ret ? 1 : 0;
}
