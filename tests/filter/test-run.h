/*
 * The harness of the accounting filter's tests (see test-run.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULT_TEST_RUN_H
#define VAULT_TEST_RUN_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>
#include "account-record.h"
#include "test-docs.h"

G_BEGIN_DECLS

#define UUID	"urn:uuid:0b5e6f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"

typedef struct run_s
{
  const char	*copies;	/* argv[4], "1" if NULL */
  const char	*options;	/* argv[5] (job-uuid is added) */
  const char	*content_type;	/* CONTENT_TYPE, unset if NULL */
  const char	*ppd;		/* PPD, unset if NULL */
  bool		use_stdin;	/* Data on stdin instead of argv[6] */
  int		status;		/* Wait status */
  GBytes	*out;		/* What came out on stdout */
  char		*err;		/* What came out on stderr */
  vault_account_record_t *record; /* The counts file, NULL if none */
} run_t;

extern char	*filter_path(void);
extern pid_t	spawn_filter(run_t *run, int in_fd, int out_fd, int err_fd, const char *tmpdir);
extern void	run_filter(run_t *run, GBytes *data);
extern void	run_clear(run_t *run);
extern void	assert_passed(run_t *run, GBytes *data);
extern void	assert_totals(const run_t *run, bool counted, guint64 pages, guint64 impressions,
		              guint64 sheets);
extern void	assert_media(const run_t *run, guint index, const char *media, const char *tray,
		             guint64 pages, guint64 impressions, guint64 sheets);
extern char	*page_lines(const run_t *run);
extern int	count_lines(const run_t *run, const char *prefix);

G_END_DECLS

#endif /* !VAULT_TEST_RUN_H */
