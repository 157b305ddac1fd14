/*
 * Unit tests of the sidecar format (spool-meta.c): golden bytes, round
 * trips, and refusal of tampered, truncated, foreign and future sidecars.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The golden files in tests/golden-meta/ pin format 1 byte for byte.  Run
 * with VAULT_UPDATE_GOLDEN=1 to rewrite them after a deliberate format
 * change (and bump _VAULT_FORMAT_VERSION).
 */

#include "test-spool-util.h"
#include <string.h>

#ifndef VAULT_GOLDEN_DIR
#  define VAULT_GOLDEN_DIR "tests/golden-meta"
#endif


/*
 * 'golden_key()' - The fixed MAC key of the golden vectors: bytes 0..31.
 */

static void
golden_key(_vault_key_t *key)
{
  for (int i = 0; i < _VAULT_KEY_SIZE; i ++)
    key->bytes[i] = (uint8_t)i;
}


/*
 * 'golden_meta()' - The fixed STORED sidecar of the golden vector.
 */

static _vault_meta_t *
golden_meta(void)
{
  _vault_meta_t *m = _vaultMetaNew();

  g_strlcpy(m->id, "0123456789abcdef0123456789abcdef", sizeof(m->id));
  m->state             = VAULT_STATE_SENDING;
  m->valid             = true;
  m->area              = g_strdup("a");
  m->uuid              = g_strdup("urn:uuid:6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b");
  m->created           = 1714557600;
  m->job_id            = 42;
  m->queue             = g_strdup("passbooks");
  m->user              = g_strdup("alice");
  m->host              = g_strdup("teller-3.example");
  m->title             = g_strdup(" Passbook\tpage 2\n(été)");
  m->copies            = 1;
  m->priority          = 50;
  m->inner_uri         = g_strdup("ipp://127.0.0.1:8632/ipp/print");
  m->content_type      = g_strdup("application/pdf");
  m->stored_utc        = 1714557612;
  g_strlcpy(m->stored_local_date, "2024-05-01", sizeof(m->stored_local_date));
  m->stored_timezone   = g_strdup("Asia/Tokyo");
  m->changed_utc       = 1714557700;
  m->encrypted         = true;
  m->data_size         = 123456;
  m->file_size         = 123584;
  m->wrapped_key       = g_strdup("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7");
  m->boot_id           = g_strdup("5f1c1fb4-8e0e-4c1e-9d43-7b1b2c3d4e5f");
  m->pid               = 4242;
  m->send_count        = 1;
  g_hash_table_insert(m->media_counts, g_strdup("iso_a4_210x297mm/tray-1"), g_memdup2(&(guint64){ 3 }, sizeof(guint64)));
  g_hash_table_insert(m->media_counts, g_strdup("na_letter_8.5x11in/tray-2"), g_memdup2(&(guint64){ 1 }, sizeof(guint64)));
  return (m);
}


/*
 * 'golden_tombstone()' - The golden vector after a crypto-erase.
 */

static _vault_meta_t *
golden_tombstone(void)
{
  _vault_meta_t *m = golden_meta();

  m->state       = VAULT_STATE_DONE;
  m->valid       = false;
  m->changed_utc = 1714557800;
  g_clear_pointer(&m->wrapped_key, g_free);
  return (m);
}


/*
 * 'assert_same()' - Every field of a equals b.
 */

static void
assert_same(const _vault_meta_t *a, const _vault_meta_t *b)
{
  g_assert_cmpint(a->format, ==, b->format);
  g_assert_cmpstr(a->id, ==, b->id);
  g_assert_cmpint(a->state, ==, b->state);
  g_assert_cmpint(a->valid, ==, b->valid);
  g_assert_cmpstr(a->area, ==, b->area);
  g_assert_cmpstr(a->uuid, ==, b->uuid);
  g_assert_cmpint(a->created, ==, b->created);
  g_assert_cmpint(a->job_id, ==, b->job_id);
  g_assert_cmpstr(a->queue, ==, b->queue);
  g_assert_cmpstr(a->user, ==, b->user);
  g_assert_cmpstr(a->host, ==, b->host);
  g_assert_cmpstr(a->title, ==, b->title);
  g_assert_cmpint(a->copies, ==, b->copies);
  g_assert_cmpint(a->priority, ==, b->priority);
  g_assert_cmpstr(a->inner_uri, ==, b->inner_uri);
  g_assert_cmpstr(a->content_type, ==, b->content_type);
  g_assert_cmpint(a->stored_utc, ==, b->stored_utc);
  g_assert_cmpstr(a->stored_local_date, ==, b->stored_local_date);
  g_assert_cmpstr(a->stored_timezone, ==, b->stored_timezone);
  g_assert_cmpint(a->changed_utc, ==, b->changed_utc);
  g_assert_cmpint(a->encrypted, ==, b->encrypted);
  g_assert_cmpuint(a->data_size, ==, b->data_size);
  g_assert_cmpuint(a->file_size, ==, b->file_size);
  g_assert_cmpstr(a->wrapped_key, ==, b->wrapped_key);
  g_assert_cmpstr(a->secret_salt, ==, b->secret_salt);
  g_assert_cmpuint(a->secret_iterations, ==, b->secret_iterations);
  g_assert_cmpstr(a->boot_id, ==, b->boot_id);
  g_assert_cmpint(a->pid, ==, b->pid);
  g_assert_cmpuint(a->send_count, ==, b->send_count);
  g_assert_cmpuint(g_hash_table_size(a->media_counts), ==, g_hash_table_size(b->media_counts));

  GHashTableIter iter;
  gpointer	key, value;

  g_hash_table_iter_init(&iter, a->media_counts);
  while (g_hash_table_iter_next(&iter, &key, &value))
  {
    guint64 *other = g_hash_table_lookup(b->media_counts, key);

    g_assert_nonnull(other);
    g_assert_cmpuint(*(guint64 *)value, ==, *other);
  }
}


/*
 * 'check_golden()' - meta serializes to exactly the golden file, which
 *                    parses back to meta.
 */

static void
check_golden(_vault_meta_t *meta, const char *name)
{
  _vault_key_t	key;
  char		*path = g_build_filename(VAULT_GOLDEN_DIR, name, NULL), *golden, *data;
  gsize		golden_len, len;
  GError	*error = NULL;
  _vault_meta_t	*back;

  golden_key(&key);
  data = _vaultMetaToData(meta, &key, &len);

  if (g_getenv("VAULT_UPDATE_GOLDEN"))
    g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));

  g_assert_true(g_file_get_contents(path, &golden, &golden_len, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(data, len, golden, golden_len);

  back = _vaultMetaFromData(golden, golden_len, &key, &error);
  g_assert_no_error(error);
  assert_same(meta, back);

  _vaultMetaFree(back);
  _vaultMetaFree(meta);
  g_free(golden);
  g_free(data);
  g_free(path);
}


static void
test_golden_stored(void)
{
  check_golden(golden_meta(), "stored.meta");
}

static void
test_golden_tombstone(void)
{
  check_golden(golden_tombstone(), "tombstone.meta");
}


/*
 * '/spool/meta/tamper' - Changing any single byte, truncating, appending
 *                        after the MAC or using another key is refused.
 */

static void
test_tamper(void)
{
  _vault_key_t	key, other;
  _vault_meta_t	*meta = golden_meta(), *back;
  gsize		len;
  char		*data;
  GError	*error = NULL;

  golden_key(&key);
  golden_key(&other);
  other.bytes[0] ^= 1;
  data = _vaultMetaToData(meta, &key, &len);

  for (gsize i = 0; i < len; i ++)
  {
    char saved = data[i];

    data[i] = (char)(saved == 'x' ? 'y' : 'x');
    back    = _vaultMetaFromData(data, len, &key, &error);
    data[i] = saved;
    if (back)
      g_error("byte %" G_GSIZE_FORMAT " changed and the sidecar was still accepted", i);
    g_assert_true(error->code == VAULT_ERROR_AUTH || error->code == VAULT_ERROR_CORRUPT);
    g_clear_error(&error);
  }

  for (gsize cut = 0; cut < len; cut += 7)
  {
    g_assert_null(_vaultMetaFromData(data, cut, &key, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
  }

  g_assert_null(_vaultMetaFromData(data, len, &other, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  char *longer = g_strconcat(data, "[entry]\nstate=stored\n", NULL);

  g_assert_null(_vaultMetaFromData(longer, strlen(longer), &key, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT);
  g_clear_error(&error);

  back = _vaultMetaFromData(data, len, &key, &error);
  g_assert_no_error(error);
  _vaultMetaFree(back);
  _vaultMetaFree(meta);
  g_free(longer);
  g_free(data);
}


/*
 * 'resign()' - Replace old by new in the covered text of a sidecar and
 *              compute a fresh MAC (a forger holding the key).
 */

static char *
resign(const char *data, const char *old, const char *new_text, const _vault_key_t *key)
{
  const char	*mac = strstr(data, "[mac]\n");
  char		*body = g_strndup(data, (gsize)(mac - data)), **parts = g_strsplit(body, old, 2), *edited, hex[65];

  g_assert_nonnull(parts[1]);
  edited = g_strjoinv(new_text, parts);
  _vaultMacHex(key, edited, strlen(edited), hex);

  char *out = g_strdup_printf("%s[mac]\nhmac-sha256=%s\n", edited, hex);

  g_strfreev(parts);
  g_free(body);
  g_free(edited);
  return (out);
}


/*
 * '/spool/meta/fields' - With a valid MAC, a future format is VERSION and
 *                        a missing or bad field is CORRUPT naming it.
 */

static void
test_fields(void)
{
  static const struct { const char *old, *new_text, *named; int code; } cases[] =
  {
    { "format=1\n", "format=2\n", "format 2", VAULT_ERROR_VERSION },
    { "state=sending\n", "state=printed\n", "state", VAULT_ERROR_CORRUPT },
    { "queue=passbooks\n", "", "queue", VAULT_ERROR_CORRUPT },
    { "priority=50\n", "priority=500\n", "priority", VAULT_ERROR_CORRUPT },
    { "stored-utc=2024-05-01T10:00:12Z\n", "stored-utc=yesterday\n", "stored-utc", VAULT_ERROR_CORRUPT },
    { "id=0123456789abcdef0123456789abcdef\n", "id=../../etc/passwd\n", "id", VAULT_ERROR_CORRUPT },
    { "iso_a4_210x297mm/tray-1=3\n", "iso_a4_210x297mm/tray-1=many\n", "iso_a4", VAULT_ERROR_CORRUPT },
  };
  _vault_key_t	key;
  _vault_meta_t	*meta = golden_meta();
  char		*data;
  GError	*error = NULL;

  golden_key(&key);
  data = _vaultMetaToData(meta, &key, NULL);

  for (guint i = 0; i < G_N_ELEMENTS(cases); i ++)
  {
    char *forged = resign(data, cases[i].old, cases[i].new_text, &key);

    g_assert_null(_vaultMetaFromData(forged, strlen(forged), &key, &error));
    g_assert_error(error, VAULT_ERROR, cases[i].code);
    g_test_message("case %u: %s", i, error->message);
    g_assert_nonnull(strstr(error->message, cases[i].named));
    g_clear_error(&error);
    g_free(forged);
  }

  _vaultMetaFree(meta);
  g_free(data);
}


/*
 * '/spool/meta/states' - State names round-trip; unknown names are refused.
 */

static void
test_states(void)
{
  vault_state_t state;

  for (int i = 0; i < VAULT_STATE_COUNT; i ++)
  {
    g_assert_true(vaultStateFromString(vaultStateString((vault_state_t)i), &state));
    g_assert_cmpint(state, ==, i);
  }

  g_assert_cmpstr(vaultStateString(VAULT_STATE_AWAITING), ==, "awaiting");
  g_assert_false(vaultStateFromString("printed", &state));
  g_assert_false(vaultStateFromString(NULL, &state));
}


int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/meta/golden-stored", test_golden_stored);
  g_test_add_func("/spool/meta/golden-tombstone", test_golden_tombstone);
  g_test_add_func("/spool/meta/tamper", test_tamper);
  g_test_add_func("/spool/meta/fields", test_fields);
  g_test_add_func("/spool/meta/states", test_states);
  return (g_test_run());
}
