/*
 * The accounting record: what vault-account counted for one job, and the
 * key file (<TMPDIR>/vault-account-<job-id>.counts) that carries it from the
 * filter to the vault backend.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The filter fills a record while it counts and writes it once, atomically,
 * at the end; the backend reads it after the filter chain has finished.
 * Errors are GErrors in the VAULT_ERROR domain (spool/spool-error.h).  The
 * file format is described in doc/ACCOUNTING.md.
 */

#ifndef VAULT_ACCOUNT_RECORD_H
#define VAULT_ACCOUNT_RECORD_H

#include <stdbool.h>
#include <glib.h>
#include "spool-error.h"

G_BEGIN_DECLS

/*
 * Counts for one media + tray combination.
 */

typedef struct vault_account_media_s
{
  char		*media;		/* PWG media name ("iso_a4_210x297mm") */
  char		*tray;		/* PWG media-source name ("tray-1"), "auto" if unknown */
  guint64	pages,		/* Document pages */
		impressions,	/* Pages x copies (sides imaged) */
		sheets;		/* Sheets of paper used */
} vault_account_media_t;

/*
 * Counts for one job.
 */

typedef struct vault_account_record_s
{
  int		job_id;		/* CUPS job id (argv[1]) */
  char		*job_uuid;	/* job-uuid from argv[5], NULL if absent */
  char		*document_format;/* MIME type the filter saw, NULL if unknown */
  bool		counted;	/* false: format unknown or not countable */
  guint64	pages,		/* Totals over all media */
		impressions,
		sheets;
  GPtrArray	*media;		/* vault_account_media_t *, in order of first use */
} vault_account_record_t;

extern vault_account_record_t	*vaultAccountRecordNew(int job_id);
extern void			vaultAccountRecordFree(vault_account_record_t *record);
extern vault_account_media_t	*vaultAccountRecordGetMedia(vault_account_record_t *record,
				                            const char *media, const char *tray);
extern char			*vaultAccountRecordPath(const char *dir, int job_id);
extern bool			vaultAccountRecordWrite(const vault_account_record_t *record,
				                        const char *path, GError **error);
extern vault_account_record_t	*vaultAccountRecordRead(const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(vault_account_record_t, vaultAccountRecordFree)

G_END_DECLS

#endif /* !VAULT_ACCOUNT_RECORD_H */
