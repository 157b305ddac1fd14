/*
 * Unit tests of the spool's keys: key files, derivation, key wrapping,
 * MACs, wiping and golden vectors (the data files: test-crypt.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * "test-key --write-golden DIR" rewrites the golden key vectors (only when
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

static const char	ID[] = "0123456789abcdef0123456789abcdef";
static const char	ID2[] = "fedcba9876543210fedcba9876543210";
static const char	SECRET[] = "correct horse battery staple";


/*
 * Helpers...
 */

static void
key_fill(_vault_key_t *key, uint8_t first)
{
  for (int i = 0; i < _VAULT_KEY_SIZE; i ++)
    key->bytes[i] = (uint8_t)(first + i);
}

static char *
golden_path(const char *dir, const char *name)
{
  return (g_build_filename(dir ? dir : VAULT_GOLDEN_DIR, name, NULL));
}

static char *
key_hex(const _vault_key_t *key)
{
  GString *s = g_string_new(NULL);

  for (int i = 0; i < _VAULT_KEY_SIZE; i ++)
    g_string_append_printf(s, "%02x", key->bytes[i]);
  return (g_string_free(s, FALSE));
}

static bool
hex_key(const char *hex, _vault_key_t *key)
{
  if (!hex || strlen(hex) != 2 * _VAULT_KEY_SIZE)
    return (false);
  for (int i = 0; i < _VAULT_KEY_SIZE; i ++)
    key->bytes[i] = (uint8_t)(g_ascii_xdigit_value(hex[2 * i]) << 4 | g_ascii_xdigit_value(hex[2 * i + 1]));
  return (true);
}

/* Compare a string of the golden key file, freeing what it returned. */
static void
assert_golden_str(GKeyFile *kf, const char *group, const char *key, const char *want)
{
  char *have = g_key_file_get_string(kf, group, key, NULL);

  g_assert_cmpstr(have, ==, want);
  g_free(have);
}

static const char * const purposes[] = { "wrap", "sidecar-mac", "reference-mac" };
static const char golden_mac_data[] = "cups-vault golden MAC input\n";

/* Site key, derived keys, two wrapped keys and a MAC pinned in keys-v1.txt. */
static void
test_golden_keys(void)
{
  GKeyFile	*kf = g_key_file_new();
  char		*path = golden_path(NULL, "keys-v1.txt"), *hex, *w, *salt, mac[65];
  GError	*error = NULL;
  _vault_key_t	kek, want_kek, dek, want_dek, derived;

  g_assert_true(g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error));
  key_fill(&want_kek, 0x40);
  key_fill(&want_dek, 0x00);
  hex = g_key_file_get_string(kf, "site", "key", NULL);
  g_assert_true(hex_key(hex, &kek));
  g_free(hex);
  g_assert_cmpmem(kek.bytes, 32, want_kek.bytes, 32);

  for (guint i = 0; i < G_N_ELEMENTS(purposes); i ++)
  {
    g_assert_true(_vaultKeyDerive(&kek, purposes[i], &derived, &error));
    hex = key_hex(&derived);
    assert_golden_str(kf, "derive", purposes[i], hex);
    g_free(hex);
  }

  w = g_key_file_get_string(kf, "wrap-plain", "wrapped", NULL);
  g_assert_true(_vaultKeyUnwrap(&kek, ID, w, NULL, 0, NULL, &dek, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(dek.bytes, 32, want_dek.bytes, 32);
  g_free(w);

  w    = g_key_file_get_string(kf, "wrap-secret", "wrapped", NULL);
  salt = g_key_file_get_string(kf, "wrap-secret", "salt", NULL);
  assert_golden_str(kf, "wrap-secret", "secret", SECRET);
  g_assert_cmpint(g_key_file_get_integer(kf, "wrap-secret", "iterations", NULL), ==, 100000);
  memset(&dek, 0, sizeof(dek));
  g_assert_true(_vaultKeyUnwrap(&kek, ID, w, salt, 100000, SECRET, &dek, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(dek.bytes, 32, want_dek.bytes, 32);
  g_assert_false(_vaultKeyUnwrap(&kek, ID, w, salt, 100000, NULL, &dek, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_REQUIRED);
  g_clear_error(&error);
  g_free(w);
  g_free(salt);

  g_assert_true(_vaultKeyDerive(&kek, "sidecar-mac", &derived, &error));
  _vaultMacHex(&derived, golden_mac_data, strlen(golden_mac_data), mac);
  assert_golden_str(kf, "mac", "sidecar-mac", mac);

  g_key_file_free(kf);
  g_free(path);
}

/* Rewrite the golden key vectors in dir; returns an exit status. */
static int
write_golden(const char *dir)
{
  GKeyFile	*kf = g_key_file_new();
  _vault_key_t	kek, dek, derived;
  char		*w, *salt, *path, *hex, mac[65];
  guint		iterations;
  GError	*error = NULL;

  key_fill(&dek, 0);
  key_fill(&kek, 0x40);
  g_key_file_set_comment(kf, NULL, NULL, " Golden key vectors of cups-vault format v1 (doc/FORMAT.md); written by test-key --write-golden.", NULL);
  hex = key_hex(&kek);
  g_key_file_set_string(kf, "site", "key", hex);
  g_free(hex);
  for (guint i = 0; i < G_N_ELEMENTS(purposes); i ++)
  {
    _vaultKeyDerive(&kek, purposes[i], &derived, NULL);
    hex = key_hex(&derived);
    g_key_file_set_string(kf, "derive", purposes[i], hex);
    g_free(hex);
  }

  hex = key_hex(&dek);
  _vaultKeyWrap(&kek, ID, &dek, NULL, &w, &salt, &iterations, NULL);
  g_key_file_set_string(kf, "wrap-plain", "id", ID);
  g_key_file_set_string(kf, "wrap-plain", "data-key", hex);
  g_key_file_set_string(kf, "wrap-plain", "wrapped", w);
  g_free(w);
  _vaultKeyWrap(&kek, ID, &dek, SECRET, &w, &salt, &iterations, NULL);
  g_key_file_set_string(kf, "wrap-secret", "id", ID);
  g_key_file_set_string(kf, "wrap-secret", "data-key", hex);
  g_key_file_set_string(kf, "wrap-secret", "secret", SECRET);
  g_key_file_set_string(kf, "wrap-secret", "wrapped", w);
  g_key_file_set_string(kf, "wrap-secret", "salt", salt);
  g_key_file_set_integer(kf, "wrap-secret", "iterations", (int)iterations);
  g_free(hex);

  _vaultKeyDerive(&kek, "sidecar-mac", &derived, NULL);
  _vaultMacHex(&derived, golden_mac_data, strlen(golden_mac_data), mac);
  g_key_file_set_string(kf, "mac", "data", "cups-vault golden MAC input\\n");
  g_key_file_set_string(kf, "mac", "sidecar-mac", mac);

  path = golden_path(dir, "keys-v1.txt");
  if (!g_key_file_save_to_file(kf, path, &error))
    return (1);
  g_free(path);
  g_key_file_free(kf);
  return (0);
}



/*
 * Key tests...
 */

static char *
key_dir(void)
{
  char *dir = g_dir_make_tmp("vault-key-XXXXXX", NULL);

  g_assert_nonnull(dir);
  return (dir);
}

static void
test_keyfile_create(void)
{
  char		*dir = key_dir(), *path = g_build_filename(dir, "site.key", NULL), *before, *after;
  gsize		len;
  struct stat	st;
  GError	*error = NULL;
  _vault_key_t	kek;
  mode_t	old = umask(0);

  g_assert_true(vaultKeyFileCreate(path, &error));
  umask(old);
  g_assert_no_error(error);
  g_assert_cmpint(stat(path, &st), ==, 0);
  g_assert_cmpint(st.st_mode & 07777, ==, 0600);
  g_assert_cmpint(st.st_size, ==, 32);

  /* Never overwritten. */
  g_assert_true(g_file_get_contents(path, &before, &len, NULL));
  g_assert_false(vaultKeyFileCreate(path, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS);
  g_clear_error(&error);
  g_assert_true(g_file_get_contents(path, &after, &len, NULL));
  g_assert_cmpmem(before, 32, after, 32);

  /* Loads back the same bytes. */
  g_assert_true(_vaultKeyLoad(path, &kek, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(kek.bytes, 32, before, 32);

  /* A second key is different (random). */
  g_unlink(path);
  g_assert_true(vaultKeyFileCreate(path, &error));
  g_free(after);
  g_assert_true(g_file_get_contents(path, &after, &len, NULL));
  g_assert_cmpint(memcmp(before, after, 32), !=, 0);

  /* A directory that does not exist is an I/O error naming the path. */
  g_free(path);
  path = g_build_filename(dir, "no", "site.key", NULL);
  g_assert_false(vaultKeyFileCreate(path, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_IO);
  g_assert_nonnull(strstr(error->message, path));
  g_clear_error(&error);

  g_free(before);
  g_free(after);
  g_free(path);
  path = g_build_filename(dir, "site.key", NULL);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
}

static void
expect_load_fail(const char *path, const char *hint)
{
  GError	*error = NULL;
  _vault_key_t	kek;

  g_assert_false(_vaultKeyLoad(path, &kek, &error));
  g_test_message("%s", error ? error->message : "(no error)");
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_KEY);
  g_assert_nonnull(strstr(error->message, path));
  g_assert_nonnull(strstr(error->message, hint));
  g_clear_error(&error);
}

static void
test_keyfile_refuse(void)
{
  char		*dir = key_dir(), *path = g_build_filename(dir, "k", NULL), *fifo = g_build_filename(dir, "fifo", NULL);
  char		bytes[33] = { 0 };

  expect_load_fail(path, "vaultctl keygen");

  g_assert_true(g_file_set_contents(path, bytes, 32, NULL));
  g_assert_cmpint(chmod(path, 0644), ==, 0);
  expect_load_fail(path, "chmod 600");
  g_assert_cmpint(chmod(path, 0640), ==, 0);
  expect_load_fail(path, "chmod 600");
  g_assert_cmpint(chmod(path, 0604), ==, 0);
  expect_load_fail(path, "chmod 600");

  g_assert_true(g_file_set_contents(path, bytes, 31, NULL));
  g_assert_cmpint(chmod(path, 0600), ==, 0);
  expect_load_fail(path, "31 bytes");
  g_assert_true(g_file_set_contents(path, bytes, 33, NULL));
  g_assert_cmpint(chmod(path, 0600), ==, 0);
  expect_load_fail(path, "33 bytes");
  g_assert_true(g_file_set_contents(path, bytes, 0, NULL));
  g_assert_cmpint(chmod(path, 0600), ==, 0);
  expect_load_fail(path, "0 bytes");

  expect_load_fail(dir, "not a regular file");
  g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
  expect_load_fail(fifo, "not a regular file");	/* and does not hang */

  g_unlink(fifo);
  g_unlink(path);
  g_rmdir(dir);
  g_free(fifo);
  g_free(path);
  g_free(dir);
}

static void
test_derive(void)
{
  _vault_key_t	kek, a, b, c;

  key_fill(&kek, 0x40);
  g_assert_true(_vaultKeyDerive(&kek, "wrap", &a, NULL));
  g_assert_true(_vaultKeyDerive(&kek, "wrap", &b, NULL));
  g_assert_true(_vaultKeyDerive(&kek, "sidecar-mac", &c, NULL));
  g_assert_cmpmem(a.bytes, 32, b.bytes, 32);
  g_assert_cmpint(memcmp(a.bytes, c.bytes, 32), !=, 0);
  g_assert_cmpint(memcmp(a.bytes, kek.bytes, 32), !=, 0);
  kek.bytes[31] ^= 1;
  g_assert_true(_vaultKeyDerive(&kek, "wrap", &b, NULL));
  g_assert_cmpint(memcmp(a.bytes, b.bytes, 32), !=, 0);
}

static void
test_wrap_plain(void)
{
  _vault_key_t	kek, other, dek, got;
  char		*w = NULL, *w2 = NULL, *salt = (char *)"x";
  guint		iterations = 7;
  GError	*error = NULL;

  key_fill(&kek, 0x40);
  key_fill(&other, 0x41);
  g_assert_true(_vaultKeyRandom(&dek, &error));

  g_assert_true(_vaultKeyWrap(&kek, ID, &dek, NULL, &w, &salt, &iterations, &error));
  g_assert_null(salt);
  g_assert_cmpuint(iterations, ==, 0);
  g_assert_cmpuint(strlen(w), ==, 80);
  g_assert_true(_vaultKeyWrap(&kek, ID, &dek, NULL, &w2, &salt, &iterations, &error));
  g_assert_cmpstr(w, !=, w2);				/* Fresh nonce every time */

  g_assert_true(_vaultKeyUnwrap(&kek, ID, w, NULL, 0, NULL, &got, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(got.bytes, 32, dek.bytes, 32);

  g_assert_false(_vaultKeyUnwrap(&other, ID, w, NULL, 0, NULL, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);
  g_assert_false(_vaultKeyUnwrap(&kek, ID2, w, NULL, 0, NULL, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  /* Tampered: every base64 digit changed in turn. */
  for (size_t i = 0; i < strlen(w); i ++)
  {
    char saved = w[i];

    w[i] = saved == 'A' ? 'B' : 'A';
    g_assert_false(_vaultKeyUnwrap(&kek, ID, w, NULL, 0, NULL, &got, &error));
    g_assert_true(error->code == VAULT_ERROR_AUTH || error->code == VAULT_ERROR_CORRUPT);
    g_clear_error(&error);
    w[i] = saved;
  }

  g_assert_false(_vaultKeyUnwrap(&kek, ID, "not base64!", NULL, 0, NULL, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT);
  g_clear_error(&error);

  g_free(w);
  g_free(w2);
}

static void
test_wrap_secret(void)
{
  _vault_key_t	kek, other, dek, got;
  char		*w = NULL, *salt = NULL, *w_plain = NULL, *s2 = NULL, *bad_salt;
  guint		iterations = 0, it2;
  GError	*error = NULL;

  key_fill(&kek, 0x40);
  key_fill(&other, 0x41);
  g_assert_true(_vaultKeyRandom(&dek, &error));

  g_assert_true(_vaultKeyWrap(&kek, ID, &dek, SECRET, &w, &salt, &iterations, &error));
  g_assert_no_error(error);
  g_assert_nonnull(salt);
  g_assert_cmpuint(iterations, ==, 100000);
  g_assert_cmpuint(strlen(salt), ==, 24);

  g_assert_true(_vaultKeyUnwrap(&kek, ID, w, salt, iterations, SECRET, &got, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(got.bytes, 32, dek.bytes, 32);

  g_assert_false(_vaultKeyUnwrap(&kek, ID, w, salt, iterations, NULL, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_REQUIRED);
  g_clear_error(&error);

  g_assert_false(_vaultKeyUnwrap(&kek, ID, w, salt, iterations, "correct horse battery stapler", &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_WRONG);
  g_assert_null(strstr(error->message, SECRET));	/* Secrets never reach messages */
  g_clear_error(&error);

  /* The right secret is useless without the site key. */
  g_assert_false(_vaultKeyUnwrap(&other, ID, w, salt, iterations, SECRET, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  /* Salt, iteration count and the secret flag are bound to the wrap. */
  bad_salt = g_strdup(salt);
  bad_salt[3] = bad_salt[3] == 'A' ? 'B' : 'A';
  g_assert_false(_vaultKeyUnwrap(&kek, ID, w, bad_salt, iterations, SECRET, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);
  g_assert_false(_vaultKeyUnwrap(&kek, ID, w, salt, iterations - 1, SECRET, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);
  g_assert_false(_vaultKeyUnwrap(&kek, ID, w, NULL, 0, NULL, &got, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT);	/* Longer than a plain wrap */
  g_clear_error(&error);

  /* A plain wrap presented with a salt is refused, not unwrapped. */
  g_assert_true(_vaultKeyWrap(&kek, ID, &dek, NULL, &w_plain, &s2, &it2, &error));
  g_assert_false(_vaultKeyUnwrap(&kek, ID, w_plain, salt, iterations, SECRET, &got, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);

  g_free(bad_salt);
  g_free(w);
  g_free(w_plain);
  g_free(salt);
}

static void
test_mac(void)
{
  _vault_key_t	key, other;
  char		hex[65], hex2[65], upper[65];
  static const char data[] = "state=stored\n";

  key_fill(&key, 0x20);
  key_fill(&other, 0x21);
  _vaultMacHex(&key, data, strlen(data), hex);
  g_assert_cmpuint(strlen(hex), ==, 64);
  g_assert_cmpuint(strspn(hex, "0123456789abcdef"), ==, 64);
  g_assert_true(_vaultMacVerify(&key, data, strlen(data), hex));
  g_assert_false(_vaultMacVerify(&other, data, strlen(data), hex));
  g_assert_false(_vaultMacVerify(&key, "state=stoRed\n", strlen(data), hex));
  g_assert_false(_vaultMacVerify(&key, data, strlen(data) - 1, hex));

  memcpy(hex2, hex, 65);
  hex2[63] = hex2[63] == '0' ? '1' : '0';
  g_assert_false(_vaultMacVerify(&key, data, strlen(data), hex2));
  hex2[63] = '\0';
  g_assert_false(_vaultMacVerify(&key, data, strlen(data), hex2));
  g_assert_false(_vaultMacVerify(&key, data, strlen(data), ""));
  g_assert_false(_vaultMacVerify(&key, data, strlen(data), NULL));

  for (int i = 0; i < 65; i ++)
    upper[i] = g_ascii_toupper(hex[i]);
  g_assert_true(_vaultMacVerify(&key, data, strlen(data), upper));
}

static void
test_wipe(void)
{
  _vault_key_t	key;
  static const uint8_t zero[32] = { 0 };

  key_fill(&key, 1);
  _vaultKeyWipe(&key, sizeof(key));
  g_assert_cmpmem(key.bytes, 32, zero, 32);
  _vaultKeyWipe(NULL, 10);				/* Harmless */
}



/*
 * 'main()' - Run the key tests, or rewrite the golden key vectors.
 */

int
main(int  argc,
     char *argv[])
{
  if (argc == 3 && !strcmp(argv[1], "--write-golden"))
    return (write_golden(argv[2]));

  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/key/golden", test_golden_keys);
  g_test_add_func("/spool/key/file/create", test_keyfile_create);
  g_test_add_func("/spool/key/file/refuse", test_keyfile_refuse);
  g_test_add_func("/spool/key/derive", test_derive);
  g_test_add_func("/spool/key/wrap/plain", test_wrap_plain);
  g_test_add_func("/spool/key/wrap/secret", test_wrap_secret);
  g_test_add_func("/spool/key/mac", test_mac);
  g_test_add_func("/spool/key/wipe", test_wipe);

  return (g_test_run());
}
