/*
 * Helpers shared by the spool unit tests: a throw-away store in a temporary
 * directory, sample jobs, whole-entry round trips and a plaintext scanner.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULT_TEST_SPOOL_UTIL_H
#define VAULT_TEST_SPOOL_UTIL_H

#include "spool-private.h"

typedef struct vt_s
{
  char			*dir;		/* Temporary directory holding everything */
  char			*conf_path;	/* <dir>/vault.conf */
  char			*key_path;	/* <dir>/vault.key */
  char			*root;		/* <dir>/root */
  char			*area[2];	/* <dir>/area-a, <dir>/area-b */
  vault_config_t	*config;
  vault_store_t		*store;
  vault_job_t		job;		/* Sample job (vtJob) */
  char			uuid[64];
} vt_t;

/* Create dir, key and vault.conf with two areas of the given capacities plus extra [vault] lines, and open the store. */
extern void	vtSetup(vt_t *t, const char *cap_a, const char *cap_b, const char *extra);
/* Reopen the store (after a crash, or with another $VAULT_BOOT_ID). */
extern void	vtReopen(vt_t *t);
extern void	vtTeardown(vt_t *t);

/* Fill t->job with sample job number n (uuid derived from n). */
extern const vault_job_t *vtJob(vt_t *t, int n, const char *user);

/* Create, write (in pieces of step bytes) and commit an entry; returns its id (g_free). */
extern char	*vtStore(vt_t *t, const vault_job_t *job, const void *data, size_t len, size_t step);

/* Read an entry's whole data; NULL with error on failure. */
extern GByteArray *vtReadAll(vault_entry_t *entry, const char *secret, GError **error);

/* Open entry id with its lock (both returned); asserts success. */
extern vault_entry_t *vtOpen(vt_t *t, const char *id, vault_lock_t **lock);

/* Deterministic test data of len bytes with a marker every 4 KiB. */
extern guint8	*vtData(size_t len, const char *marker);

/* True when any regular file under path contains needle. */
extern bool	vtTreeContains(const char *path, const char *needle);

/* Number of regular files directly in dir whose name ends with suffix ("" for all). */
extern guint	vtCountFiles(const char *dir, const char *suffix);

/* vaultEntrySetState, expecting error code (0: success, and the entry in state). */
extern void	vtSetState(vault_entry_t *entry, vault_state_t state, int code);

/* rm -rf */
extern void	vtRemoveTree(const char *path);

#endif /* !VAULT_TEST_SPOOL_UTIL_H */
