// SPDX-License-Identifier: MIT
/*
 * vdispl-dmabuf-check: the lab's Dom0 side of the zero-copy checks. It
 * exports the buffers a guest's test module (tests/kernel/guest-grants)
 * granted through the vdispl-dmabuf module and reports, one line per fact,
 * what it saw: bus segments against the guest's own count of machine runs,
 * the CPU view through the dma-buf's mmap against the guest's pattern, the
 * edu device's DMA against the CPU view, release, refusals and caps. The
 * lab test (tests/lab/test_dmabuf.py) judges the lines.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/dmabuf-check/check.h"

/* share: a 1024x768 XRGB frame, 3 MiB. */
#define SHARE_PAGES 768u
/* frames: how many the guest draws. */
#define FRAMES 8u

static const char usage[] =
	"Usage: vdispl-dmabuf-check guest DOMID [--edu] [--misuse]\n"
	"       vdispl-dmabuf-check hold DOMID\n"
	"       vdispl-dmabuf-check share DOMID\n"
	"       vdispl-dmabuf-check frames DOMID\n"
	"       vdispl-dmabuf-check nonroot\n"
	"\n"
	"guest    export every buffer DOMID's vdispl-grant-test module granted, and\n"
	"         check bus segments, the CPU view, (--edu) the edu device's DMA,\n"
	"         release; --misuse also checks refusals, caps and partial failures\n"
	"hold     export DOMID's buffer 0 and hold it until SIGTERM (the guest may\n"
	"         be destroyed meanwhile), then check it still reads the pattern\n"
	"frames   export each of DOMID's buffers once, then 8 times have the guest\n"
	"         redraw them (XenStore), check each one's CPU view, and have the\n"
	"         edu device DMA one of them, in turn\n"
	"share    have the module allocate a contiguous 3 MiB buffer (a 1024x768\n"
	"         frame) granted to DOMID, write a pattern through its mmap, and have\n"
	"         the edu device DMA it, imported for itself and for an unbound device\n"
	"nonroot  open " VDISPL_DMABUF_DEVICE " as uid 65534, with its own mode and\n"
	"         with mode 0666: both must be refused\n";

/* open() of the device by an unprivileged process: the errno it got. */
static int open_as_nobody(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct vdispl_dmabuf_module *m;
		int ret;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(255);
		ret = vdispl_dmabuf_module_open(&m);
		if (!ret)
			vdispl_dmabuf_module_close(m);
		_exit(-ret);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status) == 255 ? -ECHILD : -WEXITSTATUS(status);
}

static int check_nonroot(void)
{
	int as_is = open_as_nobody();
	int ret;

	printf("nonroot mode=default errno=%s\n", errno_name(as_is));
	/* The module checks the capability itself, whatever the node's mode says. */
	if (chmod(VDISPL_DMABUF_DEVICE, 0666))
		return fail_errno(-errno, "chmod %s", VDISPL_DMABUF_DEVICE);
	ret = open_as_nobody();
	chmod(VDISPL_DMABUF_DEVICE, 0600);
	printf("nonroot mode=0666 errno=%s\n", errno_name(ret));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "edu", no_argument, NULL, 'e' },
		{ "misuse", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool edu = false, misuse = false;
	unsigned long domid;
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'e':
			edu = true;
			break;
		case 'm':
			misuse = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (optind < argc && !strcmp(argv[optind], "nonroot") && optind + 1 == argc)
		return check_nonroot() ? 1 : 0;
	if (optind + 2 == argc &&
	    (!strcmp(argv[optind], "guest") || !strcmp(argv[optind], "hold") ||
	     !strcmp(argv[optind], "share") || !strcmp(argv[optind], "frames"))) {
		errno = 0;
		domid = strtoul(argv[optind + 1], &end, 10);
		if (errno || *end || end == argv[optind + 1] || domid >= 0x7ff0) {
			fputs(usage, stderr);
			return 2;
		}
		if (!strcmp(argv[optind], "hold"))
			return check_hold((uint32_t)domid) ? 1 : 0;
		if (!strcmp(argv[optind], "frames"))
			return check_frames((uint32_t)domid, FRAMES) ? 1 : 0;
		if (!strcmp(argv[optind], "share"))
			return check_share((uint32_t)domid, SHARE_PAGES) ? 1 : 0;
		return check_guest((uint32_t)domid, edu, misuse) ? 1 : 0;
	}
	fputs(usage, stderr);
	return 2;
}
