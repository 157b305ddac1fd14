/*
 * Unit tests of vault.conf loading (spool-config.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "test-spool-util.h"
#include <string.h>

#define AREAS "[area a]\npath = /srv/vault/a\ncapacity = 4G\n\n[area b]\npath = /srv/vault/b\ncapacity = 512M\n"


/*
 * 'load_text()' - Write text to a temporary vault.conf and load it.
 */

static vault_config_t *
load_text(const char *text, GError **error)
{
  char			*dir = g_dir_make_tmp("vault-conf-XXXXXX", NULL);
  char			*path = g_build_filename(dir, "vault.conf", NULL);
  vault_config_t	*config;

  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  config = vaultConfigLoad(path, error);
  vtRemoveTree(dir);
  g_free(path);
  g_free(dir);
  return (config);
}


/*
 * '/spool/config/full' - Every key is read and converted.
 */

static void
test_full(void)
{
  GError		*error = NULL;
  gint64		max_age;
  vault_config_t	*c = load_text("[vault]\nspool-root = /srv/vault\nkey-file = /etc/cups/k\n"
                                       "originator-max-bytes = 100M\noriginator-max-entries = 20\n"
                                       "stale = max-age=2d\ntombstone-age = 36h\nrepresentative = @lpadmin\n"
                                       "consult-timeout = 90s\ncounters-listen = 127.0.0.1:8631\n"
                                       "counters-socket = /run/cups-vault/counters.sock\n\n" AREAS, &error);

  g_assert_no_error(error);
  g_assert_cmpstr(vaultConfigGetRoot(c), ==, "/srv/vault");
  g_assert_cmpstr(vaultConfigGetKeyFile(c), ==, "/etc/cups/k");
  g_assert_cmpuint(vaultConfigGetOriginatorMaxBytes(c), ==, 100 * 1024 * 1024);
  g_assert_cmpuint(vaultConfigGetOriginatorMaxEntries(c), ==, 20);
  g_assert_cmpint(vaultConfigGetStalePolicy(c, &max_age), ==, VAULT_STALE_MAX_AGE);
  g_assert_cmpint(max_age, ==, 2 * 86400);
  g_assert_cmpint(vaultConfigGetTombstoneAge(c), ==, 36 * 3600);
  g_assert_cmpstr(vaultConfigGetRepresentative(c), ==, "@lpadmin");
  g_assert_cmpuint(vaultConfigGetConsultTimeout(c), ==, 90);
  g_assert_cmpstr(vaultConfigGetCountersListen(c), ==, "127.0.0.1:8631");
  g_assert_cmpstr(vaultConfigGetCountersSocket(c), ==, "/run/cups-vault/counters.sock");
  g_assert_cmpuint(vaultConfigGetAreaCount(c), ==, 2);
  g_assert_cmpstr(vaultConfigGetAreaName(c, 0), ==, "a");
  g_assert_cmpstr(vaultConfigGetAreaPath(c, 1), ==, "/srv/vault/b");
  g_assert_cmpuint(vaultConfigGetAreaCapacity(c, 0), ==, G_GUINT64_CONSTANT(4) << 30);
  g_assert_cmpuint(vaultConfigGetAreaCapacity(c, 1), ==, 512 << 20);
  vaultConfigFree(c);
}


/*
 * '/spool/config/defaults' - Only areas given: the documented defaults.
 */

static void
test_defaults(void)
{
  GError		*error = NULL;
  gint64		max_age = -1;
  vault_config_t	*c = load_text("[vault]\n\n" AREAS, &error);

  g_assert_no_error(error);
  g_assert_cmpstr(vaultConfigGetRoot(c), ==, "/var/spool/cups-vault");
  g_assert_cmpstr(vaultConfigGetKeyFile(c), ==, "/etc/cups/vault.key");
  g_assert_cmpuint(vaultConfigGetOriginatorMaxBytes(c), ==, 0);
  g_assert_cmpuint(vaultConfigGetOriginatorMaxEntries(c), ==, 0);
  g_assert_cmpint(vaultConfigGetStalePolicy(c, &max_age), ==, VAULT_STALE_SAME_DAY);
  g_assert_cmpint(max_age, ==, 0);
  g_assert_cmpint(vaultConfigGetTombstoneAge(c), ==, 7 * 86400);
  g_assert_null(vaultConfigGetRepresentative(c));
  g_assert_cmpuint(vaultConfigGetConsultTimeout(c), ==, 600);
  g_assert_null(vaultConfigGetCountersListen(c));
  g_assert_null(vaultConfigGetCountersSocket(c));
  g_assert_cmpstr(vaultConfigGetReleaseSocket(c), ==, "/run/cups-vault/release.sock");
  g_assert_false(vaultConfigGetQueueRequireSecret(c, "any"));
  g_assert_false(vaultConfigGetQueueRepresentativeMayRelease(c, "any"));
  vaultConfigFree(c);
}


/*
 * '/spool/config/queues' - [queue NAME] policies, looked up ignoring case;
 *                          release-socket given and defaulted (/run/cups-vault).
 */

static void
test_queues(void)
{
  GError		*error = NULL;
  vault_config_t	*c = load_text("[vault]\nspool-root = /srv/v\nrelease-socket = /run/cups-vault/release.sock\n"
                                       "[queue Passbooks]\nrequire-secret = true\n"
                                       "[queue cheques]\nrequire-secret = false\nrepresentative-may-release-protected = true\n"
                                       "[queue labels]\n" AREAS, &error);

  g_assert_no_error(error);
  g_assert_cmpstr(vaultConfigGetReleaseSocket(c), ==, "/run/cups-vault/release.sock");
  g_assert_true(vaultConfigGetQueueRequireSecret(c, "Passbooks"));
  g_assert_true(vaultConfigGetQueueRequireSecret(c, "PASSBOOKS"));
  g_assert_false(vaultConfigGetQueueRepresentativeMayRelease(c, "passbooks"));
  g_assert_false(vaultConfigGetQueueRequireSecret(c, "cheques"));
  g_assert_true(vaultConfigGetQueueRepresentativeMayRelease(c, "Cheques"));
  g_assert_false(vaultConfigGetQueueRequireSecret(c, "labels"));
  g_assert_false(vaultConfigGetQueueRepresentativeMayRelease(c, "labels"));
  g_assert_false(vaultConfigGetQueueRequireSecret(c, "other"));
  g_assert_false(vaultConfigGetQueueRequireSecret(c, NULL));
  vaultConfigFree(c);

  // The default stays outside the spool root (mode 0700), where users can reach it.
  c = load_text("[vault]\nspool-root = /srv/v\n" AREAS, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(vaultConfigGetReleaseSocket(c), ==, "/run/cups-vault/release.sock");
  vaultConfigFree(c);
}


/*
 * '/spool/config/path' - NULL path: $VAULT_CONF; the path is remembered.
 */

static void
test_path(void)
{
  GError		*error = NULL;
  char			*dir = g_dir_make_tmp("vault-conf-XXXXXX", NULL);
  char			*path = g_build_filename(dir, "env.conf", NULL);
  vault_config_t	*c;

  g_assert_true(g_file_set_contents(path, "[vault]\nstale = never\n" AREAS, -1, NULL));
  g_setenv("VAULT_CONF", path, TRUE);
  c = vaultConfigLoad(NULL, &error);
  g_unsetenv("VAULT_CONF");
  g_assert_no_error(error);
  g_assert_cmpstr(vaultConfigGetPath(c), ==, path);
  g_assert_cmpint(vaultConfigGetStalePolicy(c, NULL), ==, VAULT_STALE_NEVER);
  vaultConfigFree(c);

  /* A missing file is one CONFIG error naming it. */
  c = vaultConfigLoad("/nonexistent/vault.conf", &error);
  g_assert_null(c);
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG);
  g_assert_nonnull(strstr(error->message, "/nonexistent/vault.conf"));
  g_clear_error(&error);

  vtRemoveTree(dir);
  g_free(path);
  g_free(dir);
}


/*
 * '/spool/config/errors' - Each bad file is one CONFIG error whose message
 *                          names the offending key and value.
 */

static void
test_errors(void)
{
  static const struct
  {
    const char *text;			/* vault.conf */
    const char *names[2];		/* Strings the message must contain */
  } cases[] =
  {
    { "[vault]\noriginator-max-byte = 1G\n" AREAS, { "originator-max-byte", "1G" } },
    { "[vault]\n[areas x]\npath = /x\n" AREAS, { "areas x", "unknown group" } },
    { "[vault]\n[area a]\npath = /srv/a\ncapacity = 1G\n", { "at least two", "1" } },
    { "[vault]\n[area a]\npath = srv/a\ncapacity = 1G\n[area b]\npath = /b\ncapacity = 1G\n", { "path", "srv/a" } },
    { "[vault]\n[area a]\npath = /srv/a\ncapacity = 1G\n[area b]\npath = /srv/./a/\ncapacity = 1G\n", { "area b", "/srv/./a/" } },
    { "[vault]\n[area a]\npath = /srv/a\ncapacity = 4Q\n[area b]\npath = /b\ncapacity = 1G\n", { "capacity", "4Q" } },
    { "[vault]\n[area a]\npath = /srv/a\ncapacity = 0\n[area b]\npath = /b\ncapacity = 1G\n", { "area a", "capacity" } },
    { "[vault]\n[area a]\npath = /srv/a\n[area b]\npath = /b\ncapacity = 1G\n", { "area a", "capacity" } },
    { "[vault]\n[area a]\npath = /srv/a\ncapacity = 1G\nsize = 2\n[area b]\npath = /b\ncapacity = 1G\n", { "size", "2" } },
    { "[vault]\nstale = weekly\n" AREAS, { "stale", "weekly" } },
    { "[vault]\nstale = max-age=0\n" AREAS, { "stale", "max-age=0" } },
    { "[vault]\ntombstone-age = 7w\n" AREAS, { "tombstone-age", "7w" } },
    { "[vault]\nconsult-timeout = soon\n" AREAS, { "consult-timeout", "soon" } },
    { "[vault]\noriginator-max-entries = -1\n" AREAS, { "originator-max-entries", "-1" } },
    { "[vault]\noriginator-max-bytes = 99999999999999T\n" AREAS, { "originator-max-bytes", "99999999999999T" } },
    { "[vault]\ncounters-listen = 127.0.0.1:99999\n" AREAS, { "counters-listen", "127.0.0.1:99999" } },
    { "[vault]\nkey-file = vault.key\n" AREAS, { "key-file", "vault.key" } },
    { "[vault]\nrepresentative =\n" AREAS, { "representative", "empty" } },
    { "[area a]\npath = /srv/a\ncapacity = 1G\n[area b]\npath = /b\ncapacity = 1G\n", { "[vault]", "missing" } },
    { "[area $x]\npath = /srv/a\ncapacity = 1G\n[vault]\n", { "area $x", "name" } },
    { "this is not a key file\n", { "cannot load", "vault.conf" } },
    { "[vault]\n[queue q]\nrequire-secret = yes\n" AREAS, { "require-secret", "yes" } },
    { "[vault]\n[queue q]\nrepresentative-may-release-protected = 1\n" AREAS, { "representative-may-release-protected", "\"1\"" } },
    { "[vault]\n[queue q]\nrequire-secrets = true\n" AREAS, { "require-secrets", "unknown key" } },
    { "[vault]\n[queue a/b]\nrequire-secret = true\n" AREAS, { "queue a/b", "bad queue name" } },
    { "[vault]\n[queue Q]\n[queue q]\n" AREAS, { "queue q", "another" } },
    { "[vault]\nrelease-socket = vaultd.sock\n" AREAS, { "release-socket", "vaultd.sock" } },
    { "[vault]\n[queues q]\n" AREAS, { "queues q", "[queue NAME]" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i ++)
  {
    GError		*error = NULL;
    vault_config_t	*c = load_text(cases[i].text, &error);

    g_test_message("case %u: %s", i, error ? error->message : "(loaded)");
    g_assert_null(c);
    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG);
    for (int j = 0; j < 2; j ++)
      if (!strstr(error->message, cases[i].names[j]))
        g_error("case %u: \"%s\" does not name \"%s\"", i, error->message, cases[i].names[j]);
    g_error_free(error);
  }
}


int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/config/full", test_full);
  g_test_add_func("/spool/config/defaults", test_defaults);
  g_test_add_func("/spool/config/path", test_path);
  g_test_add_func("/spool/config/errors", test_errors);
  g_test_add_func("/spool/config/queues", test_queues);
  return (g_test_run());
}
