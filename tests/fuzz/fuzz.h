/*
 * Helpers shared by the libFuzzer targets of cups-vault: a throw-away store
 * under the golden site key, and the fixed keys the seed corpora verify
 * under.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULT_FUZZ_H
#define VAULT_FUZZ_H

#include "spool-private.h"
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* The golden sidecar MAC key (tests/golden-meta) and the golden data key
   (tests/golden/data-v1*.bin): both are the bytes 00 01 ... 1f. */
static inline void
fuzzGoldenKey(_vault_key_t *key)
{
  for (int i = 0; i < _VAULT_KEY_SIZE; i ++)
    key->bytes[i] = (uint8_t)i;
}

/* The entry id of the golden data files. */
#define FUZZ_GOLDEN_ID	"0123456789abcdef0123456789abcdef"

/*
 * The store every target shares: made once in $TMPDIR with the golden site
 * key (40 41 ... 5f) and two areas, removed at exit.  Aborts when it cannot
 * be made (a broken harness must not look like a clean run).
 */
extern vault_store_t	*fuzzStore(void);

/* The store's directory (vault.conf, vault.key, root/, area-a/, area-b/). */
extern const char	*fuzzStoreDir(void);

/* Write len bytes to path (replacing it); aborts on failure. */
extern void		fuzzWriteFile(const char *path, const uint8_t *data, size_t len);

#endif /* !VAULT_FUZZ_H */
