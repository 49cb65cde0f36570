/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for Xen behind common/xen.h, for unit tests of the backend's
 * own code: an in-memory XenStore with watches, event channels between
 * Dom0 and fake guests, and grants of real shared memory (a memfd), so a
 * page the backend maps is the page the test's guest wrote.
 *
 * It checks what real Xen would refuse or silently suffer: notifying or
 * unbinding a port that is not bound, unmapping what is not mapped (or
 * twice), mapping a reference that was never granted, and closing a
 * grant handle with pages still mapped. Each misuse is counted and
 * printed as a TAP comment; tests assert fake_xen_misuses() == 0.
 *
 * Single-threaded, as the daemon is. The fds the backend polls are
 * eventfds, readable exactly while something is pending.
 */
#ifndef VDISPL_TESTS_FAKE_XEN_H
#define VDISPL_TESTS_FAKE_XEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/xen.h"

#define FAKE_PAGE_SIZE 4096u

/* Start from nothing: an empty XenStore with "domid" = 0, no grants, no ports. */
void fake_xen_reset(void);

/* Misuses seen since the last reset. */
unsigned int fake_xen_misuses(void);

/* ---- XenStore, as the toolstack and guests write it ---- */

/* Write @value at absolute @path, firing watches as xenstored would. */
void fake_xs_write(const char *path, const char *value);
/* Remove @path and everything under it, firing watches. */
void fake_xs_rm(const char *path);
/* The value at @path, or NULL. Valid until the next write. */
const char *fake_xs_read(const char *path);
/* Fire the watches on a special path such as "@releaseDomain". */
void fake_xs_fire(const char *path);

/* ---- a guest's memory and grants ---- */

/* A new zeroed guest page; the pointer is the guest's view of it. */
void *fake_guest_page(void);
/* Grant @page (from fake_guest_page()) to Dom0; returns its reference. */
vdispl_gref_t fake_grant(uint32_t domid, void *page);
/* Withdraw every grant of @domid (its pages stay, unreachable). */
void fake_revoke_all(uint32_t domid);
/* Pages of any guest mapped by Dom0 right now. */
uint64_t fake_pages_mapped(void);
/* The guest's view of Dom0's shared page @gref (gntshr), or NULL. */
void *fake_guest_map_shared(uint32_t domid, vdispl_gref_t gref);

/* ---- a guest's event channels ---- */

/* An unbound port of @domid for Dom0 to bind, as the frontend allocates. */
uint32_t fake_evtchn_alloc(uint32_t domid);
/* The guest notifies its @port: Dom0's bound port becomes pending. */
void fake_evtchn_notify(uint32_t domid, uint32_t port);
/* How often Dom0 notified the guest's @port. */
unsigned int fake_evtchn_notified(uint32_t domid, uint32_t port);
/* Whether Dom0 has @port of @domid bound. */
bool fake_evtchn_bound(uint32_t domid, uint32_t port);
/* Called after each Dom0 notify of a guest port (a guest that answers at once); NULL: none. */
void fake_evtchn_on_notify(void (*fn)(void *data, uint32_t domid, uint32_t port), void *data);

#endif
