/*
 * STREAM encryption of the spool's data files: a fixed header, then the
 * plaintext in 64 KiB AES-256-GCM chunks whose nonces count the chunks and
 * flag the last one, so reordering, truncation and splicing all fail.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Layout (doc/FORMAT.md, "Data file"):
 *
 *   header   64 bytes: magic, version, algorithm, reserved, chunk size,
 *            entry id, key check (HMAC-SHA256 of the first 48 bytes under
 *            the data key, first 16 bytes)
 *   chunk i  AES-256-GCM(data key, nonce = BE88(i) || last, aad = header,
 *            plaintext) || tag; every chunk but the last holds 65536 bytes
 *            of plaintext, the last one 0..65536 (0 only for an empty file).
 *
 * Memory is bounded: the sealer holds one chunk, the opener one chunk and
 * a one-byte read-ahead that tells whether the chunk it holds is the last.
 * Encryption and decryption work in place in that one buffer.
 */

#include "spool-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>


/*
 * Local constants...
 */

#define HDR_SIZE	64			/* Whole header */
#define HDR_CHECKED	48			/* Bytes covered by the key check */
#define HDR_CHECK_SIZE	16			/* Truncated HMAC-SHA256 */
#define HDR_ALG_STREAM	1			/* AES-256-GCM STREAM, 11+1 byte nonce */
#define FULL_CHUNK	(_VAULT_CHUNK_SIZE + _VAULT_TAG_SIZE)

static const uint8_t data_magic[8] = { 0x89, 'C', 'V', 'D', '\r', '\n', 0x1a, '\n' };


/*
 * Local types...
 */

struct _vault_sealer_s
{
  _vault_io_t			*io;		/* I/O layer for every write */
  int				fd;		/* Data file (not owned) */
  gnutls_aead_cipher_hd_t	aead;		/* AES-256-GCM under the data key */
  uint8_t			header[HDR_SIZE];
  guint64			counter;	/* Chunks written */
  guint64			plain_size;	/* Plaintext bytes accepted */
  guint64			file_size;	/* Bytes written */
  size_t			fill;		/* Plaintext bytes in buf */
  bool				finished;	/* Final chunk written */
  bool				failed;		/* A write failed: no more output */
  uint8_t			buf[FULL_CHUNK];
};

struct _vault_opener_s
{
  int				fd;		/* Data file (owned) */
  gnutls_aead_cipher_hd_t	aead;
  char				id[_VAULT_ID_LEN + 1];
  uint8_t			header[HDR_SIZE];
  guint64			counter;	/* Chunk held in buf */
  size_t			have;		/* Bytes in buf, read-ahead included */
  size_t			pos, plain;	/* Unread plaintext is buf[pos..plain) */
  size_t			chunk_len;	/* Ciphertext+tag bytes of the chunk held */
  bool				at_end;		/* Final chunk authenticated */
  int				failed;		/* VAULT_ERROR code of a failure, or 0 */
  uint8_t			buf[FULL_CHUNK + 1];
};


/*
 * 'make_nonce()' - STREAM nonce: 11-byte big-endian counter || last flag.
 */

static void
make_nonce(uint8_t nonce[_VAULT_NONCE_SIZE],
           guint64 counter,
           bool    last)
{
  int	i;

  memset(nonce, 0, _VAULT_NONCE_SIZE);
  for (i = 10; i >= 3; i --, counter >>= 8)
    nonce[i] = (uint8_t)counter;
  nonce[11] = last ? 1 : 0;
}


/*
 * 'header_check()' - Key check of a header: first 16 bytes of HMAC-SHA256
 *                    (data key, header bytes 0..47).
 */

static bool
header_check(const _vault_key_t *dek,
             const uint8_t      *header,
             uint8_t            check[HDR_CHECK_SIZE])
{
  uint8_t	digest[32];

  if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, dek->bytes, sizeof(dek->bytes), header, HDR_CHECKED, digest) < 0)
    return (false);

  memcpy(check, digest, HDR_CHECK_SIZE);
  return (true);
}


/*
 * 'header_build()' - Fill in the v1 header for entry id under dek.
 */

static bool
header_build(uint8_t            *h,
             const _vault_key_t *dek,
             const char         *id)
{
  memset(h, 0, HDR_SIZE);
  memcpy(h, data_magic, sizeof(data_magic));
  h[8]  = 0;
  h[9]  = _VAULT_FORMAT_VERSION;
  h[10] = HDR_ALG_STREAM;
  h[11] = 0;
  h[12] = (uint8_t)(_VAULT_CHUNK_SIZE >> 24);
  h[13] = (uint8_t)(_VAULT_CHUNK_SIZE >> 16);
  h[14] = (uint8_t)(_VAULT_CHUNK_SIZE >> 8);
  h[15] = (uint8_t)_VAULT_CHUNK_SIZE;
  memcpy(h + 16, id, _VAULT_ID_LEN);

  return (header_check(dek, h, h + HDR_CHECKED));
}


/*
 * 'aead_new()' - AES-256-GCM handle under dek, or NULL.
 */

static gnutls_aead_cipher_hd_t
aead_new(const _vault_key_t *dek)
{
  gnutls_aead_cipher_hd_t	h;
  gnutls_datum_t		key = { (unsigned char *)dek->bytes, _VAULT_KEY_SIZE };

  if (gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &key) < 0)
    return (NULL);

  return (h);
}


/*
 * '_vaultSealedSize()' - Size of the data file holding plain_size bytes.
 */

guint64
_vaultSealedSize(guint64 plain_size)
{
  guint64 chunks = plain_size == 0 ? 1 : (plain_size + _VAULT_CHUNK_SIZE - 1) / _VAULT_CHUNK_SIZE;

  return (HDR_SIZE + plain_size + chunks * _VAULT_TAG_SIZE);
}


/*
 * '_vaultSealerNew()' - Write the header of entry id to fd (at offset 0)
 *                       through io and return a sealer, or NULL with IO or
 *                       FAILED.  Nothing is fsynced.
 */

_vault_sealer_t *
_vaultSealerNew(_vault_io_t        *io,
                int                fd,
                const _vault_key_t *dek,
                const char         *id,
                GError             **error)
{
  _vault_sealer_t	*s;

  g_return_val_if_fail(io && fd >= 0 && dek && id && strlen(id) == _VAULT_ID_LEN, NULL);

  s     = g_new0(_vault_sealer_t, 1);
  s->io = io;
  s->fd = fd;

  if (!header_build(s->header, dek, id) || (s->aead = aead_new(dek)) == NULL)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Cannot set up encryption for entry %s.", id);
    _vaultSealerFree(s);
    return (NULL);
  }

  if (_vaultIoWrite(io, fd, s->header, HDR_SIZE))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "write data file header of entry %s: %s", id, g_strerror(errno));
    _vaultSealerFree(s);
    return (NULL);
  }

  s->file_size = HDR_SIZE;
  return (s);
}


/*
 * 'seal_chunk()' - Encrypt the fill bytes in buf in place, append the tag,
 *                  write the chunk.  IO on a failed write.
 */

static bool
seal_chunk(_vault_sealer_t *s,
           bool            last,
           GError          **error)
{
  uint8_t	nonce[_VAULT_NONCE_SIZE];
  giovec_t	aad = { s->header, HDR_SIZE }, data = { s->buf, s->fill };
  size_t	tag_size = _VAULT_TAG_SIZE;

  make_nonce(nonce, s->counter, last);

  if (gnutls_aead_cipher_encryptv2(s->aead, nonce, sizeof(nonce), &aad, 1, &data, 1,
                                   s->buf + s->fill, &tag_size) < 0)
  {
    s->failed = true;
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Encrypting chunk %" G_GUINT64_FORMAT " failed.", s->counter);
    return (false);
  }

  if (_vaultIoWrite(s->io, s->fd, s->buf, s->fill + _VAULT_TAG_SIZE))
  {
    s->failed = true;
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "write data file chunk %" G_GUINT64_FORMAT ": %s", s->counter, g_strerror(errno));
    return (false);
  }

  s->file_size += s->fill + _VAULT_TAG_SIZE;
  s->counter ++;
  s->fill = 0;

  return (true);
}


/*
 * '_vaultSealerWrite()' - Encrypt and write len bytes of plaintext.  A full
 *                         chunk is held back until more data or Finish
 *                         says whether it is the last.  IO or FAILED.
 */

bool
_vaultSealerWrite(_vault_sealer_t *s,
                  const void      *buf,
                  size_t          len,
                  GError          **error)
{
  const uint8_t	*p = buf;

  g_return_val_if_fail(s != NULL && (buf != NULL || len == 0), false);

  if (s->failed || s->finished)
  {
    g_set_error_literal(error, VAULT_ERROR, VAULT_ERROR_FAILED,
                        s->failed ? "The data file cannot take more data after a failed write." :
                                    "The data file is already sealed.");
    return (false);
  }

  while (len > 0)
  {
    size_t n;

    if (s->fill == _VAULT_CHUNK_SIZE && !seal_chunk(s, false, error))
      return (false);

    n = MIN(len, (size_t)_VAULT_CHUNK_SIZE - s->fill);
    memcpy(s->buf + s->fill, p, n);
    s->fill       += n;
    s->plain_size += n;
    p             += n;
    len           -= n;
  }

  return (true);
}


/*
 * '_vaultSealerFinish()' - Write the final chunk (flagged last).  The file
 *                          is complete but NOT fsynced: the caller does that.
 */

bool
_vaultSealerFinish(_vault_sealer_t *s,
                   GError          **error)
{
  g_return_val_if_fail(s != NULL, false);

  if (s->failed || s->finished)
  {
    g_set_error_literal(error, VAULT_ERROR, VAULT_ERROR_FAILED,
                        s->failed ? "The data file cannot be sealed after a failed write." :
                                    "The data file is already sealed.");
    return (false);
  }

  if (!seal_chunk(s, true, error))
    return (false);

  s->finished = true;
  _vaultKeyWipe(s->buf, sizeof(s->buf));
  return (true);
}


/*
 * '_vaultSealerGetPlainSize()' - Plaintext bytes accepted so far.
 */

guint64
_vaultSealerGetPlainSize(const _vault_sealer_t *s)
{
  return (s ? s->plain_size : 0);
}


/*
 * '_vaultSealerGetFileSize()' - Bytes written to the data file so far.
 */

guint64
_vaultSealerGetFileSize(const _vault_sealer_t *s)
{
  return (s ? s->file_size : 0);
}


/*
 * '_vaultSealerFree()' - Free a sealer, wiping its key and buffer.  The
 *                        descriptor stays open.
 */

void
_vaultSealerFree(_vault_sealer_t *s)
{
  if (!s)
    return;

  if (s->aead)
    gnutls_aead_cipher_deinit(s->aead);

  _vaultKeyWipe(s, sizeof(*s));
  g_free(s);
}


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
  uint8_t		want[HDR_SIZE];
  volatile unsigned	diff = 0;
  unsigned		version = (unsigned)h[8] << 8 | h[9];
  int			i;

  if (memcmp(h, data_magic, sizeof(data_magic)))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "The data file of entry %s is not a cups-vault data file (bad magic).", id);
  else if (version != _VAULT_FORMAT_VERSION)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_VERSION, "The data file of entry %s has format version %u; this build reads version %d.", id, version, _VAULT_FORMAT_VERSION);
  else if (!header_build(want, dek, id))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Cannot check the data file header of entry %s.", id);
  else if (memcmp(h + 10, want + 10, 6))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "The data file of entry %s has an unknown algorithm, flags or chunk size.", id);
  else if (memcmp(h + 16, want + 16, _VAULT_ID_LEN))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH, "The data file of entry %s belongs to another entry (%.32s).", id, g_utf8_validate((const char *)h + 16, _VAULT_ID_LEN, NULL) ? (const char *)h + 16 : "?");
  else
  {
    for (i = HDR_CHECKED; i < HDR_SIZE; i ++)
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

  if ((n = read_full(fd, o->header, HDR_SIZE)) < 0)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "read data file header of entry %s: %s", id, g_strerror(errno));
  else if (n < HDR_SIZE && !memcmp(o->header, data_magic, MIN((size_t)n, sizeof(data_magic))))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_TRUNCATED, "The data file of entry %s ends inside its header (%d bytes).", id, (int)n);
  else if (n < HDR_SIZE)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "The data file of entry %s is not a cups-vault data file (bad magic).", id);
  else if (header_parse(o->header, dek, id, error))
  {
    if ((o->aead = aead_new(dek)) != NULL)
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

  make_nonce(nonce, o->counter, last);

  return (gnutls_aead_cipher_decrypt(o->aead, nonce, sizeof(nonce), o->header, HDR_SIZE, _VAULT_TAG_SIZE,
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
  off_t		offset = HDR_SIZE + (off_t)o->counter * FULL_CHUNK;
  uint8_t	*scratch;
  size_t	len;
  bool		spliced = false;

  if (pread(o->fd, o->buf, n, offset) != (ssize_t)n)
  {
    o->failed = VAULT_ERROR_IO;
    return (open_fail(o, error, "could not be re-read at chunk %" G_GUINT64_FORMAT ": %s", o->counter, g_strerror(errno)));
  }

  scratch = g_malloc(FULL_CHUNK);

  if (!more && n == FULL_CHUNK && try_chunk(o, o->buf, n, false, scratch))
    o->failed = VAULT_ERROR_TRUNCATED;

  for (len = more ? n : n - 1; !o->failed && len >= _VAULT_TAG_SIZE && !spliced; len --)
    spliced = try_chunk(o, o->buf, len, true, scratch);

  _vaultKeyWipe(scratch, FULL_CHUNK);
  g_free(scratch);

  if (o->failed == VAULT_ERROR_TRUNCATED)
    return (open_fail(o, error, "ends after chunk %" G_GUINT64_FORMAT " without its final chunk: it is truncated.", o->counter));

  if (spliced)
  {
    o->failed = VAULT_ERROR_CORRUPT;
    return (open_fail(o, error, "has data after its final chunk (chunk %" G_GUINT64_FORMAT ").", o->counter));
  }

  if (!more && n < FULL_CHUNK)
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
  giovec_t	aad = { o->header, HDR_SIZE }, data;
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
  more     = o->have > FULL_CHUNK;
  n        = more ? FULL_CHUNK : o->have;

  if (n < _VAULT_TAG_SIZE)
  {
    o->failed = VAULT_ERROR_TRUNCATED;
    return (open_fail(o, error, "ends %s chunk %" G_GUINT64_FORMAT " without an authenticated final chunk: it is truncated.", n ? "inside" : "before", o->counter));
  }

  data.iov_base = o->buf;
  data.iov_len  = n - _VAULT_TAG_SIZE;
  make_nonce(nonce, o->counter, !more);

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
