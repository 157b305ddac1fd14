/*
 * sc-filter: a CUPS filter for the side-channel test.  Before it passes
 * the job on, it asks the backend for the device id over the side channel
 * (as printer drivers do) and records the answer and how long it took in
 * $SC_FILTER_LOG, then copies the job (argv[6], else stdin) to stdout
 * unchanged.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cups/sidechannel.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>


/*
 * 'main()' - Ask, record, copy.
 */

int
main(int  argc,
     char *argv[])
{
  char			data[1024], buffer[65536];
  int			datalen = sizeof(data);
  cups_sc_status_t	status;
  gint64		start = g_get_monotonic_time();
  ssize_t		bytes;
  const char		*log = getenv("SC_FILTER_LOG");
  FILE			*fp;
  int			fd = argc > 6 ? open(argv[6], O_RDONLY) : 0;

  status = cupsSideChannelDoRequest(CUPS_SC_CMD_GET_DEVICE_ID, data, &datalen, 30.0);

  if (log && (fp = fopen(log, "a")) != NULL)
  {
    fprintf(fp, "status=%d ms=%d\n", (int)status, (int)((g_get_monotonic_time() - start) / 1000));
    fclose(fp);
  }

  if (fd < 0)
    return (1);

  while ((bytes = read(fd, buffer, sizeof(buffer))) > 0)
    if (write(1, buffer, (size_t)bytes) != bytes)
      return (1);

  return (bytes < 0);
}
