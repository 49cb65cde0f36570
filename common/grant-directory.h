/* SPDX-License-Identifier: MIT */
/*
 * A displif page directory in another domain's memory: the walk of
 * protocol/page-directory.h over gntdev mappings.
 *
 * One directory page is mapped at a time, copied out before anything in it
 * is believed (the other domain may rewrite it while we read), and
 * unmapped; the walk is bounded by the buffer's page count, whatever the
 * chain says.
 */
#ifndef VDISPL_COMMON_GRANT_DIRECTORY_H
#define VDISPL_COMMON_GRANT_DIRECTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/xen.h"

/*
 * Read the @num_grefs buffer references of the directory at @first, granted
 * by @domid, into @grefs; or, for a buffer we allocated (@fill), write
 * @grefs into the directory (its pages mapped writable). Returns 0 or
 * -errno: -EINVAL for a malformed directory, the mapping error of a page
 * that could not be mapped (then *@bad_page, if not NULL, is its
 * reference).
 */
int vdispl_grant_directory_walk(struct vdispl_gnttab *gnttab, uint32_t domid,
				vdispl_gref_t first, uint32_t num_grefs, vdispl_gref_t *grefs,
				bool fill, vdispl_gref_t *bad_page);

#endif
