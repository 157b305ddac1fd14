/*
 * Unit tests of the spool's STREAM data files: round trips, tampering,
 * truncation and golden vectors (the keys: test-key.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * "test-crypt --write-golden DIR" rewrites the golden data files (only when
 * the format changes on purpose); every other run compares against them.
 */

#include "spool-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#ifndef VAULT_GOLDEN_DIR
#  define VAULT_GOLDEN_DIR "tests/golden"
#endif

#define CHUNK	_VAULT_CHUNK_SIZE
#define FULL	(_VAULT_CHUNK_SIZE + _VAULT_TAG_SIZE)
#define HDR	64

static const char	ID[] = "0123456789abcdef0123456789abcdef";
static const char	ID2[] = "fedcba9876543210fedcba9876543210";




/*
 * Helpers...
 */

static void
key_fill(_vault_key_t *key, uint8_t first)
{
  for (int i = 0; i < _VAULT_KEY_SIZE; i ++)
    key->bytes[i] = (uint8_t)(first + i);
}

/* Deterministic bytes for stream offset off. */
static void
pattern(uint8_t *buf, size_t len, guint64 off)
{
  for (size_t i = 0; i < len; i ++)
    buf[i] = (uint8_t)(((off + i) * 2654435761u) >> 13);
}

static GBytes *
plain_bytes(size_t len)
{
  uint8_t *p = g_malloc(len + 1);

  pattern(p, len, 0);
  return (g_bytes_new_take(p, len));
}

/* Seal plain in writes of `step` bytes; returns the data file's bytes. */
static GBytes *
seal(const _vault_key_t *dek, const char *id, GBytes *plain, size_t step)
{
  GError		*error = NULL;
  char			*path = NULL, *data;
  gsize			len, plen, off;
  const uint8_t		*p = g_bytes_get_data(plain, &plen);
  int			fd = g_file_open_tmp("vault-crypt-XXXXXX", &path, &error);
  _vault_io_t		*io = _vaultIoNew();
  _vault_sealer_t	*s;

  g_assert_no_error(error);
  s = _vaultSealerNew(io, fd, dek, id, &error);
  g_assert_no_error(error);

  for (off = 0; off < plen; off += MIN(step, plen - off))
    g_assert_true(_vaultSealerWrite(s, p + off, MIN(step, plen - off), &error));
  g_assert_true(_vaultSealerFinish(s, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(_vaultSealerGetPlainSize(s), ==, plen);
  g_assert_cmpuint(_vaultSealerGetFileSize(s), ==, _vaultSealedSize(plen));

  /* The sealer refuses more data once sealed. */
  g_assert_false(_vaultSealerWrite(s, "x", 1, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_FAILED);
  g_clear_error(&error);

  _vaultSealerFree(s);
  _vaultIoFree(io);
  close(fd);
  g_assert_true(g_file_get_contents(path, &data, &len, NULL));
  g_assert_cmpuint(len, ==, _vaultSealedSize(plen));
  g_unlink(path);
  g_free(path);

  return (g_bytes_new_take(data, len));
}

/*
 * Open a data file holding bytes; returns the plaintext read (also the part
 * read before a failure) and sets *error on failure.
 */
static GByteArray *
open_file(const _vault_key_t *dek, const char *id, const void *bytes, size_t len, GError **error)
{
  char			*path = NULL;
  int			fd = g_file_open_tmp("vault-crypt-XXXXXX", &path, NULL);
  GByteArray		*out = g_byte_array_new();
  _vault_opener_t	*o;
  uint8_t		buf[7777];
  gssize		n;

  g_assert_cmpint(fd, >=, 0);
  g_assert_cmpint(write(fd, bytes, len), ==, (gssize)len);
  g_assert_cmpint(lseek(fd, 0, SEEK_SET), ==, 0);
  g_unlink(path);
  g_free(path);

  if ((o = _vaultOpenerNew(fd, dek, id, error)) == NULL)
  {
    close(fd);
    return (out);
  }

  while ((n = _vaultOpenerRead(o, buf, sizeof(buf), error)) > 0)
    g_byte_array_append(out, buf, (guint)n);

  if (n == 0)
  {
    /* The end is sticky. */
    g_assert_cmpint(_vaultOpenerRead(o, buf, sizeof(buf), error), ==, 0);
  }
  else
  {
    /* A failure is sticky too, with the same code. */
    GError *again = NULL;

    g_assert_nonnull(*error);
    g_assert_cmpint(_vaultOpenerRead(o, buf, sizeof(buf), &again), ==, -1);
    g_assert_error(again, VAULT_ERROR, (*error)->code);
    g_clear_error(&again);
  }

  _vaultOpenerFree(o);
  return (out);
}

/* Expect opening `bytes` to fail with code after exactly `good` plaintext bytes. */
static void
expect_fail(const _vault_key_t *dek, const char *id, const void *bytes, size_t len, int code, size_t good, const char *what)
{
  GError	*error = NULL;
  GByteArray	*out = open_file(dek, id, bytes, len, &error);

  g_test_message("%s: %s", what, error ? error->message : "(no error)");
  g_assert_error(error, VAULT_ERROR, code);
  g_assert_cmpuint(out->len, ==, good);
  g_byte_array_unref(out);
  g_clear_error(&error);
}

/* A writable copy of a sealed file. */
static uint8_t *
copy_of(GBytes *b, size_t *len)
{
  return (g_memdup2(g_bytes_get_data(b, len), g_bytes_get_size(b)));
}


/*
 * STREAM tests...
 */

static void
test_roundtrip(gconstpointer data)
{
  size_t	len = GPOINTER_TO_SIZE(data);
  _vault_key_t	dek;
  GBytes	*plain = plain_bytes(len), *file;
  GByteArray	*out;
  GError	*error = NULL;
  static const size_t steps[] = { 1, 4093, 65536, 1 << 20 };

  key_fill(&dek, 7);

  for (guint i = 0; i < G_N_ELEMENTS(steps); i ++)
  {
    if (steps[i] == 1 && len > 70000)
      continue;					/* Byte-at-a-time only for small sizes */

    file = seal(&dek, ID, plain, steps[i]);
    out  = open_file(&dek, ID, g_bytes_get_data(file, NULL), g_bytes_get_size(file), &error);
    g_assert_no_error(error);
    g_assert_cmpmem(out->data, out->len, g_bytes_get_data(plain, NULL), len);
    g_byte_array_unref(out);
    g_bytes_unref(file);
  }

  g_bytes_unref(plain);
}

static void
test_sizes(void)
{
  _vault_key_t	dek;
  GBytes	*plain = plain_bytes(CHUNK * 2), *file;
  const uint8_t	*f;

  g_assert_cmpuint(_vaultSealedSize(0), ==, HDR + 16);
  g_assert_cmpuint(_vaultSealedSize(1), ==, HDR + 1 + 16);
  g_assert_cmpuint(_vaultSealedSize(CHUNK), ==, HDR + CHUNK + 16);
  g_assert_cmpuint(_vaultSealedSize(CHUNK + 1), ==, HDR + CHUNK + 1 + 32);
  g_assert_cmpuint(_vaultSealedSize(100 * 1048576ULL), ==, HDR + 100 * 1048576ULL + 1600 * 16);

  /* No plaintext in the file: the ciphertext differs from it everywhere we look. */
  key_fill(&dek, 1);
  file = seal(&dek, ID, plain, 5000);
  f    = g_bytes_get_data(file, NULL);
  g_assert_cmpint(memcmp(f + HDR, g_bytes_get_data(plain, NULL), 64), !=, 0);
  g_assert_cmpint(memcmp(f + HDR + FULL, (const uint8_t *)g_bytes_get_data(plain, NULL) + CHUNK, 64), !=, 0);
  g_bytes_unref(file);
  g_bytes_unref(plain);
}

/* Seal 100 MiB in odd-sized writes and read it back in odd-sized reads. */
static void
test_roundtrip_large(void)
{
  static const size_t	wsizes[] = { 1, 4095, 65537, 131071, 7, 100003, 65536 };
  const guint64		total = 100 * 1048576ULL;
  GChecksum		*in = g_checksum_new(G_CHECKSUM_SHA256), *out = g_checksum_new(G_CHECKSUM_SHA256);
  GError		*error = NULL;
  char			*path = NULL, *sum_in;
  uint8_t		*buf = g_malloc(131071);
  int			fd = g_file_open_tmp("vault-big-XXXXXX", &path, &error);
  _vault_io_t		*io = _vaultIoNew();
  _vault_key_t		dek;
  _vault_sealer_t	*s;
  _vault_opener_t	*o;
  guint64		off = 0, got = 0;
  gint64		t0, t_seal = 0, t_open;
  gssize		n;
  guint			i = 0;

  key_fill(&dek, 9);
  s = _vaultSealerNew(io, fd, &dek, ID, &error);
  g_assert_no_error(error);

  while (off < total)
  {
    size_t want = wsizes[i ++ % G_N_ELEMENTS(wsizes)], len = (size_t)MIN(want, total - off);

    pattern(buf, len, off);
    g_checksum_update(in, buf, len);
    t0 = g_get_monotonic_time();
    g_assert_true(_vaultSealerWrite(s, buf, len, &error));
    t_seal += g_get_monotonic_time() - t0;
    off += len;
  }
  t0 = g_get_monotonic_time();
  g_assert_true(_vaultSealerFinish(s, &error));
  t_seal += g_get_monotonic_time() - t0;
  g_assert_cmpuint(_vaultSealerGetFileSize(s), ==, _vaultSealedSize(total));
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 1 + 1600);	/* Header + one write per chunk */
  _vaultSealerFree(s);
  _vaultIoFree(io);
  close(fd);

  fd = open(path, O_RDONLY);
  g_unlink(path);
  t0 = g_get_monotonic_time();
  o  = _vaultOpenerNew(fd, &dek, ID, &error);
  g_assert_no_error(error);
  t_open = g_get_monotonic_time() - t0;
  for (i = 0; ; i ++)
  {
    t0 = g_get_monotonic_time();
    n  = _vaultOpenerRead(o, buf, wsizes[i % G_N_ELEMENTS(wsizes)], &error);
    t_open += g_get_monotonic_time() - t0;
    if (n <= 0)
      break;
    g_checksum_update(out, buf, (gsize)n);
    got += (guint64)n;
  }
  g_assert_no_error(error);
  _vaultOpenerFree(o);

  g_assert_cmpuint(got, ==, total);
  sum_in = g_strdup(g_checksum_get_string(in));
  g_assert_cmpstr(sum_in, ==, g_checksum_get_string(out));
  g_test_message("100 MiB: seal %.0f MB/s (%.3f s, file writes included), open %.0f MB/s (%.3f s, file reads included)",
                 total / (double)MAX(t_seal, 1), t_seal / 1e6, total / (double)MAX(t_open, 1), t_open / 1e6);

  g_free(sum_in);
  g_free(buf);
  g_free(path);
  g_checksum_free(in);
  g_checksum_free(out);
}

static void
test_tamper_header(void)
{
  _vault_key_t	dek;
  GBytes	*plain = plain_bytes(1000), *file;
  uint8_t	*f;
  size_t	len;
  GError	*error = NULL;
  GByteArray	*out;

  key_fill(&dek, 3);
  file = seal(&dek, ID, plain, 1000);
  f    = copy_of(file, &len);

  /* Every single-bit change of the header is refused before any plaintext. */
  for (int i = 0; i < HDR; i ++)
  {
    f[i] ^= 0x01;
    out = open_file(&dek, ID, f, len, &error);
    g_assert_nonnull(error);
    g_assert_true(error->domain == VAULT_ERROR);
    g_assert_true(error->code == VAULT_ERROR_CORRUPT || error->code == VAULT_ERROR_VERSION || error->code == VAULT_ERROR_AUTH);
    g_assert_cmpuint(out->len, ==, 0);
    g_byte_array_unref(out);
    g_clear_error(&error);
    f[i] ^= 0x01;
  }

  f[0] = 'X';
  expect_fail(&dek, ID, f, len, VAULT_ERROR_CORRUPT, 0, "magic");
  f[0] = 0x89;
  f[9] = 2;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_VERSION, 0, "version 2");
  f[9] = 1;
  f[10] = 2;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_CORRUPT, 0, "algorithm");
  f[10] = 1;
  f[13] ^= 0x80;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_CORRUPT, 0, "chunk size");
  f[13] ^= 0x80;
  f[20] ^= 1;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, 0, "entry id byte");
  f[20] ^= 1;
  f[60] ^= 1;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, 0, "key check byte");
  f[60] ^= 1;

  /* Unchanged, it still opens: the loop above restored every byte. */
  out = open_file(&dek, ID, f, len, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(out->len, ==, 1000);
  g_byte_array_unref(out);

  g_free(f);
  g_bytes_unref(file);
  g_bytes_unref(plain);
}

static void
test_tamper_chunks(void)
{
  _vault_key_t	dek, dek2;
  GBytes	*plain = plain_bytes(3 * CHUNK + 1000), *file, *other_id, *other_key;
  uint8_t	*f;
  size_t	len;

  key_fill(&dek, 3);
  key_fill(&dek2, 4);
  file      = seal(&dek, ID, plain, 10000);
  other_id  = seal(&dek, ID2, plain, 10000);
  other_key = seal(&dek2, ID, plain, 10000);
  f         = copy_of(file, &len);

  f[HDR + 5] ^= 0x20;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, 0, "chunk 0 byte");
  f[HDR + 5] ^= 0x20;

  f[HDR + FULL + 40000] ^= 0x01;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, CHUNK, "chunk 1 byte");
  f[HDR + FULL + 40000] ^= 0x01;

  f[HDR + 3 * FULL - 1] ^= 0x80;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, 2 * CHUNK, "chunk 2 tag byte");
  f[HDR + 3 * FULL - 1] ^= 0x80;

  /* Reordered chunks. */
  memcpy(f + HDR, (const uint8_t *)g_bytes_get_data(file, NULL) + HDR + FULL, FULL);
  memcpy(f + HDR + FULL, (const uint8_t *)g_bytes_get_data(file, NULL) + HDR, FULL);
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, 0, "chunks 0 and 1 swapped");
  memcpy(f, g_bytes_get_data(file, NULL), len);

  /* A chunk from the same plaintext sealed for another entry, or under another key. */
  memcpy(f + HDR + FULL, (const uint8_t *)g_bytes_get_data(other_id, NULL) + HDR + FULL, FULL);
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, CHUNK, "chunk 1 from another entry id");
  memcpy(f + HDR + FULL, (const uint8_t *)g_bytes_get_data(other_key, NULL) + HDR + FULL, FULL);
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, CHUNK, "chunk 1 from another data key");
  memcpy(f, g_bytes_get_data(file, NULL), len);

  /* The other entry's whole file, presented as this entry's. */
  expect_fail(&dek, ID, g_bytes_get_data(other_id, NULL), len, VAULT_ERROR_AUTH, 0, "file of another entry");

  /* A chunk removed from the middle. */
  memmove(f + HDR + FULL, f + HDR + 2 * FULL, len - HDR - 2 * FULL);
  expect_fail(&dek, ID, f, len - FULL, VAULT_ERROR_AUTH, CHUNK, "chunk 1 removed");

  g_free(f);
  g_bytes_unref(file);
  g_bytes_unref(other_id);
  g_bytes_unref(other_key);
  g_bytes_unref(plain);
}

static void
test_tamper_final(void)
{
  _vault_key_t	dek;
  GBytes	*plain = plain_bytes(2 * CHUNK + 500), *file;
  uint8_t	*f;
  size_t	len;

  key_fill(&dek, 5);

  /* A full final chunk: altered body or tag is an authentication failure. */
  file = seal(&dek, ID, g_bytes_new_from_bytes(plain, 0, 2 * CHUNK), 3000);
  f    = copy_of(file, &len);
  f[len - 100] ^= 1;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, CHUNK, "full final chunk byte");
  f[len - 100] ^= 1;
  f[len - 1] ^= 1;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_AUTH, CHUNK, "full final chunk tag");
  g_free(f);
  g_bytes_unref(file);

  /*
   * A short final chunk that fails cannot be told from a chunk cut short
   * (the format stores no length): it is reported TRUNCATED, never read.
   */
  file = seal(&dek, ID, plain, 3000);
  f    = copy_of(file, &len);
  f[len - 20] ^= 1;
  expect_fail(&dek, ID, f, len, VAULT_ERROR_TRUNCATED, 2 * CHUNK, "short final chunk byte");
  g_free(f);
  g_bytes_unref(file);
  g_bytes_unref(plain);
}

static void
test_truncate(void)
{
  _vault_key_t	dek;
  GBytes	*plain = plain_bytes(3 * CHUNK + 1000), *full_end = plain_bytes(2 * CHUNK), *file, *file2;
  const uint8_t	*f, *f2;
  size_t	len, len2;
  static const size_t cuts[] =
  {
    0, 1, 8, 63,					/* Inside the header */
    HDR, HDR + 1, HDR + 15, HDR + 16, HDR + 30000, HDR + FULL - 1,	/* Chunk 0 */
    HDR + FULL, HDR + FULL + 17, HDR + 2 * FULL - 16,	/* Chunk 1 */
    HDR + 2 * FULL, HDR + 3 * FULL - 1,
    HDR + 3 * FULL, HDR + 3 * FULL + 500		/* Final chunk */
  };

  key_fill(&dek, 6);
  file = seal(&dek, ID, plain, 65537);
  f    = g_bytes_get_data(file, &len);

  for (guint i = 0; i < G_N_ELEMENTS(cuts); i ++)
  {
    size_t	cut = cuts[i], whole = cut < HDR ? 0 : (cut - HDR) / FULL, rest = cut < HDR ? 1 : (cut - HDR) % FULL;
    char	*what = g_strdup_printf("cut at %zu", cut);

    /*
     * Chunks followed by more data are read; a chunk that ends exactly at
     * the cut authenticates only as not-final, so it is not read.
     */
    expect_fail(&dek, ID, f, cut, VAULT_ERROR_TRUNCATED, (rest ? whole : whole ? whole - 1 : 0) * CHUNK, what);
    g_free(what);
  }
  expect_fail(&dek, ID, f, len - 1, VAULT_ERROR_TRUNCATED, 3 * CHUNK, "last byte cut");

  /* When the final chunk is full, a cut exactly before it is found too. */
  file2 = seal(&dek, ID, full_end, 4096);
  f2    = g_bytes_get_data(file2, &len2);
  expect_fail(&dek, ID, f2, HDR + FULL, VAULT_ERROR_TRUNCATED, 0, "cut before a full final chunk");
  expect_fail(&dek, ID, f2, len2 - 1, VAULT_ERROR_TRUNCATED, CHUNK, "full final chunk cut by one");

  g_bytes_unref(file);
  g_bytes_unref(file2);
  g_bytes_unref(plain);
  g_bytes_unref(full_end);
}

static void
test_trailing(void)
{
  static const size_t	sizes[] = { 0, 1000, 2 * CHUNK, 2 * CHUNK + 1 };
  static const size_t	extra[] = { 1, 15, 16, 100, 70000 };
  _vault_key_t		dek;

  key_fill(&dek, 8);

  for (guint i = 0; i < G_N_ELEMENTS(sizes); i ++)
  {
    GBytes	*plain = plain_bytes(sizes[i]), *file = seal(&dek, ID, plain, 9999);
    size_t	len = g_bytes_get_size(file);

    for (guint j = 0; j < G_N_ELEMENTS(extra); j ++)
    {
      uint8_t	*f = g_malloc(len + extra[j]);
      char	*what = g_strdup_printf("%zu bytes + %zu garbage", sizes[i], extra[j]);

      memcpy(f, g_bytes_get_data(file, NULL), len);
      pattern(f + len, extra[j], 12345);
      /* Every chunk before the final one is read; the final one is not. */
      expect_fail(&dek, ID, f, len + extra[j], VAULT_ERROR_CORRUPT, sizes[i] ? (sizes[i] - 1) / CHUNK * CHUNK : 0, what);
      g_free(what);
      g_free(f);
    }
    g_bytes_unref(file);
    g_bytes_unref(plain);
  }
}

static void
test_wrong_key(void)
{
  _vault_key_t	dek, other;
  GBytes	*plain = plain_bytes(3 * CHUNK), *file;

  key_fill(&dek, 10);
  key_fill(&other, 11);
  file = seal(&dek, ID, plain, 8192);
  expect_fail(&other, ID, g_bytes_get_data(file, NULL), g_bytes_get_size(file), VAULT_ERROR_AUTH, 0, "wrong data key");
  expect_fail(&dek, ID2, g_bytes_get_data(file, NULL), g_bytes_get_size(file), VAULT_ERROR_AUTH, 0, "wrong entry id");
  g_bytes_unref(file);
  g_bytes_unref(plain);
}

static void
test_sealer_steps(void)
{
  _vault_key_t		dek;
  _vault_io_t		*io = _vaultIoNew();
  char			*path = NULL;
  int			fd = g_file_open_tmp("vault-crypt-XXXXXX", &path, NULL);
  GBytes		*plain = plain_bytes(CHUNK + 1);
  _vault_sealer_t	*s;

  key_fill(&dek, 12);
  s = _vaultSealerNew(io, fd, &dek, ID, NULL);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 1);
  g_assert_true(_vaultSealerWrite(s, g_bytes_get_data(plain, NULL), CHUNK, NULL));
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 1);		/* A full chunk waits for the next byte */
  g_assert_true(_vaultSealerWrite(s, (const uint8_t *)g_bytes_get_data(plain, NULL) + CHUNK, 1, NULL));
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 2);
  g_assert_true(_vaultSealerFinish(s, NULL));
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 3);
  g_assert_cmpuint(_vaultSealerGetFileSize(s), ==, HDR + CHUNK + 1 + 32);

  _vaultSealerFree(s);
  _vaultIoFree(io);
  close(fd);
  g_unlink(path);
  g_free(path);
  g_bytes_unref(plain);
}


/*
 * Golden vectors...
 */

static GBytes *
golden_plain(gboolean short_one)
{
  return (short_one ? g_bytes_new_static("Hello, vault!\n", 14) : plain_bytes(70000));
}

static char *
golden_path(const char *dir, const char *name)
{
  return (g_build_filename(dir ? dir : VAULT_GOLDEN_DIR, name, NULL));
}

static void
test_golden_data(void)
{
  static const char * const names[] = { "data-v1-short.bin", "data-v1.bin" };
  _vault_key_t	dek;
  GError	*error = NULL;

  key_fill(&dek, 0);

  for (guint i = 0; i < 2; i ++)
  {
    GBytes	*plain = golden_plain(i == 0), *file = seal(&dek, ID, plain, 3333);
    char	*path = golden_path(NULL, names[i]), *want;
    gsize	want_len;
    GByteArray	*out;

    g_assert_true(g_file_get_contents(path, &want, &want_len, &error));
    g_assert_cmpmem(g_bytes_get_data(file, NULL), g_bytes_get_size(file), want, want_len);

    out = open_file(&dek, ID, want, want_len, &error);
    g_assert_no_error(error);
    g_assert_cmpmem(out->data, out->len, g_bytes_get_data(plain, NULL), g_bytes_get_size(plain));

    g_byte_array_unref(out);
    g_free(want);
    g_free(path);
    g_bytes_unref(file);
    g_bytes_unref(plain);
  }
}


/* Rewrite the golden data files in dir; returns an exit status. */
static int
write_golden(const char *dir)
{
  static const char * const names[] = { "data-v1-short.bin", "data-v1.bin" };
  _vault_key_t	dek;
  GError	*error = NULL;

  key_fill(&dek, 0);
  for (guint i = 0; i < 2; i ++)
  {
    GBytes	*plain = golden_plain(i == 0), *file = seal(&dek, ID, plain, 3333);
    char	*path = golden_path(dir, names[i]);
    bool	ok = g_file_set_contents(path, g_bytes_get_data(file, NULL), (gssize)g_bytes_get_size(file), &error);

    g_free(path);
    g_bytes_unref(file);
    g_bytes_unref(plain);
    if (!ok)
      return (1);
  }

  return (0);
}


/*
 * 'main()' - Run the STREAM tests, or rewrite the golden data files.
 */

int
main(int  argc,
     char *argv[])
{
  static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 3 * 65536 + 1000 };

  if (argc == 3 && !strcmp(argv[1], "--write-golden"))
    return (write_golden(argv[2]));

  g_test_init(&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS(sizes); i ++)
  {
    char *name = g_strdup_printf("/spool/crypt/roundtrip/%zu", sizes[i]);

    g_test_add_data_func(name, GSIZE_TO_POINTER(sizes[i]), test_roundtrip);
    g_free(name);
  }
  g_test_add_func("/spool/crypt/roundtrip/100MiB", test_roundtrip_large);
  g_test_add_func("/spool/crypt/sizes", test_sizes);
  g_test_add_func("/spool/crypt/sealer-steps", test_sealer_steps);
  g_test_add_func("/spool/crypt/tamper/header", test_tamper_header);
  g_test_add_func("/spool/crypt/tamper/chunks", test_tamper_chunks);
  g_test_add_func("/spool/crypt/tamper/final", test_tamper_final);
  g_test_add_func("/spool/crypt/truncate", test_truncate);
  g_test_add_func("/spool/crypt/trailing", test_trailing);
  g_test_add_func("/spool/crypt/wrong-key", test_wrong_key);
  g_test_add_func("/spool/crypt/golden/data", test_golden_data);

  return (g_test_run());
}
