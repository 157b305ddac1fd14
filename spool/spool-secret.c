/*
 * Originator secrets at the entry level: recover the data key of a
 * protected entry with its secret (vaultd, when the originator releases the
 * job), and read the entry's data with that raw key (the backend run that
 * follows the release), so the secret itself never leaves vaultd; and the
 * framing of the release protocol on vaultd's socket (doc/SECRETS.md), which
 * vaultd, vaultctl and the backend share.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Nothing here writes to disk.  vaultEntryOpenDataWithKey re-wraps the data
 * key under the site key alone in memory, opens the data through the usual
 * reader (so every size and authentication check of spool-entry-data.c
 * applies), then restores the entry's wrap fields and wipes the temporary
 * wrap: the sidecar in memory is exactly as it was, and never written.
 */

#include "config.h"		/* _GNU_SOURCE, before any system header */
#include "spool-private.h"
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

G_STATIC_ASSERT(VAULT_DATA_KEY_SIZE == _VAULT_KEY_SIZE);


/*
 * 'check_keyed()' - STATE unless the entry still holds a wrapped key and data.
 */

static bool
check_keyed(const vault_entry_t *entry, GError **error)
{
  const _vault_meta_t *meta = entry->meta;

  switch (meta->state)
  {
    case VAULT_STATE_STORED :
    case VAULT_STATE_SENDING :
    case VAULT_STATE_AWAITING :
    case VAULT_STATE_RESURRECTED :
        if (meta->valid && meta->wrapped_key)
          return (true);
        break;
    default :
        break;
  }

  g_set_error(error, VAULT_ERROR, VAULT_ERROR_STATE, "Entry %s holds no data key (state %s).", meta->id, vaultStateString(meta->state));
  return (false);
}


/*
 * 'vaultEntryUnwrapKey()' - Recover entry's data key into key with secret
 *                           (NULL for an unprotected entry).  STATE for an
 *                           erased entry, AUTH for a wrong site key or an
 *                           altered sidecar, SECRET_REQUIRED or
 *                           SECRET_WRONG.  The caller wipes key after use.
 *                           Nothing is durable.
 */

bool
vaultEntryUnwrapKey(vault_entry_t *entry,
                    const char    *secret,
                    guint8        key[VAULT_DATA_KEY_SIZE],
                    GError        **error)
{
  _vault_key_t	dek;
  _vault_meta_t	*meta;

  g_return_val_if_fail(entry != NULL && key != NULL, false);

  meta = entry->meta;
  if (!check_keyed(entry, error) ||
      !_vaultKeyUnwrap(&entry->store->kek, meta->id, meta->wrapped_key, meta->secret_salt, meta->secret_iterations, secret, &dek, error))
    return (false);

  memcpy(key, dek.bytes, VAULT_DATA_KEY_SIZE);
  _vaultKeyWipe(&dek, sizeof(dek));
  return (true);
}


/*
 * 'vaultEntryOpenDataWithKey()' - Open a decrypting stream over entry's data
 *                                 with its raw data key (vaultEntryUnwrapKey).
 *                                 Errors as vaultEntryOpenData; a key that
 *                                 is not the entry's fails with AUTH (the
 *                                 data file's header checks the key).
 *                                 Nothing is durable; the entry is unchanged.
 */

vault_reader_t *
vaultEntryOpenDataWithKey(vault_entry_t *entry,
                          const guint8  key[VAULT_DATA_KEY_SIZE],
                          GError        **error)
{
  _vault_meta_t		*meta;
  _vault_key_t		dek;
  char			*wrapped = NULL, *salt = NULL, *saved_wrapped, *saved_salt;
  guint			iterations = 0, saved_iterations;
  vault_reader_t	*reader;

  g_return_val_if_fail(entry != NULL && key != NULL, NULL);

  meta = entry->meta;
  if (!check_keyed(entry, error))
    return (NULL);

  memcpy(dek.bytes, key, sizeof(dek.bytes));
  if (!_vaultKeyWrap(&entry->store->kek, meta->id, &dek, NULL, &wrapped, &salt, &iterations, error))
  {
    _vaultKeyWipe(&dek, sizeof(dek));
    return (NULL);
  }
  _vaultKeyWipe(&dek, sizeof(dek));

  saved_wrapped          = meta->wrapped_key;
  saved_salt             = meta->secret_salt;
  saved_iterations       = meta->secret_iterations;
  meta->wrapped_key      = wrapped;
  meta->secret_salt      = NULL;
  meta->secret_iterations = 0;

  reader = vaultEntryOpenData(entry, NULL, error);

  meta->wrapped_key       = saved_wrapped;
  meta->secret_salt       = saved_salt;
  meta->secret_iterations = saved_iterations;

  _vaultKeyWipe(wrapped, strlen(wrapped));
  g_free(wrapped);
  g_free(salt);

  return (reader);
}



/*
 * 'write_all()' - Write len bytes to fd; false with errno set.
 */

static bool
write_all(int fd, const guint8 *p, size_t len)
{
  while (len > 0)
  {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return (false);
    p   += n;
    len -= (size_t)n;
  }

  return (true);
}


/*
 * 'vaultReleaseFrameWrite()' - Send one frame of the release protocol: a
 *                              4-byte big-endian length, then the bytes.
 *                              INVALID for an empty or too long payload, IO.
 */

bool
vaultReleaseFrameWrite(int fd, const void *data, size_t len, GError **error)
{
  guint8	head[4] = { (guint8)(len >> 24), (guint8)(len >> 16), (guint8)(len >> 8), (guint8)len };

  if (len == 0 || len > VAULT_RELEASE_FRAME_MAX)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "A release message of %zu bytes is not allowed (1 to %d).", len, VAULT_RELEASE_FRAME_MAX);
    return (false);
  }

  if (!write_all(fd, head, sizeof(head)) || !write_all(fd, data, len))
  {
    _vaultSetIoError(error, errno ? errno : EPIPE, "Cannot send to", "the release socket");
    return (false);
  }

  return (true);
}


/*
 * 'read_full()' - Read len bytes before deadline_us; false with errno set
 *                 (ETIMEDOUT, or ECONNRESET at end of file).
 */

static bool
read_full(int fd, guint8 *p, size_t len, gint64 deadline_us)
{
  while (len > 0)
  {
    struct pollfd	pfd = { fd, POLLIN, 0 };
    gint64		left = (deadline_us - g_get_monotonic_time()) / 1000;
    ssize_t		n;

    if (left <= 0 || poll(&pfd, 1, (int)MIN(left, G_MAXINT)) == 0)
    {
      errno = ETIMEDOUT;
      return (false);
    }

    if ((n = read(fd, p, len)) < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n <= 0)
    {
      if (n == 0)
        errno = ECONNRESET;
      return (false);
    }
    p   += n;
    len -= (size_t)n;
  }

  return (true);
}


/*
 * 'vaultReleaseFrameRead()' - Receive one frame within timeout_ms.  Returns
 *                             the payload (NUL-terminated after *len bytes;
 *                             wipe and g_free it), NULL with CORRUPT for a
 *                             bad length or IO (timeout, closed, error).
 */

guint8 *
vaultReleaseFrameRead(int fd, int timeout_ms, gsize *len, GError **error)
{
  gint64	deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
  guint8	head[4], *data;
  size_t	n;

  if (!read_full(fd, head, sizeof(head), deadline))
  {
    _vaultSetIoError(error, errno, "Cannot read from", "the release socket");
    return (NULL);
  }

  n = ((size_t)head[0] << 24) | ((size_t)head[1] << 16) | ((size_t)head[2] << 8) | head[3];
  if (n == 0 || n > VAULT_RELEASE_FRAME_MAX)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "A release message announced %zu bytes (1 to %d allowed).", n, VAULT_RELEASE_FRAME_MAX);
    return (NULL);
  }

  data = g_malloc0(n + 1);
  if (!read_full(fd, data, n, deadline))
  {
    _vaultSetIoError(error, errno, "Cannot read from", "the release socket");
    _vaultKeyWipe(data, n);
    g_free(data);
    return (NULL);
  }

  *len = n;
  return (data);
}


/*
 * 'vaultReleaseAsk()' - One exchange with vaultd's release socket at path:
 *                       send request as a frame, read the answer within
 *                       timeout_ms.  Returns the answer (NUL-terminated,
 *                       *len bytes; wipe and g_free it), or NULL: IO when
 *                       vaultd cannot be reached or does not answer.
 */

guint8 *
vaultReleaseAsk(const char *path, const void *request, size_t len, int timeout_ms, gsize *answer_len, GError **error)
{
  struct sockaddr_un	addr;
  guint8		*answer = NULL;
  GError		*local = NULL;
  int			fd;

  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof(addr.sun_path))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "vaultd cannot be reached at %s: the path is too long for a socket.", path);
    return (NULL);
  }
  memcpy(addr.sun_path, path, strlen(path));

  if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
      connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "vaultd cannot be reached at %s: %s.", path, g_strerror(errno));
    if (fd >= 0)
      close(fd);
    return (NULL);
  }

  if (!vaultReleaseFrameWrite(fd, request, len, &local) ||
      (answer = vaultReleaseFrameRead(fd, timeout_ms, answer_len, &local)) == NULL)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "vaultd did not answer: %s", local->message);
    g_error_free(local);
  }

  close(fd);
  return (answer);
}
