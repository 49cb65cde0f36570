// SPDX-License-Identifier: MIT
/* The intrusive list: order, unlinking anywhere, and unlinking while walking. */
#include "common/list.h"
#include "tests/unit/tap.h"

struct item {
	int value;
	struct vdispl_list link;
};

/* The values in list order, as one number: 3, 1, 2 -> 312. */
static int digits(struct vdispl_list *head)
{
	struct vdispl_list *pos;
	int n = 0;

	vdispl_list_for_each(pos, head)
		n = n * 10 + vdispl_container_of(pos, struct item, link)->value;
	return n;
}

int main(void)
{
	struct item items[5];
	struct vdispl_list head, *pos, *tmp;

	vdispl_list_init(&head);
	TAP_CHECK(vdispl_list_empty(&head), "a new list is empty");
	TAP_EQ_INT(digits(&head), 0, "and walks no item");
	for (int i = 0; i < 5; i++) {
		items[i].value = i + 1;
		vdispl_list_add(&head, &items[i].link);
	}
	TAP_EQ_INT(digits(&head), 54321, "add puts each item first");
	vdispl_list_del(&items[2].link);
	TAP_EQ_INT(digits(&head), 5421, "an item from the middle unlinked");
	vdispl_list_del(&items[2].link);
	TAP_EQ_INT(digits(&head), 5421, "unlinking it again changes nothing");
	vdispl_list_del(&items[4].link);
	vdispl_list_del(&items[0].link);
	TAP_EQ_INT(digits(&head), 42, "the first and the last unlinked");
	vdispl_list_for_each_safe(pos, tmp, &head) {
		if (vdispl_container_of(pos, struct item, link)->value == 4)
			vdispl_list_del(pos);
	}
	TAP_EQ_INT(digits(&head), 2, "an item unlinked while walking, the walk goes on");
	{
		struct item *it;
		int sum = 0;

		vdispl_list_add(&head, &items[4].link);
		vdispl_list_for_each_item(it, struct item, link, &head, pos, tmp) {
			sum += it->value;
			vdispl_list_del(&it->link);
		}
		TAP_EQ_INT(sum, 2 + 5, "by item: each one, each unlinked on the way");
	}
	TAP_CHECK(vdispl_list_empty(&head), "every item unlinked: empty again");
	return tap_done();
}
