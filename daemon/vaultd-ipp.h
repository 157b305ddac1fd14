/*
 * Private interface between the files of vaultd's counters IPP service
 * (vaultd-ipp.c: HTTP, requests, the gate; vaultd-ipp-listen.c: listening
 * sockets; vaultd-ipp-attrs.c: attributes).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULTD_IPP_H
#define VAULTD_IPP_H

#include "vaultd.h"
#include <cups/cups.h>

G_BEGIN_DECLS

/* Listen on "host:port" ("[::1]:port" too), loopback only; the fd, or -1 with CONFIG or IO. */
extern int		_vaultdIppListenTcp(const char *listen_spec, GError **error);

/* Listen on a unix socket at path (a stale socket there is replaced), mode 0666; the fd, or -1 with CONFIG or IO. */

/* requested-attributes as a set of names (g_hash_table_destroy it); NULL means all. */
extern GHashTable	*_vaultdIppRequested(ipp_t *request);

/* Add the printer attributes that come from a queue's counters. */
extern void		_vaultdIppAddCounters(ipp_t *response, const vault_counters_t *counters, GHashTable *set);

/* Add vault-held-jobs and vault-area-usage; false with error when the store cannot be read. */
extern bool		_vaultdIppAddStoreAttrs(vault_store_t *store, ipp_t *response, const char *queue, GHashTable *set, GError **error);

G_END_DECLS

#endif /* !VAULTD_IPP_H */
