// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tools/client/keep.h"

/* The child must not hold the caller's pipes open, or a reader never sees EOF. */
static void detach_stdio(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (int fd = 0; fd <= 2; fd++) {
		if (null < 0 || dup2(null, fd) < 0)
			close(fd);
	}
	if (null > 2)
		close(null);
}

pid_t client_keep_open_files(void)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid != 0)
		return pid;
	/* Its own session: no SIGHUP when the lab's shell goes away. */
	setsid();
	/* Holding no directory keeps no mount busy; failing is harmless. */
	(void)!chdir("/");
	detach_stdio();
	for (;;)
		pause();
}
