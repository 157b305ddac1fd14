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
 * Memory is bounded: the sealer holds one chunk, the opener
 * (spool-crypt-open.c) one chunk and a one-byte read-ahead that tells
 * whether the chunk it holds is the last.  Encryption and decryption work
 * in place in that one buffer.
 */

#include "spool-private.h"

#include <errno.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>


/*
 * Local constants...
 */

#define HDR_CHECK_SIZE	16			/* Truncated HMAC-SHA256 */
#define HDR_ALG_STREAM	1			/* AES-256-GCM STREAM, 11+1 byte nonce */

const uint8_t _vaultCryptMagic[8] = { 0x89, 'C', 'V', 'D', '\r', '\n', 0x1a, '\n' };


/*
 * Local types...
 */

struct _vault_sealer_s
{
  _vault_io_t			*io;		/* I/O layer for every write */
  int				fd;		/* Data file (not owned) */
  gnutls_aead_cipher_hd_t	aead;		/* AES-256-GCM under the data key */
  uint8_t			header[_VAULT_HDR_SIZE];
  guint64			counter;	/* Chunks written */
  guint64			plain_size;	/* Plaintext bytes accepted */
  guint64			file_size;	/* Bytes written */
  size_t			fill;		/* Plaintext bytes in buf */
  bool				finished;	/* Final chunk written */
  bool				failed;		/* A write failed: no more output */
  uint8_t			buf[_VAULT_FULL_CHUNK];
};


/*
 * '_vaultCryptNonce()' - STREAM nonce: 11-byte big-endian counter || last flag.
 */

void
_vaultCryptNonce(uint8_t nonce[_VAULT_NONCE_SIZE],
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

  if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, dek->bytes, sizeof(dek->bytes), header, _VAULT_HDR_CHECKED, digest) < 0)
    return (false);

  memcpy(check, digest, HDR_CHECK_SIZE);
  return (true);
}


/*
 * '_vaultCryptHeaderBuild()' - Fill in the v1 header for entry id under dek.
 */

bool
_vaultCryptHeaderBuild(uint8_t            *h,
                       const _vault_key_t *dek,
                       const char         *id)
{
  memset(h, 0, _VAULT_HDR_SIZE);
  memcpy(h, _vaultCryptMagic, sizeof(_vaultCryptMagic));
  h[8]  = 0;
  h[9]  = _VAULT_FORMAT_VERSION;
  h[10] = HDR_ALG_STREAM;
  h[11] = 0;
  h[12] = (uint8_t)(_VAULT_CHUNK_SIZE >> 24);
  h[13] = (uint8_t)(_VAULT_CHUNK_SIZE >> 16);
  h[14] = (uint8_t)(_VAULT_CHUNK_SIZE >> 8);
  h[15] = (uint8_t)_VAULT_CHUNK_SIZE;
  memcpy(h + 16, id, _VAULT_ID_LEN);

  return (header_check(dek, h, h + _VAULT_HDR_CHECKED));
}


/*
 * '_vaultCryptAeadNew()' - AES-256-GCM handle under dek, or NULL.
 */

gnutls_aead_cipher_hd_t
_vaultCryptAeadNew(const _vault_key_t *dek)
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

  return (_VAULT_HDR_SIZE + plain_size + chunks * _VAULT_TAG_SIZE);
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

  if (!_vaultCryptHeaderBuild(s->header, dek, id) || (s->aead = _vaultCryptAeadNew(dek)) == NULL)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Cannot set up encryption for entry %s.", id);
    _vaultSealerFree(s);
    return (NULL);
  }

  if (_vaultIoWrite(io, fd, s->header, _VAULT_HDR_SIZE))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "write data file header of entry %s: %s", id, g_strerror(errno));
    _vaultSealerFree(s);
    return (NULL);
  }

  s->file_size = _VAULT_HDR_SIZE;
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
  giovec_t	aad = { s->header, _VAULT_HDR_SIZE }, data = { s->buf, s->fill };
  size_t	tag_size = _VAULT_TAG_SIZE;

  _vaultCryptNonce(nonce, s->counter, last);

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
