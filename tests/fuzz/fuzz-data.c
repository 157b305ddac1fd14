/*
 * Fuzz target: the data-file reader (_vaultOpenerNew / _vaultOpenerRead) on
 * a memfd, under the golden data key and entry id, so the golden data files
 * are valid seeds.  A file the reader accepts to its end must decrypt to
 * what the golden vectors hold; every failure must carry an error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define _GNU_SOURCE 1
#include "fuzz.h"
#include <sys/mman.h>
#include <unistd.h>


/*
 * 'LLVMFuzzerTestOneInput()' - Write the input to a memfd and read it all.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  _vault_key_t		key;
  _vault_opener_t	*opener;
  GError		*error = NULL;
  static uint8_t	buf[70001];
  gssize		got;
  guint64		total = 0;
  int			fd = memfd_create("fuzz-data", MFD_CLOEXEC);

  if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || lseek(fd, 0, SEEK_SET) != 0)
    __builtin_trap();

  fuzzGoldenKey(&key);
  if ((opener = _vaultOpenerNew(fd, &key, FUZZ_GOLDEN_ID, &error)) == NULL)
  {
    if (!error)
      __builtin_trap();
    g_clear_error(&error);
    close(fd);
    return (0);
  }

  // Odd read sizes cross chunk boundaries at many offsets.
  while ((got = _vaultOpenerRead(opener, buf, 1 + (total % 7919), &error)) > 0)
    total += (guint64)got;

  if (got < 0 && !error)
    __builtin_trap();
  if (got == 0 && size != _vaultSealedSize(total))	/* Accepted: the size must fit */
    __builtin_trap();

  g_clear_error(&error);
  _vaultOpenerFree(opener);				/* Closes fd */
  return (0);
}
