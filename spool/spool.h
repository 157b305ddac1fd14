/*
 * Public interface of the vault spool: the crash-safe, encrypted job store
 * every cups-vault program links (backend, filter, vaultd, vaultctl).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A store is a set of areas (directories with a byte capacity) plus a root
 * directory holding the journal and the per-entry lock files.  One job is
 * one entry: an encrypted data file and a metadata sidecar in one area.
 * The library prints nothing; every fault is a GError in the VAULT_ERROR
 * domain (spool-error.h).
 *
 * Concurrency contract: a process changes an entry only while it holds the
 * entry's lock (vaultLockAcquire).  Locks are advisory flock(2) locks on
 * files under <root>/locks, so they vanish with the process that held them.
 */

#ifndef VAULT_SPOOL_H
#define VAULT_SPOOL_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>
#include "spool-error.h"

G_BEGIN_DECLS

/*
 * Opaque objects.
 */

typedef struct _vault_config_s vault_config_t;	/* Parsed vault.conf */
typedef struct _vault_store_s vault_store_t;	/* Open store: config, site key, areas */
typedef struct _vault_lock_s vault_lock_t;	/* Held lock on one entry id */
typedef struct _vault_entry_s vault_entry_t;	/* One job's entry (sidecar in memory) */
typedef struct _vault_reader_s vault_reader_t;	/* Decrypting stream over a data file */

/*
 * Job states, as stored in the sidecar (see doc/FORMAT.md and DESIGN.md).
 */

typedef enum vault_state_e
{
  VAULT_STATE_RECEIVING,	/* Data being written; discarded at boot if found */
  VAULT_STATE_STORED,		/* Committed, durable, not being sent */
  VAULT_STATE_SENDING,		/* A backend run (boot id + pid) is sending it */
  VAULT_STATE_DONE,		/* Printed; crypto-erased (tombstone sidecar only) */
  VAULT_STATE_RESURRECTED,	/* Found STORED/SENDING by the boot sweep */
  VAULT_STATE_AWAITING,		/* Interrupted; held in cupsd for a decision */
  VAULT_STATE_DISCARDED		/* Canceled or stale; crypto-erased (tombstone) */
} vault_state_t;

#define VAULT_STATE_COUNT 7

/*
 * Stale policy for the boot sweep.
 */

typedef enum vault_stale_e
{
  VAULT_STALE_SAME_DAY,		/* Discard entries stored on an earlier site-local day */
  VAULT_STALE_MAX_AGE,		/* Discard entries older than max-age seconds */
  VAULT_STALE_NEVER		/* Never discard for age */
} vault_stale_t;

/*
 * A job's identity and description, as the backend learns it from argv and
 * the environment.  Input to vaultEntryCreate; vaultEntryGetJob returns the
 * copy kept in the sidecar.  Strings are UTF-8; NULL means unknown.
 */

typedef struct vault_job_s
{
  const char	*uuid;		/* job-uuid ("urn:uuid:" + 36 chars), required */
  gint64	created;	/* time-at-creation (UNIX seconds), required */
  int		job_id;		/* CUPS job id (reused by cupsd after a crash) */
  const char	*queue;		/* CUPS printer (queue) name, required */
  const char	*user;		/* Originator user name (argv[2]), required */
  const char	*host;		/* job-originating-host-name */
  const char	*title;		/* job-name (argv[3]) */
  int		copies;		/* argv[4] */
  int		priority;	/* job-priority 1..100 (50 when unknown) */
  const char	*inner_uri;	/* Inner device URI WITHOUT credentials */
  const char	*content_type;	/* MIME type of the stored data */
} vault_job_t;

/*
 * A journal record: one per state transition.  Strings may be NULL.
 */

typedef struct vault_record_s
{
  gint64	time;		/* UNIX seconds (UTC) */
  const char	*entry_id;	/* Entry id (32 hex digits) */
  const char	*uuid;		/* job-uuid */
  gint64	created;	/* time-at-creation */
  int		job_id;		/* CUPS job id */
  const char	*queue;		/* Queue */
  const char	*user;		/* Originator */
  const char	*from;		/* State before ("none" for a new entry) */
  const char	*to;		/* State after */
  const char	*actor;		/* Who: "backend[pid]", "vaultd", user name, ... */
  const char	*reason;	/* Why, a short sentence */
} vault_record_t;

/*
 * Configuration (spool-config.c).
 */

/* Load vault.conf; path NULL means $VAULT_CONF, else the built-in default. */
extern vault_config_t	*vaultConfigLoad(const char *path, GError **error);
extern void		vaultConfigFree(vault_config_t *config);
extern const char	*vaultConfigGetPath(const vault_config_t *config);
extern const char	*vaultConfigGetRoot(const vault_config_t *config);
extern const char	*vaultConfigGetKeyFile(const vault_config_t *config);
extern guint		vaultConfigGetAreaCount(const vault_config_t *config);
extern const char	*vaultConfigGetAreaName(const vault_config_t *config, guint i);
extern const char	*vaultConfigGetAreaPath(const vault_config_t *config, guint i);
extern guint64		vaultConfigGetAreaCapacity(const vault_config_t *config, guint i);
extern guint64		vaultConfigGetOriginatorMaxBytes(const vault_config_t *config);	/* 0 = no cap */
extern guint		vaultConfigGetOriginatorMaxEntries(const vault_config_t *config);	/* 0 = no cap */
extern vault_stale_t	vaultConfigGetStalePolicy(const vault_config_t *config, gint64 *max_age);
extern gint64		vaultConfigGetTombstoneAge(const vault_config_t *config);	/* seconds */
extern const char	*vaultConfigGetRepresentative(const vault_config_t *config);	/* may be NULL */
extern guint		vaultConfigGetConsultTimeout(const vault_config_t *config);	/* seconds */
extern const char	*vaultConfigGetCountersListen(const vault_config_t *config);	/* "host:port" or NULL */
extern const char	*vaultConfigGetCountersSocket(const vault_config_t *config);	/* path or NULL */
extern const char	*vaultConfigGetReleaseSocket(const vault_config_t *config);	/* vaultd's release socket path (default /run/cups-vault/release.sock) */
/* Per-queue policy from [queue NAME] (NAME compared ignoring ASCII case, as CUPS does); false when the queue has no group. */
extern bool		vaultConfigGetQueueRequireSecret(const vault_config_t *config, const char *queue);
extern bool		vaultConfigGetQueueRepresentativeMayRelease(const vault_config_t *config, const char *queue);

/*
 * Site key (spool-key.c).
 */

/* Create a new site key file (32 random bytes, mode 0600, O_EXCL). */
extern bool		vaultKeyFileCreate(const char *path, GError **error);

/*
 * Store (spool-store.c, spool-area.c).
 */

/* Open the store described by config: read the site key, check the areas, create <root>/locks. */
extern vault_store_t	*vaultStoreOpen(const vault_config_t *config, GError **error);
extern void		vaultStoreClose(vault_store_t *store);
extern const vault_config_t *vaultStoreGetConfig(vault_store_t *store);

/* Usage of area i, derived from the files on disk. */
extern bool		vaultStoreGetAreaUsage(vault_store_t *store, guint i, guint64 *used, guint64 *capacity, guint64 *fs_free, GError **error);

/* Callback for vaultStoreForeach: entry is NULL and load_error set when the sidecar of id is unreadable.  Return false to stop. */
typedef bool (*vault_foreach_cb_t)(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data);

/* Visit every entry (every sidecar, and data files without one) in every area; entries are freed after the callback. */
extern bool		vaultStoreForeach(vault_store_t *store, vault_foreach_cb_t cb, void *data, GError **error);
/* The same for some kinds of entries only: the live ones, the tombstones (erased), or both. */
typedef enum vault_walk_e
{
  VAULT_WALK_LIVE       = 1,
  VAULT_WALK_TOMBSTONES = 2,
  VAULT_WALK_ALL        = 3
} vault_walk_t;
extern bool		vaultStoreWalk(vault_store_t *store, vault_walk_t what, vault_foreach_cb_t cb, void *data, GError **error);

/*
 * Identity and locks (spool-lock.c).
 */

/* The entry id of a job: 32 lowercase hex digits from queue, uuid and time-at-creation. */
extern char		*vaultJobEntryId(const vault_job_t *job, GError **error);

/* Lock entry id; wait=false fails with VAULT_ERROR_LOCKED when another process holds it. */
extern vault_lock_t	*vaultLockAcquire(vault_store_t *store, const char *id, bool wait, GError **error);
extern void		vaultLockRelease(vault_lock_t *lock);

/*
 * Entries (spool-entry.c: create; spool-entry-receive.c: write, commit,
 * abort).  Callers hold the entry's lock.
 */

/*
 * Create a new entry in the area with the most free room.  size_hint is the
 * expected plaintext size (0 when unknown).  A non-NULL secret wraps the data
 * key under both the site key and a key derived from the secret.  Fails with
 * EXISTS, FULL, QUOTA, INVALID or IO; nothing is left on disk on failure.
 */
extern vault_entry_t	*vaultEntryCreate(vault_store_t *store, vault_lock_t *lock, const vault_job_t *job, guint64 size_hint, const char *secret, GError **error);

/* Append plaintext to a RECEIVING entry; encrypts as bytes arrive, memory bounded.  FULL when the area overflows. */
extern bool		vaultEntryWrite(vault_entry_t *entry, const void *buf, size_t len, GError **error);

/* Seal the data file (final chunk), fsync it, write the STORED sidecar.  Durable when it returns true. */
extern bool		vaultEntryCommit(vault_entry_t *entry, const char *actor, GError **error);

/* Throw away a RECEIVING entry: its files are removed, nothing is journalled as stored. */
extern void		vaultEntryAbort(vault_entry_t *entry, const char *reason);

/* Open the entry with this id (lock held); NOT_FOUND when there is none, CORRUPT/AUTH for a bad sidecar. */
extern vault_entry_t	*vaultEntryOpen(vault_store_t *store, vault_lock_t *lock, const char *id, GError **error);

/* Read the entry with this id without its lock (read-only, as it was then); errors as vaultEntryOpen. */
extern vault_entry_t	*vaultEntryPeek(vault_store_t *store, const char *id, GError **error);

/* Change state: validates the transition, records boot id and pid for SENDING, replaces the sidecar atomically and journals it. */
extern bool		vaultEntrySetState(vault_entry_t *entry, vault_state_t state, const char *actor, const char *reason, GError **error);

/* AWAITING, held by cupsd process holder (0: not known) in this boot; an AWAITING entry gets its holder recorded (spool-entry-hold.c). */
extern bool		vaultEntryHold(vault_entry_t *entry, pid_t holder, const char *actor, const char *reason, GError **error);

/* True when AWAITING and held by cupsd process cupsd of this boot (never for an unknown holder, pid 0): a run from that cupsd is a release. */
extern bool		vaultEntryIsHeldBy(const vault_entry_t *entry, pid_t cupsd);

/* Crypto-erase: final is DONE or DISCARDED.  The wrapped key leaves the sidecar first (tombstone), then the data file is removed. */
extern bool		vaultEntryErase(vault_entry_t *entry, vault_state_t final, const char *actor, const char *reason, GError **error);

/* Remove a tombstone (DONE/DISCARDED sidecar) or a RECEIVING leftover entirely. */
extern bool		vaultEntryRemove(vault_entry_t *entry, GError **error);

extern void		vaultEntryFree(vault_entry_t *entry);

extern const char	*vaultEntryGetId(const vault_entry_t *entry);
extern vault_state_t	vaultEntryGetState(const vault_entry_t *entry);
extern const vault_job_t *vaultEntryGetJob(const vault_entry_t *entry);
extern const char	*vaultEntryGetArea(const vault_entry_t *entry);
extern gint64		vaultEntryGetStoredTime(const vault_entry_t *entry);		/* UTC seconds */
extern const char	*vaultEntryGetStoredLocalDate(const vault_entry_t *entry);	/* "YYYY-MM-DD", site-local */
extern gint64		vaultEntryGetChangedTime(const vault_entry_t *entry);		/* last transition */
extern guint64		vaultEntryGetSize(const vault_entry_t *entry);			/* plaintext bytes */
extern guint64		vaultEntryGetFileSize(const vault_entry_t *entry);		/* data file bytes */
extern const char	*vaultEntryGetBootId(const vault_entry_t *entry);		/* of the SENDING run, or the AWAITING holder */
extern pid_t		vaultEntryGetPid(const vault_entry_t *entry);			/* of the SENDING run, or the AWAITING holder (cupsd) */
extern bool		vaultEntryHasSecret(const vault_entry_t *entry);

/* True for RESURRECTED, and for SENDING recorded by another boot or by a pid that no longer runs. */
extern bool		vaultEntryIsInterrupted(const vault_entry_t *entry);

/* Per-media sheet counts recorded for the job ("media/tray" -> sheets); may be empty. */
extern GHashTable	*vaultEntryGetMediaCounts(const vault_entry_t *entry);
extern bool		vaultEntrySetMediaCounts(vault_entry_t *entry, GHashTable *counts, GError **error);

/*
 * Reading back (spool-entry-data.c over spool-crypt-open.c).
 */

/* Open the data of a STORED/SENDING/AWAITING/RESURRECTED entry; secret required when vaultEntryHasSecret. */
extern vault_reader_t	*vaultEntryOpenData(vault_entry_t *entry, const char *secret, GError **error);

/* Read decrypted bytes: > 0 bytes, 0 at the authenticated end, -1 with TRUNCATED, AUTH, CORRUPT or IO. */
extern gssize		vaultReaderRead(vault_reader_t *reader, void *buf, size_t len, GError **error);
extern void		vaultReaderClose(vault_reader_t *reader);

/*
 * Originator secrets (spool-secret.c): vaultd checks a secret by recovering
 * the data key and hands that key, never the secret, to the backend run
 * that prints the released job.  Callers wipe keys after use.
 */

#define VAULT_DATA_KEY_SIZE	32	/* Bytes of a raw data key */

/* The entry's data key, with secret (NULL when unprotected).  STATE, AUTH, SECRET_REQUIRED, SECRET_WRONG. */
extern bool		vaultEntryUnwrapKey(vault_entry_t *entry, const char *secret, guint8 key[VAULT_DATA_KEY_SIZE], GError **error);

/* Open the data with a raw data key; errors as vaultEntryOpenData, AUTH for a wrong key.  Read-only. */
extern vault_reader_t	*vaultEntryOpenDataWithKey(vault_entry_t *entry, const guint8 key[VAULT_DATA_KEY_SIZE], GError **error);

/* The release protocol's framing (doc/SECRETS.md): a 4-byte big-endian length (1..VAULT_RELEASE_FRAME_MAX), then the payload. */
#define VAULT_RELEASE_FRAME_MAX	2048
#define VAULT_RELEASE_SECRET_MAX 1024	/* Longest secret accepted */
extern bool		vaultReleaseFrameWrite(int fd, const void *data, size_t len, GError **error);
/* NUL-terminated payload of *len bytes (wipe, g_free); CORRUPT for a bad length, IO on timeout or a closed socket. */
extern guint8		*vaultReleaseFrameRead(int fd, int timeout_ms, gsize *len, GError **error);
/* One request to vaultd's release socket at path and its answer (as vaultReleaseFrameRead); IO when vaultd cannot be reached or does not answer. */
extern guint8		*vaultReleaseAsk(const char *path, const void *request, size_t len, int timeout_ms, gsize *answer_len, GError **error);

/*
 * Journal (spool-journal.c).
 */

/* Append one record and fsync it.  record->time 0 means now. */
extern bool		vaultJournalAppend(vault_store_t *store, const vault_record_t *record, GError **error);

/* Journal what happened to entry while its state stayed (state -> state); job_id 0 means the entry's. */
extern bool		vaultJournalNote(vault_store_t *store, const vault_entry_t *entry, int job_id, const char *actor, const char *reason, GError **error);

/* Journal a job refused before anything of it was stored (none -> refused). */
extern bool		vaultJournalRefusal(vault_store_t *store, const vault_job_t *job, const char *actor, const char *reason, GError **error);

/* Visit every record, oldest first, across rotated files.  Return false from cb to stop. */
typedef bool (*vault_journal_cb_t)(const vault_record_t *record, void *data);
extern bool		vaultJournalForeach(vault_store_t *store, vault_journal_cb_t cb, void *data, GError **error);

/* Start a new journal file; the old one is kept under a dated name. */
extern bool		vaultJournalRotate(vault_store_t *store, GError **error);

/*
 * References (spool-ref.c): the document of a held job vaultd re-creates
 * when cupsd lost the original.  It names an entry and its owner under a
 * MAC from the site key; the backend prints the entry only when the
 * reference verifies for the job's user.
 */

#define VAULT_REF_MAGIC		"%cups-vault-reference"			/* First bytes of a reference */
#define VAULT_REF_MIME_TYPE	"application/vnd.cups-vault-reference"	/* Its document-format */
#define VAULT_REF_MAX_SIZE	1024					/* Longer data is no reference */

/* The reference for entry, bound to its id and owner; g_free the result.  INVALID, KEY. */
extern char		*vaultRefCreate(vault_store_t *store, const vault_entry_t *entry, gsize *len, GError **error);

/* True when data starts with VAULT_REF_MAGIC (whether or not it verifies). */
extern bool		vaultRefIs(const void *data, gsize len);

/* Verify a reference for user; *entry_id (g_free) on success.  CORRUPT malformed, AUTH forged/tampered/other owner. */
extern bool		vaultRefVerify(vault_store_t *store, const void *data, gsize len, const char *user, char **entry_id, GError **error);

/*
 * Names.
 */

extern const char	*vaultStateString(vault_state_t state);		/* "stored", ... */
extern bool		vaultStateFromString(const char *s, vault_state_t *state);

/* This boot's id, read when the store opens (/proc/sys/kernel/random/boot_id, or $VAULT_BOOT_ID for tests). */
extern const char	*vaultStoreGetBootId(vault_store_t *store);

/*
 * Counters (spool-counters.c): per queue and per media + tray, sheets
 * loaded, used and remaining, and pages, impressions, sheets and jobs
 * completed.  One MAC'ed key file per queue, <root>/counters/<queue>.counters,
 * replaced atomically; changed only by vaultCountersApplyJob (a job that
 * printed) and vaultCountersSetLoad (an admin loaded paper).  See
 * doc/COUNTERS.md.
 */

typedef struct _vault_counters_s vault_counters_t;	/* One queue's counters, as read */

/* One media + tray row. */
typedef struct vault_tray_counts_s
{
  const char	*tray;		/* PWG media-source ("tray-1"); "auto" when unknown */
  const char	*media;		/* PWG media name; "unknown" when unknown */
  guint64	loaded;		/* Sheets put in by the last load (0: never loaded) */
  guint64	used;		/* Sheets used since that load */
  guint64	remaining;	/* loaded - used, never below 0 */
  guint64	pages;		/* Pages completed (since the counters began) */
  guint64	impressions;	/* Impressions completed */
  guint64	sheets;		/* Sheets completed */
} vault_tray_counts_t;

/* One job's counts for one media + tray (the accounting filter's record). */
typedef struct vault_job_counts_s
{
  const char	*media;		/* NULL or "" means "unknown" */
  const char	*tray;		/* NULL or "" means "auto" */
  guint64	pages, impressions, sheets;
} vault_job_counts_t;

/* True for a CUPS printer name: 1..127 bytes, no control, space, DEL, / \ ? ' " or #. */
extern bool		vaultQueueNameIsValid(const char *queue);

/* Read a queue's counters; NOT_FOUND when it has none, AUTH/CORRUPT/VERSION for a bad file. */
extern vault_counters_t	*vaultCountersRead(vault_store_t *store, const char *queue, GError **error);
extern void		vaultCountersFree(vault_counters_t *counters);
extern const char	*vaultCountersGetQueue(const vault_counters_t *counters);
extern guint64		vaultCountersGetJobs(const vault_counters_t *counters);		/* Jobs completed */
extern guint64		vaultCountersGetPages(const vault_counters_t *counters);	/* Sums over the rows */
extern guint64		vaultCountersGetImpressions(const vault_counters_t *counters);
extern guint64		vaultCountersGetSheets(const vault_counters_t *counters);
extern gint64		vaultCountersGetUpdated(const vault_counters_t *counters);	/* UNIX seconds */
extern guint		vaultCountersGetTrayCount(const vault_counters_t *counters);
extern const vault_tray_counts_t *vaultCountersGetTray(const vault_counters_t *counters, guint i);

/* Add one printed job: its rows (may be 0), jobs + 1, used += sheets.  Durable when it returns true; *after (unless NULL) is then the counters written (vaultCountersFree). */
extern bool		vaultCountersApplyJob(vault_store_t *store, const char *queue, const vault_job_counts_t *rows, guint n_rows, vault_counters_t **after, GError **error);

/* An admin loaded sheets of media into tray: loaded = sheets, used = 0.  Creates the queue's file.  Durable on true. */
extern bool		vaultCountersSetLoad(vault_store_t *store, const char *queue, const char *tray, const char *media, guint64 sheets, GError **error);

/* The queue's real name when a counters file exists for name (compared as CUPS does, ignoring ASCII case); g_free it; NULL when none. */
extern char		*vaultCountersFindQueue(vault_store_t *store, const char *name);

/* "marker-names=... marker-levels=... marker-types=..." for a backend's ATTR: line (loaded trays only); NULL when none is loaded. */
extern char		*vaultCountersFormatMarkers(const vault_counters_t *counters);

/*
 * The between-jobs gate (spool-gate.c): a query sees a queue's counters only
 * between two jobs, and a pending query goes ahead of the next job.  Two
 * flock files per queue under <root>/locks.  Waits are bounded: timeout_ms
 * < 0 waits forever, else LOCKED ("timed out") when it passes.
 */

typedef struct _vault_gate_s vault_gate_t;		/* A held gate */

/* A backend, before the inner backend starts: waits for pending queries and the previous job. */
extern vault_gate_t	*vaultGateEnterJob(vault_store_t *store, const char *queue, int timeout_ms, GError **error);
/* After the job's counters are applied (NULL allowed). */
extern void		vaultGateLeaveJob(vault_gate_t *gate);
/* A query: blocks the next job at once, then waits for the running job to end; gives up (LOCKED) once *stop (if given) is non-zero. */
extern vault_gate_t	*vaultGateBeginQuery(vault_store_t *store, const char *queue, int timeout_ms, const gint *stop, GError **error);
/* After the answer is built (NULL allowed). */
extern void		vaultGateEndQuery(vault_gate_t *gate);

/*
 * Batches (spool-batch.c): state changes of many entries made durable
 * together, for the boot sweep.  vaultBatchSetState changes the entry in
 * memory and writes its new sidecar to <id>.meta.tmp without fsync; the
 * batch keeps the entry's lock (a duplicate of it) until the commit.
 * vaultBatchCommit makes every tmp file durable (syncfs, then each file's
 * write-back errors; fsync when a syncfs failed), then renames them all,
 * fsyncs each area directory once and appends all the journal records in
 * one write and one fsync (doc/FORMAT.md).  Nothing of a batch is durable
 * before vaultBatchCommit returns.
 */

typedef struct _vault_batch_s vault_batch_t;	/* Pending state changes */

/* Callback for vaultStoreForeachLocked: lock is held (NULL with error LOCKED when another process holds it); entry is opened under it, or NULL with error.  Both are freed after the call.  Return false to stop. */
typedef bool (*vault_locked_cb_t)(vault_store_t *store, const char *id, vault_lock_t *lock, vault_entry_t *entry, const GError *error, void *data);

/* Visit every id once (tombstones, then the areas): lock it without waiting, then open it (one read of its sidecar).  IO when a directory cannot be read. */
extern bool		vaultStoreForeachLocked(vault_store_t *store, vault_locked_cb_t cb, void *data, GError **error);

extern vault_batch_t	*vaultBatchNew(vault_store_t *store);
/* Queue a change to a state other than DONE/DISCARDED (those are vaultEntryErase); the entry shows it at once, durable only after the commit.  STATE, INVALID, IO (entry unchanged). */
extern bool		vaultBatchSetState(vault_batch_t *batch, vault_entry_t *entry, vault_state_t state, const char *actor, const char *reason, GError **error);
/* Changes queued / true when the batch should be committed (its locks and tmp files use file descriptors). */
extern guint		vaultBatchGetPending(const vault_batch_t *batch);
extern bool		vaultBatchIsFull(const vault_batch_t *batch);
/* Make every queued change durable and journal it; *committed counts those that were.  The batch is empty (and reusable) afterwards.  IO names the first failure. */
extern bool		vaultBatchCommit(vault_batch_t *batch, guint *committed, GError **error);
/* Drop what was not committed (tmp files removed, locks released; the sidecars on disk keep their old state) and free the batch. */
extern void		vaultBatchFree(vault_batch_t *batch);

G_END_DECLS

#endif /* !VAULT_SPOOL_H */
