/*
 * Private interface of the vault-account filter: the pass-through stream,
 * the job's print options, the tally of pages and sheets, and the three
 * format counters (raster, PDF, PostScript).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Data flow: every byte the counters read comes through vaultPassRead,
 * which has already written it to the output; so whatever a counter does,
 * the output is the input byte for byte once vaultPassDrain has run.  The
 * counters never hold more than a bounded window of the document.
 */

#ifndef VAULT_ACCOUNT_H
#define VAULT_ACCOUNT_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>
#include "account-record.h"

G_BEGIN_DECLS

/*
 * Pass-through stream.
 */

#define VAULT_PASS_SNIFF	64	/* Bytes read ahead to recognize the format */

typedef struct vault_pass_s
{
  int		in_fd,		/* Document (argv[6] or stdin) */
		out_fd;		/* Next stage (stdout) */
  unsigned char	head[VAULT_PASS_SNIFF];/* First bytes, already written out */
  size_t	head_len,	/* Bytes in head */
		head_pos;	/* Bytes of head already handed to the counter */
  guint64	bytes;		/* Bytes written out so far */
  int		error;		/* errno of the first read/write failure, 0 if none */
  bool		write_failed;	/* error came from the output side */
} vault_pass_t;

extern void	vaultPassInit(vault_pass_t *pass, int in_fd, int out_fd);
extern ssize_t	vaultPassRead(vault_pass_t *pass, void *buffer, size_t length);
extern bool	vaultPassDrain(vault_pass_t *pass);

/*
 * Document formats the filter counts.
 */

typedef enum vault_format_e
{
  VAULT_FORMAT_UNKNOWN,
  VAULT_FORMAT_CUPS_RASTER,	/* application/vnd.cups-raster */
  VAULT_FORMAT_PWG_RASTER,	/* image/pwg-raster */
  VAULT_FORMAT_PDF,		/* application/pdf, application/vnd.cups-pdf */
  VAULT_FORMAT_POSTSCRIPT	/* application/postscript, application/vnd.cups-postscript */
} vault_format_t;

extern vault_format_t	vaultFormatDetect(const char *content_type, const unsigned char *head,
			                  size_t head_len);

/*
 * The job's print options, from argv and the PPD.
 */

typedef struct vault_options_s
{
  int		copies;		/* Copies the data does not already hold (>= 1) */
  int		number_up;	/* Pages per side still to be imposed (>= 1) */
  char		*page_ranges;	/* page-ranges still to be applied, or NULL */
  char		*job_uuid;	/* job-uuid ("urn:uuid:..."), NULL if absent or malformed */
  char		*media;		/* PWG media name, "unknown" when nothing says */
  char		*tray;		/* PWG media-source, "auto" when nothing says */
  bool		duplex,		/* Two-sided */
		tumble;		/* Short-edge binding */
} vault_options_t;

extern void	vaultOptionsLoad(vault_options_t *opts, const char *copies, const char *options,
		                 const char *content_type, const char *ppdfile);
extern void	vaultOptionsClear(vault_options_t *opts);
extern char	*vaultOptionsMediaName(const char *keyword);
extern char	*vaultOptionsTrayForPosition(unsigned position);
extern guint64	vaultOptionsRangeCount(const char *ranges, guint64 pages);

/*
 * The tally: adds pages to the record, keeping track of sheets.
 */

typedef struct vault_tally_s
{
  vault_account_record_t *record;	/* Where the counts go */
  bool		back_free;	/* The last sheet's back side is still blank */
  char		*last_media,	/* Media and tray of that sheet */
		*last_tray;
} vault_tally_t;

extern void	vaultTallyInit(vault_tally_t *tally, vault_account_record_t *record);
extern void	vaultTallyClear(vault_tally_t *tally);
extern void	vaultTallyAddPage(vault_tally_t *tally, const char *media, const char *tray,
		                  bool duplex, unsigned copies);
extern void	vaultTallyAddDocument(vault_tally_t *tally, const vault_options_t *opts,
		                      guint64 pages);

/*
 * Format counters.  Each reads the whole stream through pass (stopping
 * early only on a read/write error) and returns true when its counts are
 * trustworthy; false leaves what it found in the tally and says why on
 * stderr.
 */

extern bool	vaultCountRaster(vault_pass_t *pass, const vault_options_t *opts, vault_tally_t *tally);
extern bool	vaultCountPDF(vault_pass_t *pass, const vault_options_t *opts, vault_tally_t *tally);
extern bool	vaultCountPS(vault_pass_t *pass, const vault_options_t *opts, vault_tally_t *tally);

/*
 * Messages to cupsd: one prefixed line on unbuffered stderr.
 */

extern void	vaultLog(const char *prefix, const char *format, ...) G_GNUC_PRINTF(2, 3);

G_END_DECLS

#endif /* !VAULT_ACCOUNT_H */
