/* SPDX-License-Identifier: MIT */
/*
 * --keep for the guest test clients: a DRM device's framebuffers live as
 * long as the open file that made them, so a child process that keeps
 * sharing that open file keeps the last picture on screen after the
 * command returns.
 */
#ifndef VDISPL_CLIENT_KEEP_H
#define VDISPL_CLIENT_KEEP_H

#include <sys/types.h>

/*
 * Fork a child that holds every open file of this process until it is
 * killed, in its own session and with stdin, stdout and stderr on
 * /dev/null (so a reader of the caller's pipes still sees EOF). Returns the
 * child's pid in the caller, or -1 with errno set. The caller must not
 * remove the framebuffers itself afterwards.
 */
pid_t client_keep_open_files(void);

#endif
