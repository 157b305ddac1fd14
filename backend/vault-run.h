/*
 * What one run of the vault backend holds, shared by the files of the
 * backend's main flow (vault.c), its input (vault-input.c), vault
 * references (vault-ref.c) and its exit status (vault-exit.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULT_RUN_H
#define VAULT_RUN_H

#include "backend.h"

#define BACKEND_IO_SIZE 65536

/* What a run did, before it becomes an exit code. */
typedef enum outcome_e
{
  OUTCOME_PRINTED,		/* Printed and erased */
  OUTCOME_ALREADY_DONE,		/* An earlier run printed it */
  OUTCOME_HELD,			/* Interrupted: held for a decision */
  OUTCOME_DISCARDED,		/* Discarded (entry or inner backend said cancel) */
  OUTCOME_INNER,		/* Inner backend status passed to cupsd, entry kept */
  OUTCOME_TERMINATED,		/* cupsd sent SIGTERM while printing */
  OUTCOME_ERROR			/* A fault; see the GError */
} outcome_t;

/* Everything one run holds. */
typedef struct run_s
{
  int			argc;		/* Arguments */
  char			**argv;
  backend_uri_t		uri;		/* Device URI parts */
  backend_job_t		job;		/* Job identity */
  backend_inner_t	inner;		/* Inner backend */
  vault_config_t	*config;	/* vault.conf */
  vault_store_t		*store;		/* Open store */
  char			*id;		/* Entry id */
  vault_lock_t		*lock;		/* Entry lock, held for the whole run */
  vault_entry_t		*entry;		/* The job's entry */
  char			actor[64];	/* "backend[pid]" */
  bool			waited;		/* Another process held the lock */
  vault_entry_t		*before_wait;	/* The entry as read before waiting (read-only), or NULL */
  int			inner_status;	/* For OUTCOME_INNER */
  char			peek[VAULT_REF_MAX_SIZE + 1];	/* First bytes of the data */
  size_t		peek_len;	/* Bytes in peek */
  bool			peek_stdin;	/* peek was consumed from stdin: store it first */
  char			*secret;	/* job-password from argv[5] (wiped), or NULL */
  guint8		key[VAULT_DATA_KEY_SIZE];	/* Data key granted by vaultd */
  bool			granted;	/* key holds a grant */
  vault_gate_t		*gate;		/* Queue's print gate while sending */
} run_t;


/*
 * vault-input.c: the job data (argv[6] or stdin).
 */

/* Read and drop the data cupsd sends a run that prints from the vault copy. */
extern void		backendRunDrainInput(run_t *run);
/* Read the first bytes (a vault reference?) without losing them. */
extern bool		backendRunPeekInput(run_t *run, GError **error);
/* Store a new job: create the entry, copy the data in, commit.  Durable when true. */
extern bool		backendRunStoreJob(run_t *run, GError **error);

/*
 * vault-ref.c: a job whose document is a reference to a vault entry.
 */

extern outcome_t	backendRunReference(run_t *run, GError **error);

/*
 * vault.c: the main flow, which the other two call back.
 */

extern bool		backendRunLockEntry(run_t *run, GError **error);
extern outcome_t	backendRunActOnEntry(run_t *run, GError **error);

/*
 * vault-exit.c: the exit status of a run.
 */

extern int		backendRunExitStatus(const run_t *run, outcome_t outcome, const GError *error);

#endif /* !VAULT_RUN_H */
