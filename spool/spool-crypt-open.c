/*
 * Reading a sealed data file back: the opener checks the header, decrypts
 * the STREAM chunk by chunk, and tells a truncated, spliced, reordered or
 * altered file apart.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The layout is spool-crypt.c's.  The opener holds one chunk and a one-byte
 * read-ahead that tells whether the chunk it holds is the last, and
 * decrypts in place in that one buffer.
 */

#include "spool-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>


/*
 * Local types...
 */

struct _vault_opener_s
{
  int				fd;		/* Data file (owned) */
  gnutls_aead_cipher_hd_t	aead;
  char				id[_VAULT_ID_LEN + 1];
  uint8_t			header[_VAULT_HDR_SIZE];
  guint64			counter;	/* Chunk held in buf */
  size_t			have;		/* Bytes in buf, read-ahead included */
  size_t			pos, plain;	/* Unread plaintext is buf[pos..plain) */
  size_t			chunk_len;	/* Ciphertext+tag bytes of the chunk held */
  bool				at_end;		/* Final chunk authenticated */
  int				failed;		/* VAULT_ERROR code of a failure, or 0 */
  uint8_t			buf[_VAULT_FULL_CHUNK + 1];
};


/*
 * 'read_full()' - Read until len bytes or end of file; returns the count
 *                 or -1 with errno.
 */

static gssize
read_full(int    fd,
          void   *buf,
          size_t len)
{
  size_t	got = 0;

  while (got < len)
  {
    ssize_t n = read(fd, (uint8_t *)buf + got, len - got);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return (-1);
    if (n == 0)
      break;
    got += (size_t)n;
  }

  return ((gssize)got);
}


/*
 * 'header_parse()' - Check a header read from a data file: CORRUPT for a
 *                    bad magic or field, VERSION, AUTH when it belongs to
 *                    another entry or key.
 */

static bool
header_parse(const uint8_t      *h,
             const _vault_key_t *dek,
             const char         *id,
             GError             **error)
{
  uint8_t		want[_VAULT_HDR_SIZE];
  volatile unsigned	diff = 0;
  unsigned		version = (unsigned)h[8] << 8 | h[9];
  int			i;

  if (memcmp(h, _vaultCryptMagic, sizeof(_vaultCryptMagic)))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "The data file of entry %s is not a cups-vault data file (bad magic).", id);
  else if (version != _VAULT_FORMAT_VERSION)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_VERSION, "The data file of entry %s has format version %u; this build reads version %d.", id, version, _VAULT_FORMAT_VERSION);
  else if (!_vaultCryptHeaderBuild(want, dek, id))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Cannot check the data file header of entry %s.", id);
  else if (memcmp(h + 10, want + 10, 6))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "The data file of entry %s has an unknown algorithm, flags or chunk size.", id);
  else if (memcmp(h + 16, want + 16, _VAULT_ID_LEN))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH, "The data file of entry %s belongs to another entry (%.32s).", id, g_utf8_validate((const char *)h + 16, _VAULT_ID_LEN, NULL) ? (const char *)h + 16 : "?");
  else
  {
    for (i = _VAULT_HDR_CHECKED; i < _VAULT_HDR_SIZE; i ++)
      diff |= (unsigned)(h[i] ^ want[i]);

    if (!diff)
      return (true);

    g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH,
                "The data file of entry %s does not match its data key: wrong key, or the header was altered.", id);
  }

  return (false);
}


/*
 * '_vaultOpenerNew()' - Read and check the header of entry id's data file
 *                       at fd (offset 0).  Returns an opener that owns fd,
 *                       or NULL (fd left open) with TRUNCATED for a file
 *                       shorter than a header, CORRUPT, VERSION, AUTH or IO.
 */

_vault_opener_t *
_vaultOpenerNew(int                fd,
                const _vault_key_t *dek,
                const char         *id,
                GError             **error)
{
  _vault_opener_t	*o;
  gssize		n;

  g_return_val_if_fail(fd >= 0 && dek && id && strlen(id) == _VAULT_ID_LEN, NULL);

  o     = g_new0(_vault_opener_t, 1);
  o->fd = -1;
  g_strlcpy(o->id, id, sizeof(o->id));

  if ((n = read_full(fd, o->header, _VAULT_HDR_SIZE)) < 0)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "read data file header of entry %s: %s", id, g_strerror(errno));
  else if (n < _VAULT_HDR_SIZE && !memcmp(o->header, _vaultCryptMagic, MIN((size_t)n, sizeof(_vaultCryptMagic))))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_TRUNCATED, "The data file of entry %s ends inside its header (%d bytes).", id, (int)n);
  else if (n < _VAULT_HDR_SIZE)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "The data file of entry %s is not a cups-vault data file (bad magic).", id);
  else if (header_parse(o->header, dek, id, error))
  {
    if ((o->aead = _vaultCryptAeadNew(dek)) != NULL)
    {
      o->fd = fd;
      return (o);
    }
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Cannot set up decryption for entry %s.", id);
  }

  _vaultOpenerFree(o);
  return (NULL);
}


/*
 * 'open_fail()' - Record a failure of the opener; returns -1.
 */

G_GNUC_PRINTF(3, 4) static gssize
open_fail(_vault_opener_t *o,
          GError          **error,
          const char      *fmt,
          ...)
{
  va_list	ap;
  char		*msg;

  va_start(ap, fmt);
  msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);

  g_set_error(error, VAULT_ERROR, o->failed, "The data file of entry %s %s", o->id, msg);
  g_free(msg);
  _vaultKeyWipe(o->buf, sizeof(o->buf));
  o->pos = o->plain = 0;

  return (-1);
}


/*
 * 'try_chunk()' - Decrypt n bytes of ciphertext+tag at in into out as chunk
 *                 o->counter (last or not); false when the tag fails.
 */

static bool
try_chunk(_vault_opener_t *o,
          const uint8_t   *in,
          size_t          n,
          bool            last,
          uint8_t         *out)
{
  uint8_t	nonce[_VAULT_NONCE_SIZE];
  size_t	out_len = n - _VAULT_TAG_SIZE;

  _vaultCryptNonce(nonce, o->counter, last);

  return (gnutls_aead_cipher_decrypt(o->aead, nonce, sizeof(nonce), o->header, _VAULT_HDR_SIZE, _VAULT_TAG_SIZE,
                                     in, n, out, &out_len) == 0);
}


/*
 * 'explain_failure()' - Say why chunk o->counter (n bytes at EOF unless
 *                       more) did not authenticate: re-read it, then test
 *                       for a truncated stream, data after a final chunk,
 *                       or damage.  Error path only; returns -1.
 */

static gssize
explain_failure(_vault_opener_t *o,
                size_t          n,
                bool            more,
                GError          **error)
{
  off_t		offset = _VAULT_HDR_SIZE + (off_t)o->counter * _VAULT_FULL_CHUNK;
  uint8_t	*scratch;
  size_t	len;
  bool		spliced = false;

  if (pread(o->fd, o->buf, n, offset) != (ssize_t)n)
  {
    o->failed = VAULT_ERROR_IO;
    return (open_fail(o, error, "could not be re-read at chunk %" G_GUINT64_FORMAT ": %s", o->counter, g_strerror(errno)));
  }

  scratch = g_malloc(_VAULT_FULL_CHUNK);

  if (!more && n == _VAULT_FULL_CHUNK && try_chunk(o, o->buf, n, false, scratch))
    o->failed = VAULT_ERROR_TRUNCATED;

  for (len = more ? n : n - 1; !o->failed && len >= _VAULT_TAG_SIZE && !spliced; len --)
    spliced = try_chunk(o, o->buf, len, true, scratch);

  _vaultKeyWipe(scratch, _VAULT_FULL_CHUNK);
  g_free(scratch);

  if (o->failed == VAULT_ERROR_TRUNCATED)
    return (open_fail(o, error, "ends after chunk %" G_GUINT64_FORMAT " without its final chunk: it is truncated.", o->counter));

  if (spliced)
  {
    o->failed = VAULT_ERROR_CORRUPT;
    return (open_fail(o, error, "has data after its final chunk (chunk %" G_GUINT64_FORMAT ").", o->counter));
  }

  if (!more && n < _VAULT_FULL_CHUNK)
  {
    o->failed = VAULT_ERROR_TRUNCATED;
    return (open_fail(o, error, "ends inside chunk %" G_GUINT64_FORMAT " without an authenticated final chunk: it is truncated, or that chunk was altered.", o->counter));
  }

  o->failed = VAULT_ERROR_AUTH;
  return (open_fail(o, error, "fails authentication at chunk %" G_GUINT64_FORMAT ": it was altered, or chunks were reordered or spliced.", o->counter));
}


/*
 * 'next_chunk()' - Read and decrypt the next chunk in place.  Returns 1
 *                  with plaintext ready, 0 at the authenticated end, -1
 *                  with TRUNCATED, AUTH, CORRUPT or IO.
 */

static gssize
next_chunk(_vault_opener_t *o,
           GError          **error)
{
  uint8_t	nonce[_VAULT_NONCE_SIZE];
  giovec_t	aad = { o->header, _VAULT_HDR_SIZE }, data;
  gssize	got;
  size_t	n;
  bool		more;

  if (o->chunk_len)
  {
    /* Keep the read-ahead byte of the previous chunk. */
    o->buf[0]    = o->buf[o->chunk_len];
    o->have     -= o->chunk_len;
    o->chunk_len = 0;
    o->counter ++;
  }

  if ((got = read_full(o->fd, o->buf + o->have, sizeof(o->buf) - o->have)) < 0)
  {
    o->failed = VAULT_ERROR_IO;
    return (open_fail(o, error, "could not be read: %s", g_strerror(errno)));
  }

  o->have += (size_t)got;
  more     = o->have > _VAULT_FULL_CHUNK;
  n        = more ? _VAULT_FULL_CHUNK : o->have;

  if (n < _VAULT_TAG_SIZE)
  {
    o->failed = VAULT_ERROR_TRUNCATED;
    return (open_fail(o, error, "ends %s chunk %" G_GUINT64_FORMAT " without an authenticated final chunk: it is truncated.", n ? "inside" : "before", o->counter));
  }

  data.iov_base = o->buf;
  data.iov_len  = n - _VAULT_TAG_SIZE;
  _vaultCryptNonce(nonce, o->counter, !more);

  if (gnutls_aead_cipher_decryptv2(o->aead, nonce, sizeof(nonce), &aad, 1, &data, 1,
                                   o->buf + data.iov_len, _VAULT_TAG_SIZE) < 0)
    return (explain_failure(o, n, more, error));

  o->chunk_len = n;
  o->pos       = 0;
  o->plain     = n - _VAULT_TAG_SIZE;
  o->at_end    = !more;

  return (1);
}


/*
 * '_vaultOpenerRead()' - Read up to len bytes of authenticated plaintext.
 *                        Returns > 0, 0 at the authenticated end, or -1
 *                        with TRUNCATED, AUTH, CORRUPT or IO (again on
 *                        every later call).
 */

gssize
_vaultOpenerRead(_vault_opener_t *o,
                 void            *buf,
                 size_t          len,
                 GError          **error)
{
  size_t	n;

  g_return_val_if_fail(o != NULL && (buf != NULL || len == 0), -1);

  if (o->failed)
  {
    g_set_error(error, VAULT_ERROR, o->failed, "The data file of entry %s failed earlier: %s.", o->id, vaultErrorString(o->failed));
    return (-1);
  }

  while (o->pos == o->plain)
  {
    gssize r;

    if (o->at_end)
      return (0);

    if ((r = next_chunk(o, error)) <= 0)
      return (r);
  }

  n = MIN(len, o->plain - o->pos);
  memcpy(buf, o->buf + o->pos, n);
  o->pos += n;

  return ((gssize)n);
}


/*
 * '_vaultOpenerFree()' - Close the data file and free the opener, wiping
 *                        its plaintext and key.
 */

void
_vaultOpenerFree(_vault_opener_t *o)
{
  if (!o)
    return;

  if (o->aead)
    gnutls_aead_cipher_deinit(o->aead);
  if (o->fd >= 0)
    close(o->fd);

  _vaultKeyWipe(o, sizeof(*o));
  g_free(o);
}
