/*
 * vault-ppdgen: the PPD helper of vault-add-printer.  It builds a PPD from
 * a driverless IPP printer's own attributes with libcupsfilters, or fetches
 * the PPD of an existing queue from cupsd; the PPD goes to stdout, and
 * vault-add-printer then adds the vault's parts (the accounting filter).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage: vault-ppdgen ipp://HOST/PATH    (or ipps://, dnssd://)
 *        vault-ppdgen --queue NAME       (cupsd from CUPS_SERVER)
 *
 * It links libcupsfilters 1.28 alone: that library's headers and its
 * exported names (strlcpy, log_printf) clash with other code, so nothing
 * else of cups-vault is linked in.  Exit status: 0 with a PPD on stdout,
 * 1 with a message on stderr.
 */

#include <cupsfilters/ipp.h>
#include <cupsfilters/ppdgenerator.h>
#include <cups/ppd.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


/*
 * 'copy_file()' - Copy a file to stdout; 0 or -1 with a message.
 */

static int
copy_file(const char *path)
{
  char		buffer[65536];
  size_t	bytes;
  FILE		*in;
  int		status = 0;

  if ((in = fopen(path, "r")) == NULL)
  {
    fprintf(stderr, "vault-ppdgen: cannot read %s: %s\n", path, strerror(errno));
    return (-1);
  }

  while ((bytes = fread(buffer, 1, sizeof(buffer), in)) > 0)
    if (fwrite(buffer, 1, bytes, stdout) != bytes)
      status = -1;

  if (ferror(in) || fflush(stdout))
    status = -1;

  fclose(in);

  if (status)
    fprintf(stderr, "vault-ppdgen: cannot copy the PPD: %s\n", strerror(errno));

  return (status);
}


/*
 * 'from_printer()' - Ask an IPP printer for its attributes and generate a
 *                    PPD from them.  Returns 0 or 1.
 */

static int
from_printer(const char *uri)
{
  ipp_t		*response;
  char		ppdname[1024];
  int		status;

  response = get_printer_attributes(uri, NULL, 0, NULL, 0, 0);
  if (!response)
  {
    fprintf(stderr, "vault-ppdgen: %s did not answer Get-Printer-Attributes: %s\n",
            uri, cupsLastErrorString());
    return (1);
  }

  if (!ppdCreateFromIPP(ppdname, sizeof(ppdname), response, NULL, NULL, 0, 0))
  {
    fprintf(stderr, "vault-ppdgen: cannot make a PPD for %s: %s\n", uri,
            ppdgenerator_msg[0] ? ppdgenerator_msg : "not a driverless printer");
    ippDelete(response);
    return (1);
  }

  status = copy_file(ppdname) ? 1 : 0;

  unlink(ppdname);
  ippDelete(response);
  return (status);
}


/*
 * 'from_queue()' - Fetch the PPD of queue NAME from cupsd.  Returns 0 or 1;
 *                  a queue without a PPD (raw) is 1 with its own message.
 */

static int
from_queue(const char *name)
{
  char		ppdname[1024] = "";
  time_t	modtime = 0;
  http_status_t	http_status;
  int		status;

  http_status = cupsGetPPD3(CUPS_HTTP_DEFAULT, name, &modtime, ppdname, sizeof(ppdname));
  if (http_status == HTTP_STATUS_NOT_FOUND)
  {
    fprintf(stderr, "vault-ppdgen: queue %s has no PPD (a raw queue)\n", name);
    return (1);
  }
  else if (http_status != HTTP_STATUS_OK)
  {
    fprintf(stderr, "vault-ppdgen: cannot fetch the PPD of %s: %s\n", name, cupsLastErrorString());
    if (ppdname[0])
      unlink(ppdname);
    return (1);
  }

  status = copy_file(ppdname) ? 1 : 0;
  unlink(ppdname);
  return (status);
}


/*
 * 'main()' - One PPD to stdout, from a printer or from a queue.
 */

int
main(int  argc,
     char *argv[])
{
  if (argc == 3 && !strcmp(argv[1], "--queue"))
    return (from_queue(argv[2]));

  if (argc == 2 && argv[1][0] != '-')
    return (from_printer(argv[1]));

  fputs("Usage: vault-ppdgen ipp://HOST/PATH\n"
        "       vault-ppdgen --queue NAME\n", stderr);
  return (argc == 2 && !strcmp(argv[1], "--help") ? 0 : 1);
}
