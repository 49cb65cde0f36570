/* SPDX-License-Identifier: MIT */
/*
 * A circular doubly linked list threaded through the items (as the
 * kernel's list_head): unlinking needs no search, and an item knows
 * whether it is linked. The head is a node of its own; an empty list's
 * head points at itself.
 */
#ifndef VDISPL_COMMON_LIST_H
#define VDISPL_COMMON_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct vdispl_list {
	struct vdispl_list *prev;
	struct vdispl_list *next;
};

/* The item of type @type whose member @member is at @ptr. */
#define vdispl_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline void vdispl_list_init(struct vdispl_list *head)
{
	head->prev = head;
	head->next = head;
}

static inline bool vdispl_list_empty(const struct vdispl_list *head)
{
	return head->next == head;
}

/* Link @node first in @head's list. */
static inline void vdispl_list_add(struct vdispl_list *head, struct vdispl_list *node)
{
	node->prev = head;
	node->next = head->next;
	head->next->prev = node;
	head->next = node;
}

/* Unlink @node; it then forms a list of its own, so a second call does nothing. */
static inline void vdispl_list_del(struct vdispl_list *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	vdispl_list_init(node);
}

/* Walk @head's list; @pos is each node. Do not unlink @pos in the body. */
#define vdispl_list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

/* As above, where the body may unlink (and free) @pos; @tmp is scratch. */
#define vdispl_list_for_each_safe(pos, tmp, head)                                                  \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head);                           \
	     (pos) = (tmp), (tmp) = (pos)->next)

/*
 * As above, by item: @item (a pointer to @type, linked through its member
 * @member) is each item in turn, and the body may unlink and free it;
 * @pos and @tmp are scratch nodes. (The empty if-branch keeps an else
 * after the loop from binding to it.)
 */
#define vdispl_list_for_each_item(item, type, member, head, pos, tmp)                              \
	vdispl_list_for_each_safe(pos, tmp, head)                                                  \
		if (((item) = vdispl_container_of(pos, type, member)) == NULL) {                   \
		} else

#endif
