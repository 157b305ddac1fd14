/*
 * Private interface of vaultd's release socket (vaultd-secret.c) and of the
 * release checks behind it (vaultd-secret-release.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULTD_SECRET_H
#define VAULTD_SECRET_H

#include "vaultd.h"
#include <sys/types.h>

G_BEGIN_DECLS

#define VAULTD_SECRET_ATTEMPTS	5	/* Wrong secrets per entry before only cancel helps */
#define VAULTD_GRANT_SECONDS	120	/* How long a grant waits for its backend run */

typedef struct _vaultd_secret_s vaultd_secret_t;

/* Listen on the release socket of the store's vault.conf (mode 0666) on the thread-default main context. */
extern vaultd_secret_t	*vaultdSecretStart(vault_store_t *store, GError **error);
extern void		vaultdSecretStop(vaultd_secret_t *secret);

/* Keep key (copied) as the one-time grant of entry id, replacing any older one; it expires after VAULTD_GRANT_SECONDS. */
extern void		vaultdSecretGrantAdd(vaultd_secret_t *secret, const char *id, const guint8 key[VAULT_DATA_KEY_SIZE]);
/* Forget and wipe the grant of id (no-op when none). */
extern void		vaultdSecretGrantDrop(vaultd_secret_t *secret, const char *id);

/* Wrong secrets journalled so far for entry id (read from the journal once, then counted here). */
extern guint		vaultdSecretGetFailures(vaultd_secret_t *secret, const char *id);
extern void		vaultdSecretAddFailure(vaultd_secret_t *secret, const char *id);

extern vault_store_t	*vaultdSecretGetStore(vaultd_secret_t *secret);

/*
 * "release JOB-ID SECRET" from a caller with uid (vaultd-secret-release.c):
 * checks, grant, Release-Job.  Returns the sentence for the caller (g_free)
 * and sets *ok.  secret is wiped by the caller.
 */
extern char		*vaultdSecretRelease(vaultd_secret_t *secret, uid_t uid, const char *job_text, const char *job_secret, bool *ok);

G_END_DECLS

#endif /* !VAULTD_SECRET_H */
