/*
 * Private structures and cross-file helpers of the vault spool library.
 * Programs include spool.h only; the library's files and its tests use this.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULT_SPOOL_PRIVATE_H
#define VAULT_SPOOL_PRIVATE_H

#include "spool.h"
#include <stdint.h>
#include <gnutls/crypto.h>

G_BEGIN_DECLS

/*
 * Sizes fixed by on-disk format v1 (doc/FORMAT.md).
 */

#define _VAULT_KEY_SIZE		32		/* AES-256 / HMAC-SHA256 key */
#define _VAULT_CHUNK_SIZE	65536		/* Plaintext bytes per STREAM chunk */
#define _VAULT_TAG_SIZE		16		/* GCM tag */
#define _VAULT_NONCE_SIZE	12		/* GCM nonce: 11-byte counter + last flag */
#define _VAULT_ID_LEN		32		/* Entry id: hex digits */
#define _VAULT_DATA_SUFFIX	".data"
#define _VAULT_META_SUFFIX	".meta"
#define _VAULT_TMP_SUFFIX	".tmp"
#define _VAULT_FORMAT_VERSION	1

/*
 * I/O layer (spool-io.c; faults in spool-io-fault.c): every durability step
 * goes through here so tests can stop the process, or drop what is not yet
 * durable, at step N.
 *
 * Steps counted: create (open with O_CREAT), write, fsync, rename, directory
 * fsync, unlink.  Fault modes:
 *   STOP  - at step N, _exit(_VAULT_IO_CRASH_EXIT) before doing the step.
 *   DROP  - at step N, undo every effect not yet made durable (unsynced file
 *           data truncated back, un-dirsynced creates/renames/unlinks
 *           reverted), then _exit(_VAULT_IO_CRASH_EXIT).
 * The store reads $VAULT_IO_FAULT ("stop:N" or "drop:N") when it opens, so
 * integration tests can crash a backend at step N.
 */

#define _VAULT_IO_CRASH_EXIT	99

typedef enum _vault_io_fault_e
{
  _VAULT_IO_FAULT_NONE,
  _VAULT_IO_FAULT_STOP,
  _VAULT_IO_FAULT_DROP
} _vault_io_fault_t;

typedef struct _vault_io_s _vault_io_t;

extern _vault_io_t	*_vaultIoNew(void);
extern void		_vaultIoFree(_vault_io_t *io);
extern void		_vaultIoSetFault(_vault_io_t *io, _vault_io_fault_t mode, guint64 step);
extern bool		_vaultIoSetFaultFromString(_vault_io_t *io, const char *spec, GError **error);
extern guint64		_vaultIoGetSteps(const _vault_io_t *io);	/* Steps done so far */

/* Thin POSIX wrappers: return -1 and set errno on failure. */
extern int		_vaultIoOpen(_vault_io_t *io, const char *path, int flags, mode_t mode);
extern int		_vaultIoWrite(_vault_io_t *io, int fd, const void *buf, size_t len);	/* Writes all or fails */
extern int		_vaultIoFsync(_vault_io_t *io, int fd);
extern int		_vaultIoFsyncAfterSyncfs(_vault_io_t *io, int fd);
extern int		_vaultIoClose(_vault_io_t *io, int fd);
extern int		_vaultIoRename(_vault_io_t *io, const char *from, const char *to);
extern int		_vaultIoFsyncDir(_vault_io_t *io, const char *dir);
extern int		_vaultIoUnlink(_vault_io_t *io, const char *path);

/* Write path atomically: <path>.tmp, write, fsync, rename, fsync the directory. */
extern bool		_vaultIoReplaceFile(_vault_io_t *io, const char *path, const void *data, size_t len, GError **error);
/* The parts of it: <path>.tmp written, left open in *fd (no fsync); and that, fsynced and renamed (no directory fsync). */
extern bool		_vaultIoPutTmp(_vault_io_t *io, const char *path, const void *data, size_t len, int *fd, GError **error);
extern bool		_vaultIoPut(_vault_io_t *io, const char *path, const void *data, size_t len, GError **error);

/* The I/O context, and what DROP tracking records in it (spool-io-fault.c). */
typedef struct _vault_io_file_s		/* A file whose appended data may be lost */
{
  dev_t		dev;			/* Identity of the inode */
  ino_t		ino;
  int		keep_fd;		/* Our own descriptor, to truncate it later */
  off_t		synced;			/* Length known to be durable */
  int		users;			/* Caller descriptors open on it */
} _vault_io_file_t;

typedef enum _vault_io_op_e		/* Directory change not yet durable */
{
  _VAULT_IO_OP_CREATE,
  _VAULT_IO_OP_RENAME,
  _VAULT_IO_OP_UNLINK
} _vault_io_op_t;

typedef struct _vault_io_dirop_s
{
  _vault_io_op_t	op;
  dev_t		dir_dev;		/* Directory that must be fsynced */
  ino_t		dir_ino;
  char		*path;			/* Created / unlinked / renamed-to name */
  char		*from;			/* Rename source */
  char		*backup;		/* Hard link to the replaced/unlinked inode */
} _vault_io_dirop_t;

struct _vault_io_s
{
  guint64		steps;		/* Steps done so far */
  _vault_io_fault_t	mode;		/* Armed fault */
  guint64		fault_step;	/* Step at which it fires */
  guint			backups;	/* Counter for backup names */
  GHashTable		*fds;		/* Caller fd -> _vault_io_file_t (DROP only) */
  GPtrArray		*files;		/* _vault_io_file_t, all tracked inodes */
  GPtrArray		*dirops;	/* _vault_io_dirop_t, oldest first */
};

/* DROP tracking (spool-io-fault.c); the wrappers call these only while DROP is armed. */
/* Record caller descriptor fd, durable up to synced bytes (-1: its size) unless the inode is known.  -1 on error. */
extern int		_vaultIoFileTrack(_vault_io_t *io, int fd, off_t synced);
/* Record a directory change of path (rename source from; backup is taken over).  -1 on error. */
extern int		_vaultIoDiropAdd(_vault_io_t *io, _vault_io_op_t op, const char *path, const char *from, char *backup);
/* Hard-link path to a hidden name in its directory; g_free it.  NULL with errno set. */
extern char		*_vaultIoBackupLink(_vault_io_t *io, const char *path);
/* Undo every effect that is not durable (the armed DROP fires). */
extern void		_vaultIoDrop(_vault_io_t *io);

/* Set *error to VAULT_ERROR_IO with "what path: strerror(errno)". */
extern void		_vaultSetIoError(GError **error, int errnum, const char *what, const char *path);

/*
 * Keys (spool-key.c; derivation and wrapping in spool-key-wrap.c).  All key
 * material lives in _vault_key_t and is wiped with _vaultKeyWipe as soon as
 * it is no longer needed.
 */

typedef struct _vault_key_s
{
  uint8_t	bytes[_VAULT_KEY_SIZE];
} _vault_key_t;

extern void		_vaultKeyWipe(void *p, size_t len);
extern bool		_vaultKeyRandom(_vault_key_t *key, GError **error);
extern bool		_vaultKeyLoad(const char *path, _vault_key_t *kek, GError **error);	/* Refuses group/other-readable files */

/* HKDF-SHA256 of the site key for one purpose ("wrap", "sidecar-mac", "reference-mac"). */
extern bool		_vaultKeyDerive(const _vault_key_t *kek, const char *purpose, _vault_key_t *out, GError **error);

/*
 * Wrap the data key for entry id.  Without a secret: AES-256-GCM under the
 * site wrap key.  With a secret: under HKDF(site wrap key, PBKDF2(secret,
 * salt, iterations)); *salt_b64 and *iterations are then set (else NULL / 0).
 * Strings returned are base64, g_free them.
 */
extern bool		_vaultKeyWrap(const _vault_key_t *kek, const char *id, const _vault_key_t *dek, const char *secret, char **wrapped_b64, char **salt_b64, guint *iterations, GError **error);

/* Unwrap; AUTH for a wrong site key or a tampered wrap, SECRET_REQUIRED / SECRET_WRONG for protected keys. */
extern bool		_vaultKeyUnwrap(const _vault_key_t *kek, const char *id, const char *wrapped_b64, const char *salt_b64, guint iterations, const char *secret, _vault_key_t *dek, GError **error);

/* HMAC-SHA256 under a derived key; hex is 64 lowercase digits + NUL. */
extern void		_vaultMacHex(const _vault_key_t *mac_key, const void *data, size_t len, char hex[65]);
extern bool		_vaultMacVerify(const _vault_key_t *mac_key, const void *data, size_t len, const char *hex);	/* Constant time */
/* Append a key file's MAC trailer (a blank line, [mac] hmac-sha256=) to text. */
extern void		_vaultMacSeal(GString *text, const _vault_key_t *mac_key);
/* Bytes of data the final MAC trailer covers, when it verifies; CORRUPT (none, NUL, over max) or AUTH, naming what. */
extern bool		_vaultMacOpen(const char *data, gsize len, gsize max, const _vault_key_t *mac_key, const char *what, gsize *covered, GError **error);

/*
 * Data file STREAM encryption (spool-crypt.c seals, spool-crypt-open.c
 * opens).  The sealer writes through the I/O layer and holds at most one
 * chunk of plaintext.
 */

typedef struct _vault_sealer_s _vault_sealer_t;
typedef struct _vault_opener_s _vault_opener_t;

/* Write the header to fd (positioned at 0) and prepare to seal chunks. */
extern _vault_sealer_t	*_vaultSealerNew(_vault_io_t *io, int fd, const _vault_key_t *dek, const char *id, GError **error);
extern bool		_vaultSealerWrite(_vault_sealer_t *s, const void *buf, size_t len, GError **error);
extern bool		_vaultSealerFinish(_vault_sealer_t *s, GError **error);	/* Writes the final chunk (not fsynced) */
extern guint64		_vaultSealerGetPlainSize(const _vault_sealer_t *s);
extern guint64		_vaultSealerGetFileSize(const _vault_sealer_t *s);
extern void		_vaultSealerFree(_vault_sealer_t *s);		/* Wipes keys and buffers */

/* Read and check the header from fd; VERSION/CORRUPT for a bad header. */
extern _vault_opener_t	*_vaultOpenerNew(int fd, const _vault_key_t *dek, const char *id, GError **error);
extern gssize		_vaultOpenerRead(_vault_opener_t *o, void *buf, size_t len, GError **error);
extern void		_vaultOpenerFree(_vault_opener_t *o);		/* Closes fd, wipes */

/* File size of a sealed file holding plain_size bytes. */
extern guint64		_vaultSealedSize(guint64 plain_size);

/* The header and chunk framing both halves share (spool-crypt.c). */
#define _VAULT_HDR_SIZE		64		/* Whole data file header */
#define _VAULT_HDR_CHECKED	48		/* Header bytes covered by the key check */
#define _VAULT_FULL_CHUNK	(_VAULT_CHUNK_SIZE + _VAULT_TAG_SIZE)

extern const uint8_t	_vaultCryptMagic[8];		/* First bytes of a data file */
/* STREAM nonce: 11-byte big-endian counter || last flag. */
extern void		_vaultCryptNonce(uint8_t nonce[_VAULT_NONCE_SIZE], guint64 counter, bool last);
/* Fill in the v1 header for entry id under dek (its key check included); false on a crypto failure. */
extern bool		_vaultCryptHeaderBuild(uint8_t *h, const _vault_key_t *dek, const char *id);
/* AES-256-GCM handle under dek, or NULL. */
extern gnutls_aead_cipher_hd_t	_vaultCryptAeadNew(const _vault_key_t *dek);

/*
 * Sidecar (spool-meta.c: text; spool-meta-file.c: files).
 */

typedef struct _vault_meta_s
{
  int		format;			/* _VAULT_FORMAT_VERSION */
  char		id[_VAULT_ID_LEN + 1];
  vault_state_t	state;
  bool		valid;			/* false once crypto-erased */
  char		*area;			/* Area name */
  /* Job identity (vault_job_t strings are owned here) */
  char		*uuid, *queue, *user, *host, *title, *inner_uri, *content_type;
  gint64	created;
  int		job_id, copies, priority;
  /* Storage */
  gint64	stored_utc;		/* UNIX seconds */
  char		stored_local_date[11];	/* YYYY-MM-DD */
  char		*stored_timezone;	/* Site time zone name used for the local date */
  gint64	changed_utc;		/* Last transition */
  bool		encrypted;
  guint64	data_size, file_size;
  /* Keys */
  char		*wrapped_key;		/* base64; NULL once erased */
  char		*secret_salt;		/* base64; NULL without a secret */
  guint		secret_iterations;
  /* Recovery */
  char		*boot_id;
  pid_t		pid;
  guint64	pid_start;		/* pid's start time (clock ticks after boot); 0: not known */
  guint		send_count;		/* Times a run started sending it */
  GHashTable	*media_counts;		/* "media/tray" -> guint64 sheets (as GUINT_TO_POINTER-free boxed) */
} _vault_meta_t;

extern _vault_meta_t	*_vaultMetaNew(void);
extern void		_vaultMetaFree(_vault_meta_t *meta);

/* Serialize to key-file text with its [mac] group; g_free the result. */
extern char		*_vaultMetaToData(const _vault_meta_t *meta, const _vault_key_t *mac_key, gsize *len);
/* Parse and verify; AUTH for a bad MAC, VERSION, CORRUPT naming the key. */
extern _vault_meta_t	*_vaultMetaFromData(const char *data, gsize len, const _vault_key_t *mac_key, GError **error);

/* Write atomically (replace by rename, directory fsynced) / read a sidecar file. */
extern bool		_vaultMetaWrite(_vault_io_t *io, const char *path, const _vault_meta_t *meta, const _vault_key_t *mac_key, GError **error);
extern _vault_meta_t	*_vaultMetaRead(const char *path, const _vault_key_t *mac_key, GError **error);

/*
 * Configuration (spool-config.c parses, spool-config-get.c answers).
 */

/* One storage area. */
typedef struct _vault_area_conf_s
{
  char		*name;			/* From [area NAME] */
  char		*path;			/* Absolute directory */
  guint64	capacity;		/* Bytes */
} _vault_area_conf_t;

struct _vault_config_s
{
  char		*path;			/* File read */
  char		*root;			/* spool-root */
  char		*key_file;		/* key-file */
  GArray	*areas;			/* _vault_area_conf_t */
  guint64	originator_max_bytes;	/* 0 = no cap */
  guint		originator_max_entries;	/* 0 = no cap */
  vault_stale_t	stale;			/* stale policy */
  gint64	max_age;		/* seconds, for VAULT_STALE_MAX_AGE */
  gint64	tombstone_age;		/* seconds */
  char		*representative;	/* may be NULL */
  guint		consult_timeout;	/* seconds */
  char		*counters_listen;	/* may be NULL */
  char		*counters_socket;	/* may be NULL */
  char		*release_socket;	/* vaultd's release socket (default /run/cups-vault/release.sock) */
  GHashTable	*queues;		/* lowercase queue name -> _vault_queue_conf_t */
};

/* One [queue NAME] group: the queue's policy on originator secrets. */
typedef struct _vault_queue_conf_s
{
  bool		require_secret;		/* Jobs without job-password are canceled */
  bool		rep_may_release;	/* The representative may release protected jobs */
} _vault_queue_conf_t;


/*
 * Store internals (spool-store.c, spool-area.c).
 */

struct _vault_store_s
{
  const vault_config_t	*config;
  _vault_io_t		*io;
  _vault_key_t		kek;		/* Site key-encryption key */
  _vault_key_t		mac_key;	/* Derived: "sidecar-mac" */
  char			*boot_id;
  char			*locks_dir;	/* <root>/locks */
  char			*journal_path;	/* <root>/journal */
};

/* A held entry lock (spool-lock.c): flock(LOCK_EX) on <root>/locks/<id>.lock. */
struct _vault_lock_s
{
  vault_store_t		*store;
  char			id[_VAULT_ID_LEN + 1];
  int			fd;
};

/* An entry (spool-entry*.c): its sidecar in memory, and the data file while RECEIVING. */
struct _vault_entry_s
{
  vault_store_t		*store;
  vault_lock_t		*lock;		/* NULL for a read-only entry (vaultStoreForeach) */
  guint			area;
  _vault_meta_t		*meta;
  vault_job_t		job;		/* View of the strings in meta */
  int			fd;		/* Data file while RECEIVING, else -1 */
  _vault_sealer_t	*sealer;	/* While RECEIVING */
  guint64		room;		/* Area room measured at creation */
  guint64		quota_left;	/* Originator bytes left, G_MAXUINT64 = no cap */
};

/* Unlink the data file, then (unless keep_meta) the sidecar, then fsync the area directory. */
extern bool		_vaultEntryRemoveFiles(vault_entry_t *entry, bool keep_meta, GError **error);
/* Drop the sealer and close the data file of a RECEIVING entry. */
extern void		_vaultEntryCloseReceiving(vault_entry_t *entry);
/* Path of one of the entry's files (suffix _VAULT_DATA_SUFFIX or _VAULT_META_SUFFIX); g_free it. */
extern char		*_vaultEntryFilePath(const vault_entry_t *entry, const char *suffix);
/* Area bytes an entry of plain bytes takes, in blocks, its sidecar included. */
extern guint64		_vaultEntrySpaceNeeded(guint64 plain);
/* Record now as meta's stored time (UTC, site-local date and zone) and last change. */
extern void		_vaultEntrySetStoredNow(_vault_meta_t *meta);

/* True when the len bytes at p are lowercase hex digits. */
extern bool		_vaultIsLowerHex(const char *p, size_t len);

/* True for an entry id: exactly 32 lowercase hex digits (safe as a file name). */
extern bool		_vaultIdIsValid(const char *id);

/* Check a job's identity (uuid, queue alphabet, created, user); INVALID naming the field. */
extern bool		_vaultJobValidate(const vault_job_t *job, GError **error);

/* Wrap a sidecar read without a lock (vaultStoreForeach): a read-only entry that takes meta. */
extern vault_entry_t	*_vaultEntryFromMeta(vault_store_t *store, guint area, _vault_meta_t *meta);

/* Index of the area with the most free room for size bytes; FULL when none fits. */
extern bool		_vaultAreaChoose(vault_store_t *store, guint64 size, guint *area, guint64 *free_room, GError **error);
extern int		_vaultAreaFind(vault_store_t *store, const char *name);	/* -1 when unknown */
extern int		_vaultAreaHolding(vault_store_t *store, const char *id, const char *suffix);	/* First area with <id><suffix>, -1 when none */

/* Bytes and entries held by user across all areas (for the originator cap). */
extern bool		_vaultStoreOriginatorUsage(vault_store_t *store, const char *user, guint64 *bytes, guint *entries, GError **error);

/* Paths of an entry's files in area i; g_free them. */
extern char		*_vaultEntryPath(vault_store_t *store, guint area, const char *id, const char *suffix);

/* Journal the transition of meta from state `from` ("none" for new). */
extern bool		_vaultJournalTransition(vault_store_t *store, const _vault_meta_t *meta, const char *from, const char *actor, const char *reason, GError **error);

/*
 * Tombstones and lost sidecars (spool-store.c, spool-entry*.c, spool-meta-file.c).
 */

#define _VAULT_TOMBSTONES_DIR	"tombstones"	/* <root>/tombstones/<id>.meta: erased entries */

/* "<root>/tombstones/<id>.meta"; g_free it. */
extern bool		_vaultTombstoneExists(vault_store_t *store, const char *id);
extern char		*_vaultTombstonePath(vault_store_t *store, const char *id);
/* Replace a sidecar (tmp, fsync, rename) WITHOUT the directory fsync: durable once the caller fsyncs the directory. */
extern bool		_vaultMetaPut(_vault_io_t *io, const char *path, const _vault_meta_t *meta, const _vault_key_t *mac_key, GError **error);
/* Unlink what a tombstoned entry left in the areas (live sidecar, then data), fsyncing each area changed.  IO. */
extern bool		_vaultEntryFinishErase(vault_entry_t *entry, GError **error);
/* When process pid started (clock ticks after boot, /proc/PID/stat), 0 when it cannot be read: with the boot id and the pid, it names one process, never a later one that got the same pid. */
extern guint64		_vaultProcessStartTime(pid_t pid);
/* True when pid runs and, if start is known (not 0), started then. */
extern bool		_vaultProcessIs(pid_t pid, guint64 start);

/* INVALID unless lock is the lock of entry id. */
extern bool		_vaultLockCheck(const vault_lock_t *lock, const char *id, GError **error);
/* Remove id's data file left without any sidecar (a crash lost its RECEIVING sidecar) once older than min_age s; journalled.  NOT_FOUND, EXISTS (a sidecar or tombstone is there), STATE (too recent), IO. */
extern bool		_vaultEntryRemoveOrphan(vault_store_t *store, vault_lock_t *lock, const char *id, gint64 min_age, const char *actor, GError **error);

/*
 * Counters (spool-counters.c; the file's text in spool-counters-file.c) and
 * the gate (spool-gate.c).
 */

#define _VAULT_COUNTERS_DIR	"counters"
#define _VAULT_COUNTERS_SUFFIX	".counters"
#define _VAULT_COUNTERS_FORMAT	1

/* One queue's counters in memory; rows hold vault_tray_counts_t with owned strings. */
struct _vault_counters_s
{
  char		*queue;
  guint64	jobs;			/* Jobs completed */
  gint64	updated;		/* Last change, UNIX seconds */
  GArray	*rows;			/* vault_tray_counts_t, tray/media g_strdup'ed */
};

/* Serialize with a final [mac] group (HMAC under the store's mac key); g_free it. */
extern char		*_vaultCountersToData(const vault_counters_t *counters, const _vault_key_t *mac_key, gsize *len);
/* Parse and verify; the file must name queue.  AUTH for a bad MAC, CORRUPT, VERSION. */
extern vault_counters_t	*_vaultCountersFromData(const char *data, gsize len, const char *queue, const _vault_key_t *mac_key, GError **error);

/* Rows of counters (spool-counters.c), shared with the parser. */
extern vault_counters_t	*_vaultCountersNew(const char *queue);	/* Empty counters for queue */
/* True for a tray or media name: 1..127 bytes of [A-Za-z0-9_.-]. */
extern bool		_vaultCountersKeywordIsValid(const char *s);
extern vault_tray_counts_t	*_vaultCountersRowFind(vault_counters_t *c, const char *tray, const char *media);	/* NULL when none */
extern vault_tray_counts_t	*_vaultCountersRowAdd(vault_counters_t *c, const char *tray, const char *media);	/* A zero row; NULL past the row limit */
extern void		_vaultCountersRowFixRemaining(vault_tray_counts_t *row);	/* remaining = loaded - used, never below 0 */

/* Open (creating) <root>/locks/queue-<queue>.<what>; -1 with IO set. */
extern int		_vaultQueueLockOpen(vault_store_t *store, const char *queue, const char *what, GError **error);

/* flock(fd, op) retried until deadline_us (g_get_monotonic_time; < 0 forever) or *stop; LOCKED naming what then. */
extern bool		_vaultFlockUntil(int fd, int op, gint64 deadline_us, const gint *stop, const char *what, GError **error);

/*
 * Batches (spool-batch.c, spool-entry-state.c, spool-meta-file.c, spool-journal.c).
 */

/* What _vaultEntryApplyState replaced in the entry's sidecar. */
typedef struct _vault_state_undo_s
{
  vault_state_t	state;
  char		*boot_id;
  pid_t		pid;
  guint64	pid_start;
  guint		send_count;
  gint64	changed_utc;
} _vault_state_undo_t;

/* Change the entry's state in memory only (as vaultEntrySetState: STATE, INVALID); then Undo (not written) or Keep (written). */
/* STATE unless the entry is writable (opened under its lock) and may go to state; INVALID without the lock. */
extern bool		_vaultEntryCheckChange(vault_entry_t *entry, vault_state_t state, GError **error);
extern bool		_vaultEntryCheckLock(vault_entry_t *entry, GError **error);	/* INVALID unless opened under its lock */
extern bool		_vaultEntryApplyState(vault_entry_t *entry, vault_state_t state, _vault_state_undo_t *undo, GError **error);
extern void		_vaultEntrySaveState(const vault_entry_t *entry, _vault_state_undo_t *undo);
extern void		_vaultEntryUndoState(vault_entry_t *entry, const _vault_state_undo_t *undo);
extern void		_vaultEntryKeepState(vault_entry_t *entry, const _vault_state_undo_t *undo);
/* Write the sidecar to <path>.tmp (create, write) without fsync; *fd stays open for the caller's fsync.  IO (tmp removed). */
extern bool		_vaultMetaPutTmp(_vault_io_t *io, const char *path, const _vault_meta_t *meta, const _vault_key_t *mac_key, int *fd, GError **error);
/* Append whole journal lines in one write and one fsync.  IO. */
extern bool		_vaultJournalAppendText(vault_store_t *store, const char *text, size_t len, GError **error);
/* Append to text the journal line of meta's move from `from` to meta->state, stamped now. */
extern void		_vaultJournalFormatTransition(GString *text, const _vault_meta_t *meta, const char *from, const char *actor, const char *reason);

G_END_DECLS

#endif /* !VAULT_SPOOL_PRIVATE_H */
