/*
 * vault-account: the accounting filter of vault queues.  It copies the job
 * data to the next stage byte for byte, counts pages, impressions and
 * sheets per media and tray, tells cupsd with PAGE: lines, and leaves the
 * counts in $TMPDIR/vault-account-<job-id>.counts for the vault backend.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage (as cupsd runs filters): vault-account job-id user title copies
 * options [file].  Counting never changes the data and never fails the
 * job: only an I/O error on the data itself does (exit 1).
 */

#include "account.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/*
 * 'format_name()' - MIME type recorded for a format when CONTENT_TYPE is unset.
 */

static const char *
format_name(vault_format_t format)
{
  switch (format)
  {
    case VAULT_FORMAT_CUPS_RASTER : return ("application/vnd.cups-raster");
    case VAULT_FORMAT_PWG_RASTER :  return ("image/pwg-raster");
    case VAULT_FORMAT_PDF :         return ("application/pdf");
    case VAULT_FORMAT_POSTSCRIPT :  return ("application/postscript");
    default :                       return ("application/octet-stream");
  }
}


/*
 * 'count_document()' - Run the counter for the format; true when counted.
 */

static bool
count_document(vault_format_t        format,
               const char            *type,
               vault_pass_t          *pass,
               const vault_options_t *opts,
               vault_tally_t         *tally)
{
  switch (format)
  {
    case VAULT_FORMAT_CUPS_RASTER :
    case VAULT_FORMAT_PWG_RASTER :
        return (vaultCountRaster(pass, opts, tally));
    case VAULT_FORMAT_PDF :
        return (vaultCountPDF(pass, opts, tally));
    case VAULT_FORMAT_POSTSCRIPT :
        return (vaultCountPS(pass, opts, tally));
    default :
        vaultLog("INFO", "Not counting pages: unknown document format %s.", type);
        return (false);
  }
}


/*
 * 'parse_job_id()' - argv[1] as a positive job id, or 0.
 */

static int
parse_job_id(const char *text)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned(text, 10, 1, G_MAXINT, &value, NULL))
    return (0);

  return ((int)value);
}


/*
 * 'open_input()' - argv[6] when given, else stdin; -1 after an ERROR line.
 */

static int
open_input(int  argc,
           char *argv[])
{
  int fd;

  if (argc < 7)
    return (0);

  if ((fd = open(argv[6], O_RDONLY | O_CLOEXEC)) < 0)
    vaultLog("ERROR", "Unable to open print file \"%s\": %s", argv[6], strerror(errno));

  return (fd);
}


/*
 * 'save_record()' - Write the counts file where the backend looks for it.
 *
 * A failure is a WARNING: the document still prints, uncounted.
 */

static void
save_record(const vault_account_record_t *record)
{
  g_autofree char	*path = vaultAccountRecordPath(getenv("TMPDIR"), record->job_id);
  g_autoptr(GError)	error = NULL;

  if (!vaultAccountRecordWrite(record, path, &error))
    vaultLog("WARNING", "Unable to record the page counts of this job: %s", error->message);
}


/*
 * 'main()' - Parse, open, pass through while counting, record.
 */

int
main(int  argc,
     char *argv[])
{
  g_autoptr(vault_account_record_t) record = NULL;
  vault_options_t	opts;
  vault_pass_t		pass;
  vault_tally_t		tally;
  vault_format_t	format;
  const char		*type = getenv("CONTENT_TYPE");
  int			job_id, fd;

  setbuf(stderr, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (argc < 6 || argc > 7 || (job_id = parse_job_id(argv[1])) == 0)
  {
    fputs("Usage: vault-account job-id user title copies options [file]\n", stderr);
    return (1);
  }

  if ((fd = open_input(argc, argv)) < 0)
    return (1);

  vaultOptionsLoad(&opts, argv[4], argv[5], type, getenv("PPD"));
  record = vaultAccountRecordNew(job_id);
  record->job_uuid = g_strdup(opts.job_uuid);
  vaultTallyInit(&tally, record);
  vaultPassInit(&pass, fd, 1);

  format = vaultFormatDetect(type, pass.head, pass.head_len);
  record->document_format = g_strdup(type && *type ? type : format_name(format));
  record->counted = count_document(format, record->document_format, &pass, &opts, &tally);

  if (!vaultPassDrain(&pass))
  {
    vaultLog("ERROR", "Unable to %s the print data: %s", pass.write_failed ? "send" : "read",
             strerror(pass.error));
    return (1);
  }

  save_record(record);
  vaultLog("DEBUG", "vault-account: %s, %" G_GUINT64_FORMAT " bytes, counted=%s, pages=%" G_GUINT64_FORMAT
           ", impressions=%" G_GUINT64_FORMAT ", sheets=%" G_GUINT64_FORMAT ".", record->document_format,
           pass.bytes, record->counted ? "true" : "false", record->pages, record->impressions, record->sheets);

  vaultTallyClear(&tally);
  vaultOptionsClear(&opts);
  if (fd > 0)
    close(fd);

  return (0);
}
