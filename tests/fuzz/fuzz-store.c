/*
 * The store shared by the fuzz targets (see fuzz.h): one per process, in a
 * temporary directory under the golden site key, removed at exit.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "fuzz.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char		*store_dir;
static vault_config_t	*store_config;
static vault_store_t	*store;


/*
 * 'fuzzWriteFile()' - Replace path with data; aborts on failure.
 */

void
fuzzWriteFile(const char *path, const uint8_t *data, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || close(fd))
  {
    fprintf(stderr, "fuzz: cannot write %s: %s\n", path, g_strerror(errno));
    abort();
  }
}


/*
 * 'remove_tree()' - rm -rf of the store directory (at exit).
 */

static void
remove_tree(const char *path)
{
  GDir		*dir = g_dir_open(path, 0, NULL);
  const char	*name;

  while (dir && (name = g_dir_read_name(dir)) != NULL)
  {
    char *child = g_build_filename(path, name, NULL);

    if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
      remove_tree(child);
    else
      unlink(child);
    g_free(child);
  }
  if (dir)
    g_dir_close(dir);
  rmdir(path);
}


/*
 * 'cleanup()' - atexit: close the store, remove its directory.
 */

static void
cleanup(void)
{
  if (store)
    vaultStoreClose(store);
  if (store_config)
    vaultConfigFree(store_config);
  if (store_dir)
    remove_tree(store_dir);
  store = NULL;
  store_config = NULL;
}


/*
 * 'fuzzStore()' - The shared store, made on first use.
 */

vault_store_t *
fuzzStore(void)
{
  GError	*error = NULL;
  uint8_t	kek[_VAULT_KEY_SIZE];
  char		*conf, *path;

  if (store)
    return (store);

  if ((store_dir = g_dir_make_tmp("vault-fuzz-XXXXXX", &error)) == NULL)
    goto fail;
  atexit(cleanup);

  for (int i = 0; i < _VAULT_KEY_SIZE; i ++)
    kek[i] = (uint8_t)(0x40 + i);
  path = g_build_filename(store_dir, "vault.key", NULL);
  fuzzWriteFile(path, kek, sizeof(kek));
  conf = g_strdup_printf("[vault]\nspool-root = %s/root\nkey-file = %s\n"
                         "[area a]\npath = %s/area-a\ncapacity = 10M\n"
                         "[area b]\npath = %s/area-b\ncapacity = 10M\n",
                         store_dir, path, store_dir, store_dir);
  g_free(path);
  path = g_build_filename(store_dir, "vault.conf", NULL);
  fuzzWriteFile(path, (const uint8_t *)conf, strlen(conf));
  g_free(conf);

  store_config = vaultConfigLoad(path, &error);
  g_free(path);
  if (!store_config || (store = vaultStoreOpen(store_config, &error)) == NULL)
    goto fail;

  return (store);

fail:
  fprintf(stderr, "fuzz: cannot make the store: %s\n", error ? error->message : "?");
  abort();
}


/*
 * 'fuzzStoreDir()' - The shared store's directory.
 */

const char *
fuzzStoreDir(void)
{
  fuzzStore();
  return (store_dir);
}
