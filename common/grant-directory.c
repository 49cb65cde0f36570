// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "common/grant-directory.h"
#include "protocol/page-directory.h"

int vdispl_grant_directory_walk(struct vdispl_gnttab *gnttab, uint32_t domid,
				vdispl_gref_t first, uint32_t num_grefs, vdispl_gref_t *grefs,
				bool fill, vdispl_gref_t *bad_page)
{
	struct vdispl_pgdir_walk walk;
	/* A private copy: the other domain may rewrite the shared page while we read. */
	static uint8_t copy[VDISPL_XEN_PAGE_SIZE];
	int ret = vdispl_pgdir_walk_init(&walk, first, num_grefs) ? -EINVAL : 0;

	while (!ret && !vdispl_pgdir_walk_done(&walk)) {
		void *page;

		ret = vdispl_gnttab_map(gnttab, domid, 1, &walk.next, fill, &page);
		if (ret) {
			if (bad_page)
				*bad_page = walk.next;
			return ret;
		}
		memcpy(copy, page, sizeof(copy));
		/* The pure walk speaks the wire's status; ours is errno. */
		ret = (fill ? vdispl_pgdir_fill_page(&walk, copy, page, grefs)
			    : vdispl_pgdir_walk_page(&walk, copy, grefs)) ? -EINVAL : 0;
		vdispl_gnttab_unmap(gnttab, page, 1);
	}
	return ret;
}
